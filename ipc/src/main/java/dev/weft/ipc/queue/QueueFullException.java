package dev.weft.ipc.queue;

/**
 * Thrown by {@code putNowait} when the queue is full: Python's {@code queue.Full}.
 *
 * @since 0.1
 */
public final class QueueFullException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was full, e.g. the queue's {@code toString()}
     */
    public QueueFullException(String message) {
        super(message);
    }
}
