package dev.weft.core.time;

import dev.weft.core.internal.Stages;
import dev.weft.core.task.Task;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Waits for a future with a deadline and, when the deadline passes, cancels the work and waits
 * until it has stopped: the counterpart of {@code asyncio.wait_for}.
 *
 * <p>This is what {@code future.get(timeout, unit)} does not do: {@code get} gives up waiting but
 * leaves the work running, and {@code CompletableFuture.orTimeout} completes the future while the
 * work carries on. {@code waitFor} stops the work and returns only when it has stopped, so that a
 * retry never overlaps with the attempt it replaces.
 *
 * <h2>What happens at the deadline</h2>
 * <ul>
 *   <li>A {@link Task}: the task is asked to stop with {@link Task#interrupt()} (a request, as
 *       asyncio's {@code Task.cancel()} is; a task that has not started yet is cancelled and never
 *       runs), and {@code waitFor} waits until its body has ended. Then: if the task ended
 *       cancelled (its body let the interrupt escape), {@link TimeoutException} is thrown, with the
 *       task's cancellation as its cause; if the body caught the interrupt and returned a value,
 *       that value is returned (asyncio, gh-86296); if it failed, the failure is thrown as an
 *       {@link ExecutionException}.</li>
 *   <li>Any other {@code Future} (a {@code CompletableFuture}, ...): it is cancelled with
 *       {@code cancel(true)}, which completes it at once, and {@code TimeoutException} is thrown,
 *       unless it completed in the meantime, in which case its outcome is returned or thrown.
 *       What produces a plain {@code CompletableFuture} is not stopped by cancelling it.</li>
 *   <li>A {@code CompletionStage} that is not a {@code Future} cannot be cancelled:
 *       {@code TimeoutException} is thrown and the work is left alone.</li>
 * </ul>
 *
 * <h2>Failure policy and cancellation</h2>
 * A failure of the work is thrown as an {@link ExecutionException} (its cause is the failure); a
 * cancellation of the work by someone else as a {@link CancellationException}. Cancellation
 * flows <b>down</b>: an interrupt of the waiting thread cancels the work too (asyncio,
 * bpo-23219), and {@code waitFor} waits until a task's body has stopped before it throws
 * {@link InterruptedException}; a second interrupt during that wait ends it at once. The
 * interrupt always wins: once the caller was interrupted, {@code InterruptedException} is thrown
 * even if the work completed at the same moment.
 *
 * <h2>Pitfalls</h2>
 * A task that ignores its interrupt keeps {@code waitFor} waiting after the deadline, until it
 * ends by itself (as a coroutine that swallows {@code CancelledError} keeps {@code wait_for}
 * waiting, bpo-43389); interrupt the waiting thread to stop waiting. To protect the work from the
 * deadline instead, wait for a {@link dev.weft.core.task.Shield shield} of it:
 * {@code waitFor(Shield.shield(task), d)} cancels only the shield.
 *
 * {@snippet :
 * Task<String> fetch = Task.start(() -> download(url));
 * try {
 *     String page = WaitFor.waitFor(fetch, Duration.ofSeconds(5));
 * } catch (TimeoutException e) {
 *     // fetch has been interrupted and its body has stopped: nothing is left running
 * }
 * }
 *
 * @since 0.1
 */
public final class WaitFor {

    private WaitFor() {}

