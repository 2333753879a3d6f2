/**
 * Queues between threads and tasks: the counterparts of {@code asyncio.Queue},
 * {@code PriorityQueue} and {@code LifoQueue}.
 *
 * <p>Timeouts, interruption and cancellation follow the rules in {@link dev.weft.core}'s package
 * documentation.
 */
@NullMarked
package dev.weft.core.queue;

import org.jspecify.annotations.NullMarked;
