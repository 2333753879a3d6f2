package dev.weft.redis.internal;

import dev.weft.core.internal.WaitEvent;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One waiting request (acquire, await, put, get, join): a future completed with the first non-null
 * result of an attempt that runs on the server, retried when a notification arrives and, as a
 * fallback for a lost notification, at a bounded interval.
 *
 * <p>Implementation notes.
 *
 * <p><b>Overview.</b> An attempt is one atomic server step (a Lua script or a read) that either
 * succeeds (the lock is taken, an element is put or taken) or reports "not yet". The request runs
 * one attempt at a time. A notification ({@link #signal()}) that arrives while an attempt is in
 * flight makes the request run another attempt as soon as that one returns, so that a change that
 * raced with the attempt is never missed; the caller registers for notifications before the first
 * attempt ({@link #start()}).
 *
 * <p><b>State</b> ({@code state}): {@code IDLE} (no attempt in flight: waiting for a notification
 * or the poll timer), {@code FLIGHT} (an attempt is in flight), {@code DONE} (completed, withdrawn
 * or failed; final).
 *
 * <p><b>Withdrawal</b> ({@code cancel}, and {@code complete}/{@code completeExceptionally} from
 * outside, e.g. {@code orTimeout}): in {@code IDLE} it wins at once and nothing was done on the
 * server. In {@code FLIGHT} the outcome is already decided on the server, so withdrawal waits until
 * the attempt returns (one round trip, at most the command timeout): if the attempt succeeded the
 * future holds its result and withdrawal fails ({@code cancel} returns {@code false}: the caller
 * holds the lock, or the element was put or taken); otherwise withdrawal wins. A withdrawal from one
 * of the engine's own callback threads cannot wait there: it returns {@code false} at once and the
 * request is withdrawn when its attempt returns empty, or completes with the attempt's result.
 * Nothing granted on the server is ever dropped.
 *
 * <p><b>JFR.</b> The blocking helpers ({@link #await(Request)} and its forms) record a
 * {@code dev.weft.Wait} event for a request that waited: one whose first attempt did not succeed.
 * A request granted by its first attempt is a round trip, not a wait, and records nothing.
 *
 * @param <T> the result type
 */
public final class Request<T> extends CompletableFuture<T> {

    private static final int IDLE = 0;
    private static final int FLIGHT = 1;
    private static final int DONE = 2;

    /** Marks the engine's callback threads, where a withdrawal must not wait. */
    private static final ThreadLocal<Boolean> CALLBACK_THREAD = ThreadLocal.withInitial(() -> Boolean.FALSE);

    /** One of IDLE, FLIGHT, DONE. */
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final Supplier<CompletableFuture<@Nullable T>> attempt;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final long pollNanos;
    private final Retry retry;
    private final Runnable onFinish;
    private final Site site;

    /** An attempt returned "not yet" or failed transiently: the request waited. */
    private volatile boolean waited;
    /** A notification arrived since the last attempt started. */
    private volatile boolean wake;
    /** Withdrawal asked from a callback thread while an attempt was in flight. */
    private volatile boolean withdrawRequested;
    /** Completed after the handler of the attempt in flight has run. */
    private volatile CompletableFuture<@Nullable Void> settled = CompletableFuture.completedFuture(null);
    private volatile @Nullable ScheduledFuture<?> pollTask;
    /** A shorter delay for the next poll, set by an attempt (e.g. a lease's remaining time), or 0. */
    private volatile long hintNanos;

    /**
     * What a request waits on, as its JFR wait event names it.
     *
     * @param primitive the kind of object, e.g. {@code RedisLock}
     * @param object the object's name
     * @param operation the operation that waits, e.g. {@code acquire}
     * @param outcome the outcome of a request that completes with a result, e.g. {@code acquired}
     */
    public record Site(String primitive, String object, String operation, String outcome) {}

    /** Which failures of an attempt are transient (retried after the poll interval). */
    @FunctionalInterface
    public interface Retry {
        /**
         * Whether to retry after {@code failure}.
         *
         * @param failure the attempt's failure, unwrapped
         * @return {@code true} to retry later, {@code false} to fail the request
         */
        boolean retry(Throwable failure);
    }

    /**
     * A request, not started.
     *
     * @param attempt one server step: completes with the result, or {@code null} for "not yet"
     * @param executor runs the handlers of attempts (and so the request's dependent stages)
     * @param timer schedules polls
     * @param pollNanos the fallback interval between attempts
     * @param retry which failures are transient
     * @param onFinish run once when the request completes in any way (unregistration)
     * @param site what the request waits on, for its JFR wait event
     */
    public Request(Supplier<CompletableFuture<@Nullable T>> attempt, Executor executor, ScheduledExecutorService timer,
            long pollNanos, Retry retry, Runnable onFinish, Site site) {
        this.attempt = attempt;
        this.executor = executor;
        this.timer = timer;
        this.pollNanos = pollNanos;
        this.retry = retry;
        this.onFinish = onFinish;
        this.site = site;
    }

    /**
     * Runs {@code body} marking the current thread as a callback thread of the engine.
     *
     * @param body the body
     */
    public static void asCallbackThread(Runnable body) {
        CALLBACK_THREAD.set(Boolean.TRUE);
        body.run();
    }

    /** Runs the first attempt. Register for notifications before calling it. */
    public void start() {
        run();
    }

    /** A notification: something changed that may let the next attempt succeed. */
    public void signal() {
        wake = true;
        if (state.get() == IDLE) {
            executor.execute(this::run);
        }
    }

    /**
     * Asks for the next poll after at most {@code nanos} (called by an attempt that knows when the
     * state it waits for will change, such as a lease's expiry).
     *
     * @param nanos the delay
     */
    public void hintNextAttemptWithin(long nanos) {
        hintNanos = Math.max(1, nanos);
    }

    /**
     * Fails the request (a closed handle) unless it already completed; an attempt in flight is
     * waited for first, as for a withdrawal.
     *
     * @param failure the failure
     * @return {@code true} if the request failed with it
     */
    public boolean fail(Throwable failure) {
        return withdraw() && super.completeExceptionally(failure);
    }

    private void run() {
        if (!state.compareAndSet(IDLE, FLIGHT)) {
            return;
        }
        wake = false;
        hintNanos = 0;
        CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
        settled = done;
        CompletableFuture<@Nullable T> f;
        try {
            f = attempt.get();
        } catch (RuntimeException | Error e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenCompleteAsync((value, failure) -> {
            try {
                handle(value, failure);
            } finally {
                done.complete(null);
            }
        }, executor);
    }

    private void handle(@Nullable T value, @Nullable Throwable failure) {
        if (failure != null) {
            Throwable cause = unwrap(failure);
            if (!retry.retry(cause)) {
                state.set(DONE);
                super.completeExceptionally(cause);
                finish();
                return;
            }
        } else if (value != null) {
            state.set(DONE);
            super.complete(value);
            finish();
            return;
        }
        waited = true;
        state.set(IDLE);
        if (withdrawRequested && state.compareAndSet(IDLE, DONE)) {
            super.cancel(false);
            finish();
            return;
        }
        if (wake && failure == null) {
            run();
        } else {
            long hint = hintNanos;
            long delay = failure != null ? pollNanos : hint > 0 ? Math.min(hint, pollNanos) : pollNanos;
            pollTask = timer.schedule(() -> executor.execute(this::run), delay, TimeUnit.NANOSECONDS);
        }
    }

    private void finish() {
        ScheduledFuture<?> p = pollTask;
        if (p != null) {
            p.cancel(false);
        }
        onFinish.run();
    }

    /** Withdraws the request if no attempt succeeded; true if withdrawn (no result will come). */
    private boolean withdraw() {
        boolean interrupted = false;
        try {
            for (;;) {
                int s = state.get();
                if (s == DONE) {
                    return false;
                }
                if (s == IDLE) {
                    if (state.compareAndSet(IDLE, DONE)) {
                        finish();
                        return true;
                    }
                    continue;
                }
                if (CALLBACK_THREAD.get()) {
                    withdrawRequested = true;
                    if (state.get() == IDLE && state.compareAndSet(IDLE, DONE)) {
                        finish();
                        return true;
                    }
                    return false;
                }
                CompletableFuture<@Nullable Void> wait = settled;
                for (;;) {
                    try {
                        wait.get();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        break;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (withdraw()) {
            return super.cancel(mayInterruptIfRunning);
        }
        return isCancelled();
    }

    @Override
    public boolean complete(T value) {
        return withdraw() && super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        return withdraw() && super.completeExceptionally(ex);
    }

    // ---- blocking helpers ------------------------------------------------------------------------

    /**
     * Waits for the request's result; on an interrupt withdraws it, and if the result came first
     * returns it with the interrupt status set again.
     *
     * @param r the request
     * @param <T> the result type
     * @return the result
     * @throws InterruptedException if interrupted before a result (the request is withdrawn)
     */
    public static <T> T await(Request<T> r) throws InterruptedException {
        WaitEvent event = WaitEvent.start();
        String outcome = WaitEvent.FAILED;
        try {
            T result = awaitUnrecorded(r);
            outcome = r.site.outcome();
            return result;
        } finally {
            r.record(event, outcome);
        }
    }

    private static <T> T awaitUnrecorded(Request<T> r) throws InterruptedException {
        try {
            return r.get();
        } catch (InterruptedException e) {
            Thread.interrupted();
            if (r.cancel(true)) {
                throw e;
            }
            Thread.currentThread().interrupt();
            return resultOf(r);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * As {@link #await(Request)}, giving up after {@code nanos}.
     *
     * @param r the request
     * @param nanos the longest wait
     * @param <T> the result type
     * @return the result, or {@code null} if the wait timed out (the request is withdrawn)
     * @throws InterruptedException if interrupted before a result (the request is withdrawn)
     */
    public static <T> @Nullable T await(Request<T> r, long nanos) throws InterruptedException {
        WaitEvent event = WaitEvent.start();
        String outcome = WaitEvent.FAILED;
        try {
            T result = awaitUnrecorded(r, nanos);
            outcome = result != null ? r.site.outcome() : "timed out";
            return result;
        } finally {
            r.record(event, outcome);
        }
    }

    private static <T> @Nullable T awaitUnrecorded(Request<T> r, long nanos) throws InterruptedException {
        try {
            return r.get(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.interrupted();
            if (r.cancel(true)) {
                throw e;
            }
            Thread.currentThread().interrupt();
            return resultOf(r);
        } catch (TimeoutException e) {
            if (r.cancel(true)) {
                return null;
            }
            return resultOf(r);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * Waits for the request's result ignoring interrupts; the interrupt status is set again on
     * return if one arrived.
     *
     * @param r the request
     * @param <T> the result type
     * @return the result
     */
    public static <T> T awaitUninterruptibly(Request<T> r) {
        WaitEvent event = WaitEvent.start();
        String outcome = WaitEvent.FAILED;
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    T result = r.get();
                    outcome = r.site.outcome();
                    return result;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                }
            }
        } finally {
            r.record(event, outcome);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends {@code event} for a request that waited; one granted by its first attempt records nothing. */
    private void record(@Nullable WaitEvent event, String outcome) {
        if (event != null && waited) {
            WaitEvent.end(event, site.primitive(), site.object(), site.operation(), outcome);
        }
    }

    private static <T> T resultOf(CompletableFuture<T> r) {
        try {
            return r.join();
        } catch (CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * The result of a one-shot server call: waits for it (at most the command timeout, which the
     * client enforces) and rethrows its failure unwrapped.
     *
     * @param f the call
     * @param <T> the result type
     * @return the result
     */
    public static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException | CancellationException e) {
            throw rethrow(e instanceof CompletionException ? e.getCause() : e);
        }
    }

    /**
     * {@code t} unwrapped from {@link CompletionException}/{@link ExecutionException}.
     *
     * @param t the failure
     * @return its cause where it is a wrapper
     */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static RuntimeException rethrow(@Nullable Throwable t) {
        Throwable c = t == null ? new IllegalStateException("failed without a cause") : unwrap(t);
        if (c instanceof RuntimeException re) {
            return re;
        }
        if (c instanceof Error err) {
            throw err;
        }
        return new CompletionException(c);
    }
}
