package dev.weft.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread that Weft's asynchronous timeouts and sleeps share.
 *
 * <p>Not API. A single daemon platform thread fires the timers; each action it runs must be short
 * (complete a future, cancel a wait). A timer attached to a future is withdrawn from the timer
 * queue as soon as that future completes, so abandoned timed waits do not accumulate.
 */
public final class Timers {

    private static final ScheduledThreadPoolExecutor TIMER;

    static {
        TIMER = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "weft-timer");
            t.setDaemon(true);
            return t;
        });
        TIMER.setRemoveOnCancelPolicy(true);
        TIMER.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    private Timers() {}

    /**
     * Runs {@code action} on the timer thread after {@code delayNanos}, unless {@code owner}
     * completes first, in which case the timer is withdrawn.
     *
     * @param owner the future whose completion makes the timer pointless
     * @param delayNanos the delay, in nanoseconds, greater than zero
     * @param action a short action
     */
    public static void schedule(CompletableFuture<?> owner, long delayNanos, Runnable action) {
        // assert delayNanos > 0;
        ScheduledFuture<?> timer = TIMER.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
        owner.whenComplete((r, e) -> timer.cancel(false));
    }

    /**
     * Runs {@code action} on the timer thread after {@code delayNanos} (at once if
     * {@code delayNanos <= 0}) and returns the handle that withdraws it; cancelling the handle
     * removes the timer from the queue at once. The action may still run if it had already
     * started, so it must check for itself whether it is still wanted.
     *
     * @param delayNanos the delay, in nanoseconds
     * @param action a short action
     * @return the handle of the timer
     */
    public static ScheduledFuture<?> schedule(long delayNanos, Runnable action) {
        return TIMER.schedule(action, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }
}
