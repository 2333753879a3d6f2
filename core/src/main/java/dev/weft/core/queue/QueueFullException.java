package dev.weft.core.queue;

/**
 * Thrown by {@link AsyncQueue#putNowait(Object)} when a bounded queue holds as many elements as its
 * capacity allows: the counterpart of {@code asyncio.QueueFull}.
 *
 * <p>It extends {@link IllegalStateException}, as {@link java.util.Queue#add(Object)} does for a
 * full queue. A queue that is shut down throws {@link QueueShutDownException} instead, full or
 * not.
 *
 * @since 0.1
 */
public class QueueFullException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with the given detail message.
     *
     * @param message the detail message
     */
    public QueueFullException(String message) {
        super(message);
    }
}