    /**
     * Waits at most {@code timeout} for {@code future}; at the deadline, cancels the work behind it
     * and waits until it has stopped (see the class documentation).
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks until the future completes, or until the deadline passes and the work has been
     * stopped. Nothing else ends the wait except an interrupt; there are no spurious returns. If
     * the interrupt status is set on entry, or the thread is interrupted while waiting, the work is
     * cancelled, a task's body is waited for (a second interrupt ends that wait), and
     * {@link InterruptedException} is thrown with the status cleared. A timeout {@code <= 0}
     * returns the outcome of a future that is already done, and otherwise cancels the work at
     * once (asyncio's {@code wait_for(aw, 0)}).
     *
     * @param future the work to wait for
     * @param timeout the longest time to wait before cancelling
     * @param <T> the type of its value
     * @return the value of the work
     * @throws TimeoutException if the deadline passed and the work ended cancelled (or cannot be
     *     cancelled)
     * @throws ExecutionException holding the failure of the work
     * @throws CancellationException if the work was cancelled by someone else
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object> T waitFor(CompletionStage<T> future, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        return waitFor(future, dev.weft.core.internal.Durations.toNanos(timeout));
    }

    /**
     * Waits at most {@code timeout} for {@code future}; as {@link #waitFor(CompletionStage, Duration)}.
     *
     * @param future the work to wait for
     * @param timeout the longest time to wait before cancelling
     * @param unit the unit of {@code timeout}
     * @param <T> the type of its value
     * @return the value of the work
     * @throws TimeoutException if the deadline passed and the work ended cancelled
     * @throws ExecutionException holding the failure of the work
     * @throws CancellationException if the work was cancelled by someone else
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object> T waitFor(CompletionStage<T> future, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(unit, "unit");
        return waitFor(future, unit.toNanos(timeout));
    }

    /**
     * Starts {@code body} as a new {@link Task} and waits for it at most {@code timeout}, as
     * {@link #waitFor(CompletionStage, Duration)} does. With a timeout {@code <= 0} the body is
     * never started and {@link TimeoutException} is thrown at once (asyncio: the coroutine never
     * starts).
     *
     * @param body the work
     * @param timeout the longest time to wait before cancelling
     * @param <T> the type of its value
     * @return the value of the work
     * @throws TimeoutException if the deadline passed and the task ended cancelled
     * @throws ExecutionException holding the failure of the work
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object> T waitFor(Callable<? extends T> body, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(timeout, "timeout");
        long nanos = dev.weft.core.internal.Durations.toNanos(timeout);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos <= 0) {
            throw new TimeoutException("waitFor with a timeout of " + Durations.describe(nanos)
                    + ": the body was not started");
        }
        return waitFor(Task.<T>start(body), nanos);
    }

    private static <T extends @Nullable Object> T waitFor(CompletionStage<T> stage, long nanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(stage, "future");
        long start = System.nanoTime();
        CompletableFuture<T> f = Stages.asFuture(stage);
        try {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (f.isDone()) {
                return f.get();
            }
            if (nanos > 0) {
                return f.get(nanos, TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException deadline) {
            // fall through: cancel and collect
        } catch (InterruptedException interrupted) {
            abandon(stage, interrupted);
            throw interrupted;
        }
        return cancelAndCollect(stage, f, nanos, start);
    }

    /** The deadline passed: stop the work, wait until it has stopped, and report its end. */
    private static <T extends @Nullable Object> T cancelAndCollect(CompletionStage<T> stage, CompletableFuture<T> f,
            long nanos, long start) throws InterruptedException, ExecutionException, TimeoutException {
        if (stage instanceof Task<?> task) {
            if (task.status() == Task.Status.PENDING) {
                task.cancel("waitFor: deadline passed before the task started");
            } else {
                task.interrupt();
            }
            try {
                return f.get(); // the body decides: the task completes only when it has stopped
            } catch (CancellationException cancelled) {
                throw timedOut(nanos, start, stage, cancelled);
            } catch (InterruptedException interrupted) {
                abandon(stage, interrupted);
                throw interrupted;
            }
        }
        Stages.cancel(stage, "waitFor: deadline passed");
        if (f.isDone()) {
            try {
                return f.get();
            } catch (CancellationException cancelled) {
                throw timedOut(nanos, start, stage, cancelled);
            }
        }
        throw timedOut(nanos, start, stage, null);
    }

    /** The caller was interrupted: cancel the work and, for a task, wait until it has stopped. */
    private static void abandon(CompletionStage<?> stage, InterruptedException interrupted) {
        Stages.cancel(stage, "waitFor's caller was interrupted");
        if (stage instanceof Task<?> task) {
            try {
                task.awaitStopped();
            } catch (InterruptedException again) {
                interrupted.addSuppressed(again); // a second interrupt: stop waiting for the body
            }
        }
    }

    private static TimeoutException timedOut(long nanos, long start, CompletionStage<?> stage,
            @Nullable CancellationException cause) {
        TimeoutException e = new TimeoutException("waitFor timed out: requested " + Durations.describe(nanos)
                + ", gave up after " + Durations.describe(System.nanoTime() - start)
                + (cause != null ? ", the work has stopped: " : ", the work cannot be cancelled: ") + stage);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

}
