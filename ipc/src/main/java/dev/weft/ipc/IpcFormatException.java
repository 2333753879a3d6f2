package dev.weft.ipc;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A shared file exists but is not what the caller asked for: not a Weft ipc file, a different
 * layout version, another kind of object, other creation parameters, or a truncated or corrupt
 * header.
 *
 * <p>Weft never reinterprets such a file: the message names the file, the field, the expected and
 * the actual value. Typical causes are two programs (or two library versions) using the same name
 * for different things, or a file left by an older version; remove the file (when no process uses
 * it) or choose another name.
 *
 * @since 0.1
 */
public final class IpcFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * Creates the exception.
     *
     * @param file the rejected file
     * @param message what is wrong, with expected and actual values
     */
    public IpcFormatException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    /**
     * The rejected file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }
}
