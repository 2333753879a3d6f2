/**
 * Deadlines: the counterparts of {@code asyncio.timeout}, {@code asyncio.timeout_at} and
 * {@code asyncio.wait_for}.
 *
 * <p>{@link dev.weft.core.time.Timeout} puts a deadline on a block of code that runs in the
 * calling thread, and turns the interrupt it delivers when the deadline passes into a
 * {@link java.util.concurrent.TimeoutException}; {@link dev.weft.core.time.WaitFor} waits for a
 * future with a deadline and cancels the work behind it, waiting until it has stopped, when the
 * deadline passes.
 *
 * <p>Deadlines are measured with {@link java.lang.System#nanoTime()} and are minimum waits.
 * Timeouts, interruption and cancellation follow the rules in {@link dev.weft.core}'s package
 * documentation.
 */
@NullMarked
package dev.weft.core.time;

import org.jspecify.annotations.NullMarked;
