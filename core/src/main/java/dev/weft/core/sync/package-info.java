/**
 * Synchronization primitives usable from platform threads, virtual threads and
 * {@code CompletableFuture} pipelines: the counterparts of {@code asyncio.Event}, {@code Lock},
 * {@code Semaphore}, {@code BoundedSemaphore}, {@code Condition} and {@code Barrier}.
 *
 * <p>Timeouts, interruption and cancellation follow the rules in {@link dev.weft.core}'s package
 * documentation.
 */
@NullMarked
package dev.weft.core.sync;

import org.jspecify.annotations.NullMarked;
