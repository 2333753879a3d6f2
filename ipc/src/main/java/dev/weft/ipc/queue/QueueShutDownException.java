package dev.weft.ipc.queue;

/**
 * Thrown by puts on a queue that was {@linkplain IpcQueue#shutdown(boolean) shut down}, and by
 * takes once a shut-down queue is empty (at once after an immediate shutdown): Python's
 * {@code QueueShutDown} (3.13). Blocked putters and getters in every process wake and throw it.
 *
 * @since 0.1
 */
public final class QueueShutDownException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was shut down, e.g. the queue's {@code toString()}
     */
    public QueueShutDownException(String message) {
        super(message);
    }
}
