/**
 * Queues between threads and tasks: the counterparts of {@code asyncio.Queue},
 * {@code PriorityQueue} and {@code LifoQueue}.
 *
 * <p>{@link dev.weft.core.queue.AsyncQueue} is the queue (FIFO, LIFO or priority; bounded or
 * unbounded; blocking, asynchronous and immediate forms; {@code taskDone}/{@code join};
 * {@code shutdown}). {@link dev.weft.core.queue.QueueEmptyException},
 * {@link dev.weft.core.queue.QueueFullException} and
 * {@link dev.weft.core.queue.QueueShutDownException} are asyncio's {@code QueueEmpty},
 * {@code QueueFull} and {@code QueueShutDown}.
 *
 * <p>Timeouts, interruption and cancellation follow the rules in {@link dev.weft.core}'s package
 * documentation.
 */
@NullMarked
package dev.weft.core.queue;

import org.jspecify.annotations.NullMarked;
