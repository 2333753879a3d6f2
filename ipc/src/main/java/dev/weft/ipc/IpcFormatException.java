package dev.weft.ipc;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A shared file or domain directory exists but is not what the caller asked for, or is not safe to
 * use: not a Weft ipc file, a different layout version, another kind of object, other creation
 * parameters, a truncated or corrupt header; or a symbolic link, a special file (FIFO, device), an
 * entry owned by another user, or one that lets more users read or write it than
 * {@link IpcOptions#filePermissions()} ask ({@link IpcDomain} lists the rules).
 *
 * <p>Weft never reinterprets nor uses such a file: the message names the file, the field (or the
 * owner and mode), the expected and the actual value. Typical causes are two programs (or two
 * library versions) using the same name for different things, a file left by an older version, or
 * a directory prepared by hand with a wider mode; remove the file (when no process uses it) or
 * choose another name. A directory or file of another user may have been planted to read the
 * domain's messages: find out who made it before removing it.
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
