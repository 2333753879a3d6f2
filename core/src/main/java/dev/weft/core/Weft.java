package dev.weft.core;

import dev.weft.core.internal.Timers;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Entry points named after the functions of Python's {@code asyncio} module.
 *
 * <p>The primitives themselves live in their own packages ({@code dev.weft.core.task},
 * {@code dev.weft.core.queue}, {@code dev.weft.core.sync}); this class holds the free functions
 * of {@code asyncio} that have no better home, so that code ported from Python reads the same.
 *
 * <table class="striped">
 *   <caption>asyncio functions and their counterparts here</caption>
 *   <thead><tr><th>asyncio</th><th>Weft</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code await asyncio.sleep(d)}</td><td>{@link #sleep(Duration)} (blocking) or
 *         {@link #sleepAsync(Duration)}</td></tr>
 *   </tbody>
 * </table>
 *
 * @since 0.1
 */
public final class Weft {

    private Weft() {}

    /**
     * Blocks the calling thread for at least {@code delay}: the counterpart of
     * {@code await asyncio.sleep(delay)}.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks until {@code delay} has elapsed; nothing else ends the wait early except an interrupt.
     * On a virtual thread the carrier thread is released for the whole wait. If the interrupt
     * status is set on entry, or the thread is interrupted while sleeping (which is what cancelling
     * the task that runs this code does), it throws
     * {@link InterruptedException} and clears the status. A zero or negative delay returns at once
     * (after the interrupt check). See the package's <a href="package-summary.html#timeouts">timeout
     * rules</a>.
     *
     * @param delay how long to sleep
     * @throws InterruptedException if interrupted before or during the sleep
     * @throws NullPointerException if {@code delay} is null
     */
    public static void sleep(Duration delay) throws InterruptedException {
        Objects.requireNonNull(delay, "delay");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long remaining = saturatedNanos(delay);
        if (remaining <= 0) {
            return;
        }
        long deadline = System.nanoTime() + remaining;
        do {
            TimeUnit.NANOSECONDS.sleep(remaining);
            remaining = deadline - System.nanoTime();
        } while (remaining > 0);
    }

    /**
     * Returns a future that completes with {@code null} once {@code delay} has elapsed, without
     * occupying any thread while it waits.
     *
     * <p>The future is completed by Weft's shared timer thread (a daemon platform thread); dependent
     * actions attached with the non-async {@code CompletableFuture} methods run there and should be
     * short. Cancelling the returned future withdraws the timer at once, so that repeated
     * cancelled sleeps do not accumulate. A zero or negative delay gives an already completed
     * future.
     *
     * @param delay how long to wait
     * @return a future completed with {@code null} after {@code delay}
     * @throws NullPointerException if {@code delay} is null
     */
    public static CompletableFuture<@Nullable Void> sleepAsync(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        long nanos = saturatedNanos(delay);
        CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
        if (nanos <= 0) {
            done.complete(null);
            return done;
        }
        Timers.schedule(done, nanos, () -> done.complete(null));
        return done;
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
