package dev.weft.core.queue;

import java.util.NoSuchElementException;

/**
 * Thrown by {@link AsyncQueue#getNowait()} when the queue holds no element: the counterpart of
 * {@code asyncio.QueueEmpty}.
 *
 * <p>It extends {@link NoSuchElementException}, so code written against
 * {@link java.util.Queue#remove()} catches it too. A queue that is both empty and shut down throws
 * {@link QueueShutDownException} instead.
 *
 * @since 0.1
 */
public class QueueEmptyException extends NoSuchElementException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with the given detail message.
     *
     * @param message the detail message
     */
    public QueueEmptyException(String message) {
        super(message);
    }
}
