package dev.weft.ipc.queue;

/**
 * Thrown by {@code getNowait} when no message is ready: Python's {@code queue.Empty}.
 *
 * @since 0.1
 */
public final class QueueEmptyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was empty, e.g. the queue's {@code toString()}
     */
    public QueueEmptyException(String message) {
        super(message);
    }
}
