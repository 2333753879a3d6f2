package dev.weft.ipc;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A shared object's file was damaged while this process had it mapped: it was cut shorter than its
 * layout (another process truncated it, or its storage failed), so part of the mapping no longer
 * has a page behind it. The object (lock, event or queue) can no longer be used in this process:
 * this operation and every later one on it throw this exception, without touching the mapping.
 * Other objects of the domain are not affected.
 *
 * <p>A bare access to the cut range would raise {@code SIGBUS}; Weft detects the damage before the
 * access where it can, and otherwise turns the fault that the JVM reports into this exception. The
 * message names the file, the size its layout needs and the size it has now. Nothing is ever read
 * from the cut range and used as data: a queue delivers no message from it, a lock grants nothing
 * on it. What the object held is lost with the file; a process that opens the name again gets
 * {@link IpcFormatException} (the file is too short) until the file is removed.
 *
 * <p>Unchecked, because every operation of a lock, event or queue may throw it, including
 * {@link java.util.concurrent.locks.Lock#lock()}; it is an {@link IllegalStateException}, as are
 * the other failures of an object that can no longer be used.
 *
 * @since 0.1
 */
public final class IpcDamagedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long expectedLength;
    private final long actualLength;

    /**
     * Creates the exception.
     *
     * @param file the damaged file
     * @param expectedLength the bytes its layout needs (the length mapped)
     * @param actualLength the bytes it has now, or -1 if its size could not be read
     * @param message what was found, naming the file and both sizes
     * @param cause the fault the JVM reported, or {@code null} if the damage was found before any access
     */
    public IpcDamagedException(Path file, long expectedLength, long actualLength, String message,
            @Nullable Throwable cause) {
        super(message, cause);
        this.file = file;
        this.expectedLength = expectedLength;
        this.actualLength = actualLength;
    }

    /**
     * The damaged file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }

    /**
     * The length the object's layout needs, which it had when it was mapped.
     *
     * @return bytes
     */
    public long expectedLength() {
        return expectedLength;
    }

    /**
     * The file's length when the damage was found.
     *
     * @return bytes, or -1 if the size could not be read (the file was removed, say)
     */
    public long actualLength() {
        return actualLength;
    }
}
