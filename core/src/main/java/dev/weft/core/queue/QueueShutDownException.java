package dev.weft.core.queue;

/**
 * Thrown when a put meets a queue that has been shut down, or a get meets a queue that has been
 * shut down and holds no more elements: the counterpart of {@code asyncio.QueueShutDown}
 * (Python 3.13).
 *
 * <p>Blocked putters and getters, blocking and asynchronous, are woken with this exception by
 * {@link AsyncQueue#shutdown(boolean)}; asynchronous forms complete their future exceptionally with
 * it. {@link AsyncQueue#taskDone()} and {@link AsyncQueue#join()} never throw it.
 *
 * @since 0.1
 */
public class QueueShutDownException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with the given detail message.
     *
     * @param message the detail message
     */
    public QueueShutDownException(String message) {
        super(message);
    }
}
