package dev.weft.core.time;

import dev.weft.core.internal.Stages;
import dev.weft.core.internal.Timers;
import dev.weft.core.task.Task;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A deadline for a block of code: the counterpart of {@code async with asyncio.timeout(delay)}
 * and {@code asyncio.timeout_at(when)}.
 *
 * <p>{@link #within(Duration, Body)} runs the body in the calling thread with a deadline. If the
 * deadline passes while the body runs, the scope <em>interrupts the calling thread</em> (the way
 * a Weft task is cancelled); the body's blocking call throws {@link InterruptedException}, the
 * body ends, and the scope turns that into a {@link TimeoutException}. The body receives the
 * scope, so it can move the deadline ({@link #reschedule(Duration)}, {@link #rescheduleAt(long)},
 * {@link #disable()}) or check {@link #expired()}.
 * {@snippet :
 * String page = Timeout.within(Duration.ofSeconds(10), scope -> {
 *     String first = fetch(url);                    // a blocking call that answers interrupts
 *     scope.reschedule(Duration.ofSeconds(5));      // 5 s from now for the rest
 *     return first + fetch(next(first));
 * });                                               // TimeoutException if a deadline passed
 * }
 *
 * <h2>States</h2>
 * <table class="striped">
 *   <caption>Timeout states</caption>
 *   <thead><tr><th>state</th><th>meaning</th><th>{@link #expired()}</th>
 *       <th>reschedule</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code ENTERED}</td><td>the body runs; the deadline has not passed</td><td>false</td>
 *         <td>allowed</td></tr>
 *     <tr><td>{@code EXPIRING}</td><td>the deadline passed; the thread was interrupted</td>
 *         <td>true</td><td>{@link IllegalStateException}</td></tr>
 *     <tr><td>{@code EXPIRED}</td><td>the body ended after the deadline passed</td><td>true</td>
 *         <td>{@link IllegalStateException}</td></tr>
 *     <tr><td>{@code EXITED}</td><td>the body ended before the deadline</td><td>false</td>
 *         <td>{@link IllegalStateException}</td></tr>
 *   </tbody>
 * </table>
 * <pre>
 *   ENTERED ──deadline passes──► EXPIRING ──body ends──► EXPIRED
 *      │
 *      └────────body ends──────► EXITED
 * </pre>
 *
 * <h2>How the body's end is reported</h2>
 * <ul>
 *   <li>The deadline did not pass: the body's value or exception, unchanged.</li>
 *   <li>The deadline passed and the body ended with a cancellation signal
 *       ({@link InterruptedException}, {@link CancellationException}, or the interrupt reactions of
 *       I/O, {@link java.io.InterruptedIOException} and
 *       {@link java.nio.channels.ClosedByInterruptException}): a {@link TimeoutException} whose
 *       cause is that signal ({@code raise TimeoutError from CancelledError}). Its message gives
 *       the requested wait and how long after the deadline the body stopped.</li>
 *   <li>The deadline passed and the body ended with another exception: that exception, with a
 *       {@code TimeoutException} added as suppressed (asyncio chains it as the context).</li>
 *   <li>The deadline passed but the body caught the interrupt and returned normally: its value,
 *       and no exception ({@link #expired()} is true); asyncio does the same when the body
 *       swallows the cancellation.</li>
 * </ul>
 * In each case where the deadline passed and no outer cancellation is pending (below), the
 * scope clears the interrupt status it caused before it returns or throws, so the interrupt does
 * not leak into the code after the scope.
 *
 * <h2>Cancellation: a timeout is never mistaken for an outer cancellation, nor the reverse</h2>
 * Like asyncio 3.12, the scope counts cancel requests. Inside a {@link Task}, the scope's
 * interrupt is a {@link Task#interrupt()} request of the current task, and the scope records
 * {@link Task#cancelling()} at entry; on exit it withdraws its own request ({@link Task#uncancel()})
 * and converts to {@code TimeoutException} only if no other request remains. So:
 * <ul>
 *   <li>if the task is cancelled (or interrupted by another scope or another party) while the
 *       body runs, the body's {@code InterruptedException} or {@code CancellationException}
 *       propagates unchanged, even if the deadline also passed, and the interrupt is left
 *       set;</li>
 *   <li>with nested scopes whose deadlines both pass, only the outermost converts: the inner one
 *       sees the outer's request still pending and lets the cancellation through, as
 *       {@code test_nested_timeouts} requires;</li>
 *   <li>an inner scope's {@code TimeoutException} can be caught and the outer scope still fires
 *       later;</li>
 *   <li>the task is not left with a cancel request of the scope's after the scope.</li>
 * </ul>
 * Cancellation flows <b>down</b> only: the deadline cancels the body; nothing cancels the scope
 * from outside except the body's own end.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li><b>Cancellation is cooperative.</b> A timeout does not stop code that never blocks and
 *       never checks {@link Thread#isInterrupted()}; such a body runs to its end, and then its
 *       value is returned with no exception:
 *       {@snippet :
 *       long n = Timeout.within(Duration.ofMillis(10), scope -> {
 *           long i = 0;
 *           while (i < 10_000_000_000L) i++;   // never looks at the interrupt
 *           return i;                          // returned after seconds; scope.expired() is true
 *       });
 *       }
 *       Check {@code Thread.currentThread().isInterrupted()} in long loops.</li>
 *   <li><b>Outside a task the accounting is weaker.</b> On a thread that runs no {@link Task},
 *       nested scopes still count their own requests, but an unrelated
 *       {@link Thread#interrupt()} that arrives after the deadline passed cannot be told apart
 *       from the scope's own interrupt, and is absorbed by the conversion. Run code that others
 *       may interrupt as a task ({@code Weft.run}, {@code Task.start}) for exact accounting.</li>
 *   <li>The deadline interrupts <em>this</em> thread only. Work the body handed to other threads
 *       keeps running unless the body cancels it when interrupted; use
 *       {@link WaitFor#waitFor(java.util.concurrent.CompletionStage, Duration)} or a
 *       {@link dev.weft.core.task.TaskGroup} inside the scope for that.</li>
 * </ul>
 *
 * <h2>Memory consistency effects</h2>
 * Actions of the body happen-before the scope's return or exception. A {@code reschedule} by
 * another thread happens-before a later {@link #deadlineNanos()} read.
 *
 * <h2>Thread safety</h2>
 * A scope belongs to the thread that entered it, but {@link #reschedule(Duration)},
 * {@link #disable()}, {@link #expired()} and the other queries may be called from any thread. The
 * deadline is measured with {@link System#nanoTime()} and fired by Weft's shared timer thread; it
 * is a minimum, as every timeout in Weft (see the package's
 * <a href="../package-summary.html#timeouts">timeout rules</a>).
 *
 * @since 0.1
 */
public final class Timeout {

    /*
     * Implementation notes.
     *
     * Overview
     *   A scope owns one timer at a time (a ScheduledFuture on Weft's timer thread) and a
     *   generation number; rescheduling withdraws the timer and bumps the generation, so a timer
     *   that was already running when withdrawn sees a stale generation and does nothing. Firing
     *   and leaving are serialized by a lock: the timer fires (state ENTERED -> EXPIRING and one
     *   counted interrupt of the owner) only while the body runs, and leaving (state -> EXITED or
     *   EXPIRED) closes that window, so the scope's interrupt never lands after the scope.
     *   The cancel-request counter is the task's own (Task.interrupt/uncancel) inside a task, or
     *   a per-thread counter shared by the scopes nested on a plain thread.
     *
     * Invariants
     *   - At most one counted request per scope: made on ENTERED -> EXPIRING, withdrawn on exit.
     *   - state moves only along ENTERED -> EXPIRING -> EXPIRED or ENTERED -> EXITED.
     *
     * Linearization points
     *   - Expiry: the state change to EXPIRING under the lock (the interrupt is delivered before
     *     the lock is released).
     *   - Exit: the state change to EXITED or EXPIRED under the lock.
     *   - reschedule/disable: the deadline change under the lock.
     *
     * Memory ordering
     *   - state, deadline, hasDeadline: written under the lock, volatile so the queries can read
     *     them without it. timer, generation, firedAtNanos: guarded by the lock.
     *
     * Blocking and cancellation
     *   Nothing blocks except the body. The lock is held only for O(1) work and Thread.interrupt.
     *
     * Progress
     *   Blocking (a lock), with constant-time critical sections.
     */

    /**
     * The code a scope runs.
     *
     * @param <T> the type of its result
     * @param <X> the checked exception it may throw besides {@link InterruptedException}
     *     ({@link RuntimeException} if none)
     */
    @FunctionalInterface
    public interface Body<T extends @Nullable Object, X extends Exception> {
        /**
         * Runs the code.
         *
         * @param scope the scope it runs in, to reschedule or query the deadline
         * @return the result
         * @throws X a failure of the code
         * @throws InterruptedException if a blocking call was interrupted (by the deadline, or by
         *     a cancellation of the thread)
         */
        T run(Timeout scope) throws X, InterruptedException;
    }

    private enum State { ENTERED, EXPIRING, EXPIRED, EXITED }

    private final ReentrantLock lock = new ReentrantLock();
    private final Target target;
    /** The target's request count when the scope was entered. */
    private final int levelAtEntry;
    private final long enteredAtNanos;
    /** Guarded by lock; volatile for the queries. */
    private volatile State state = State.ENTERED;
    /** The deadline in System.nanoTime() terms, if {@link #hasDeadline}. */
    private volatile long deadline;
    private volatile boolean hasDeadline;
    /** Guarded by lock. */
    private @Nullable ScheduledFuture<?> timer;
    /** Guarded by lock; bumped on every (re)schedule so that stale timers do nothing. */
    private long generation;
    /** Guarded by lock. */
    private long firedAtNanos;

    private Timeout(Target target, long enteredAtNanos) {
        this.target = target;
        this.levelAtEntry = target.requests();
        this.enteredAtNanos = enteredAtNanos;
    }

    // ---- running a body ------------------------------------------------------------------------

    /**
     * Runs {@code body} in the calling thread with a deadline {@code delay} from now; the
     * counterpart of {@code async with asyncio.timeout(delay)}. See the class documentation.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks only as long as the body runs. Does not check the interrupt status on entry: a body
     * that starts with the status set sees it at its first blocking call. A {@code delay <= 0}
     * still runs the body, interrupted from the start, as {@code timeout(0)} lets the body start
     * and cancels it at its first suspension.
     *
     * @param delay how long the body may run
     * @param body the code
     * @param <T> the type of its result
     * @param <X> the checked exception it may throw
     * @return the body's result
     * @throws X the body's failure
     * @throws InterruptedException if the body was interrupted by something else than this scope
     * @throws TimeoutException if the deadline passed and the body ended with a cancellation
     *     signal
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object, X extends Exception> T within(Duration delay, Body<T, X> body)
            throws X, InterruptedException, TimeoutException {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(body, "body");
        long now = System.nanoTime();
        return run(now, true, deadlineAfter(now, delay), body);
    }

    /**
     * Runs {@code body} in the calling thread with the deadline {@code deadlineNanos}, an instant
     * in {@link System#nanoTime()} terms; the counterpart of {@code asyncio.timeout_at(when)}. As
     * {@link #within(Duration, Body)} otherwise.
     *
     * @param deadlineNanos when the body must have ended, as {@code System.nanoTime()} would read
     * @param body the code
     * @param <T> the type of its result
     * @param <X> the checked exception it may throw
     * @return the body's result
     * @throws X the body's failure
     * @throws InterruptedException if the body was interrupted by something else than this scope
     * @throws TimeoutException if the deadline passed and the body ended with a cancellation
     *     signal
     * @throws NullPointerException if {@code body} is null
     */
    public static <T extends @Nullable Object, X extends Exception> T until(long deadlineNanos, Body<T, X> body)
            throws X, InterruptedException, TimeoutException {
        Objects.requireNonNull(body, "body");
        return run(System.nanoTime(), true, deadlineNanos, body);
    }

    /**
     * Runs {@code body} in a scope without a deadline, which the body may set later with
     * {@link #reschedule(Duration)}; the counterpart of {@code asyncio.timeout(None)}. As
     * {@link #within(Duration, Body)} otherwise.
     *
     * @param body the code
     * @param <T> the type of its result
     * @param <X> the checked exception it may throw
     * @return the body's result
     * @throws X the body's failure
     * @throws InterruptedException if the body was interrupted by something else than this scope
     * @throws TimeoutException if a deadline was set, passed, and the body ended with a
     *     cancellation signal
     * @throws NullPointerException if {@code body} is null
     */
    public static <T extends @Nullable Object, X extends Exception> T unbounded(Body<T, X> body)
            throws X, InterruptedException, TimeoutException {
        Objects.requireNonNull(body, "body");
        return run(System.nanoTime(), false, 0L, body);
    }

    private static <T extends @Nullable Object, X extends Exception> T run(
            long now, boolean withDeadline, long deadlineNanos, Body<T, X> body)
            throws X, InterruptedException, TimeoutException {
        Timeout scope = new Timeout(Target.forCurrentThread(), now);
        scope.lock.lock();
        try {
            if (withDeadline) {
                scope.armLocked(deadlineNanos);
            }
        } finally {
            scope.lock.unlock();
        }
        T value;
        try {
            value = body.run(scope);
        } catch (Throwable t) {
            return scope.<T, X>exit(null, t);
        }
        return scope.<T, X>exit(value, null);
    }

    private <T extends @Nullable Object, X extends Exception> T exit(T value, @Nullable Throwable thrown)
            throws X, InterruptedException, TimeoutException {
        boolean fired;
        long firedAt;
        lock.lock();
        try {
            fired = state == State.EXPIRING;
            state = fired ? State.EXPIRED : State.EXITED;
            cancelTimerLocked();
            firedAt = firedAtNanos;
        } finally {
            lock.unlock();
        }
        target.leave();
        if (fired) {
            int left = target.withdraw();
            boolean ours = left <= levelAtEntry;
            if (ours) {
                Thread.interrupted(); // the interrupt this scope caused must not outlive it
                if (thrown != null) {
                    TimeoutException timeout = timeoutException(firedAt);
                    if (Stages.isCancellationSignal(thrown)) {
                        timeout.initCause(thrown);
                        throw timeout;
                    }
                    thrown.addSuppressed(timeout);
                }
            }
        }
        if (thrown != null) {
            throw Timeout.<RuntimeException>sneaky(thrown);
        }
        return value;
    }

    private TimeoutException timeoutException(long firedAt) {
        long now = System.nanoTime();
        long dl = deadline;
        return new TimeoutException("timed out: the deadline " + Durations.describe(dl - enteredAtNanos)
                + " after entering the scope passed, and the body stopped " + Durations.describe(now - dl)
                + " after it (the timer fired " + Durations.describe(firedAt - dl) + " late); " + this);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    // ---- the scope -----------------------------------------------------------------------------

    /**
     * Moves the deadline to {@code delay} from now; the counterpart of
     * {@code Timeout.reschedule(loop.time() + delay)}. A {@code delay <= 0} makes the scope
     * expire at once.
     *
     * @param delay the new time limit, from now
     * @throws IllegalStateException if the scope has expired or the body has ended
     * @throws NullPointerException if {@code delay} is null
     */
    public void reschedule(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        long now = System.nanoTime();
        rescheduleAt(deadlineAfter(now, delay));
    }

    /**
     * Moves the deadline to {@code deadlineNanos}, an instant in {@link System#nanoTime()} terms;
     * the counterpart of {@code Timeout.reschedule(when)}. A deadline already past makes the
     * scope expire at once.
     *
     * @param deadlineNanos the new deadline
     * @throws IllegalStateException if the scope has expired or the body has ended
     */
    public void rescheduleAt(long deadlineNanos) {
        lock.lock();
        try {
            checkEnteredLocked();
            cancelTimerLocked();
            armLocked(deadlineNanos);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the deadline, so that the scope never expires unless rescheduled; the counterpart
     * of {@code Timeout.reschedule(None)}.
     *
     * @throws IllegalStateException if the scope has expired or the body has ended
     */
    public void disable() {
        lock.lock();
        try {
            checkEnteredLocked();
            cancelTimerLocked();
            hasDeadline = false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the deadline in {@link System#nanoTime()} terms, or empty if there is none; the
     * counterpart of {@code Timeout.when()}.
     *
     * @return the deadline, if any
     */
    public OptionalLong deadlineNanos() {
        lock.lock();
        try {
            return hasDeadline ? OptionalLong.of(deadline) : OptionalLong.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the time left until the deadline (negative once it has passed), or empty if there
     * is none.
     *
     * @return the time left, if there is a deadline
     */
    public Optional<Duration> remaining() {
        OptionalLong dl = deadlineNanos();
        return dl.isPresent() ? Optional.of(Duration.ofNanos(dl.getAsLong() - System.nanoTime())) : Optional.empty();
    }

    /**
     * Whether the deadline has passed and the scope has interrupted the body; the counterpart of
     * {@code Timeout.expired()}. Stays true after the body ended.
     *
     * @return {@code true} once the scope has expired
     */
    public boolean expired() {
        State s = state;
        return s == State.EXPIRING || s == State.EXPIRED;
    }

    /**
     * Returns the state and deadline, e.g. {@code Timeout[state=ENTERED, deadline in 95 ms]}.
     *
     * @return a diagnostic description
     */
    @Override
    public String toString() {
        State s = state;
        String dl = hasDeadline ? "deadline " + Durations.describeSigned(deadline - System.nanoTime()) : "no deadline";
        return "Timeout[state=" + s + ", " + dl + ", owner=" + target + "]";
    }

    // ---- internals (lock held) -----------------------------------------------------------------

    private void checkEnteredLocked() {
        State s = state;
        if (s != State.ENTERED) {
            throw new IllegalStateException("expected an entered Timeout, but it is " + s
                    + (s == State.EXITED ? " (its body has ended)" : " (its deadline has passed)") + ": " + this);
        }
    }

    private void armLocked(long deadlineNanos) {
        // assert lock.isHeldByCurrentThread() && state == State.ENTERED;
        deadline = deadlineNanos;
        hasDeadline = true;
        long gen = ++generation;
        long delay = deadlineNanos - System.nanoTime();
        if (delay <= 0) {
            fireLocked();
        } else {
            timer = Timers.schedule(delay, () -> fire(gen));
        }
    }

    private void cancelTimerLocked() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
            timer = null;
        }
        generation++;
    }

    private void fire(long gen) {
        lock.lock();
        try {
            if (state == State.ENTERED && gen == generation) {
                fireLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    private void fireLocked() {
        state = State.EXPIRING;
        firedAtNanos = System.nanoTime();
        timer = null;
        target.request();
    }

    /**
     * The longest delay a deadline is set to, either way: 2^62 ns, about 146 years. Deadlines are
     * {@code System.nanoTime()} values compared by difference, so a delay near {@code Long.MAX_VALUE}
     * or {@code Long.MIN_VALUE} would wrap around and turn "long past" into "far future".
     */
    private static final long MAX_DELAY_NANOS = 1L << 62;

    /** The deadline {@code delay} after {@code now}, the delay clamped to +-{@link #MAX_DELAY_NANOS}. */
    private static long deadlineAfter(long now, Duration delay) {
        long d = dev.weft.core.internal.Durations.toNanos(delay);
        return now + Math.max(-MAX_DELAY_NANOS, Math.min(MAX_DELAY_NANOS, d));
    }

    // ---- whom the scope interrupts -------------------------------------------------------------

    /** The thread a scope interrupts, and the counter of cancel requests made to it. */
    private abstract static sealed class Target permits TaskTarget, ThreadTarget {

        static Target forCurrentThread() {
            Task<?> task = Task.current();
            if (task != null) {
                return new TaskTarget(task);
            }
            ThreadTarget t = ThreadTarget.CURRENT.get();
            if (t == null) {
                t = new ThreadTarget(Thread.currentThread());
                ThreadTarget.CURRENT.set(t);
            }
            t.depth++;
            return t;
        }

        /** The outstanding request count. */
        abstract int requests();

        /** Counts a request and interrupts the thread; called with the scope's lock held. */
        abstract void request();

        /** Withdraws one request; returns the count left. */
        abstract int withdraw();

        /** The scope is left (after its last request could be made). */
        abstract void leave();
    }

    /** A task's body: requests are the task's own {@link Task#interrupt()} requests. */
    private static final class TaskTarget extends Target {
        private final Task<?> task;

        TaskTarget(Task<?> task) {
            this.task = task;
        }

        @Override
        int requests() {
            return task.cancelling();
        }

        @Override
        void request() {
            task.interrupt();
        }

        @Override
        int withdraw() {
            return task.uncancel();
        }

        @Override
        void leave() {}

        @Override
        public String toString() {
            return task.toString();
        }
    }

    /** A plain thread: requests are counted here, shared by the scopes nested on the thread. */
    private static final class ThreadTarget extends Target {
        static final ThreadLocal<@Nullable ThreadTarget> CURRENT = new ThreadLocal<>();

        private final Thread thread;
        private final AtomicInteger requests = new AtomicInteger();
        /** Scopes entered and not left on the thread; touched only by the thread itself. */
        int depth;

        ThreadTarget(Thread thread) {
            this.thread = thread;
        }

        @Override
        int requests() {
            return requests.get();
        }

        @Override
        void request() {
            requests.incrementAndGet();
            thread.interrupt();
        }

        @Override
        int withdraw() {
            return requests.updateAndGet(c -> Math.max(0, c - 1));
        }

        @Override
        void leave() {
            if (--depth == 0) {
                CURRENT.remove();
            }
        }

        @Override
        public String toString() {
            return "Thread[" + thread.getName() + "]";
        }
    }
}
