package dev.weft.core.task;

import dev.weft.core.internal.Stages;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Protects a piece of work from the cancellation of those who wait for it: the counterpart of
 * {@code asyncio.shield}.
 *
 * <p>{@link #shield(CompletionStage)} returns an <em>outer</em> future that completes as the
 * <em>inner</em> one does, but that can be cancelled on its own: cancelling the outer future (or
 * interrupting a thread that waits on it) leaves the inner work running. This is what a caller
 * needs when it may give up waiting but the work must finish anyway (a commit, a cache fill).
 *
 * <h2>Cancellation</h2>
 * Cancellation flows <b>up only</b>: cancelling the outer future completes it at once with a
 * {@link CancellationException} and does nothing to the inner work; if the inner work is
 * cancelled (by whoever holds it), the outer future is cancelled too. Cancelling a task whose body
 * waits on the outer future interrupts that body (the waiter gives up) and leaves the inner work
 * running, as cancelling the task that awaits {@code shield(x)} leaves {@code x} running.
 *
 * <h2>Failure policy: late failures are reported, not swallowed</h2>
 * While the outer future is not cancelled, it completes with the inner value or failure. If the
 * inner work <em>fails after the outer future was cancelled</em>, nobody is waiting for that
 * failure any more, so it is handed to a reporter instead of being lost (asyncio reports it to the
 * event loop's exception handler as "exception in shielded future"):
 * <ul>
 *   <li>by default, to the {@linkplain Thread#getUncaughtExceptionHandler() uncaught exception
 *       handler} of the thread that completes the inner work (the task's own thread, for a
 *       {@link Task}), wrapped in a {@link CompletionException} that names the shield; without a
 *       handler of your own this prints the stack trace to {@code System.err}, as an uncaught
 *       exception does;</li>
 *   <li>with {@link #shield(CompletionStage, Consumer)}, to the given reporter, unwrapped.</li>
 * </ul>
 * A late value, or a late cancellation of the inner work, is dropped silently (asyncio drops a
 * late result too).
 *
 * <p><b>Exactly once per inner.</b> One inner may have several shields (each
 * {@code shield(inner)} call makes a new outer future). Its late failure is reported once in
 * all, however many of its shields were cancelled, as asyncio keeps a single
 * "exception in shielded future" callback per inner:
 * <ul>
 *   <li>it is reported if at least one shield of the inner was cancelled (or otherwise completed
 *       by its holder) before the inner failed, even if other shields were still waiting and
 *       received the failure themselves (asyncio logs it in that case too);</li>
 *   <li>the reporter used is the one of the first shield of the inner whose outer future was
 *       done before the inner completed: in practice the first shield to be cancelled. If that
 *       shield has the default reporter, the default reporter is used, even if a later cancelled
 *       shield was given its own;</li>
 *   <li>if the inner fails first and a cancel comes later, that cancel fails and the outer future
 *       keeps the failure: nothing is reported for that shield.</li>
 * </ul>
 * Bookkeeping for this is kept only while it is needed and never keeps an inner reachable: see
 * the implementation notes.
 *
 * <h2>Memory consistency effects</h2>
 * Actions of the inner work before its completion happen-before the completion of the outer
 * future with its outcome. See the package's <a href="../package-summary.html#memory">memory
 * consistency</a> rules.
 *
 * <h2>Thread safety</h2>
 * The outer future is completed, and a late failure reported, by the thread that completes the
 * inner work, in a completion callback; when a cancel races with that completion, the report may
 * run in the cancelling thread instead. See the package's
 * <a href="../package-summary.html#callbacks">callback</a> rules.
 *
 * {@snippet :
 * Task<String> commit = Task.start(() -> db.commit());
 * Task<String> caller = Task.start(() -> Shield.shield(commit).get());
 * caller.cancel("user gave up");   // the caller stops waiting ...
 * commit.join();                   // ... and the commit still completes
 * }
 *
 * <h2>Pitfalls</h2>
 * A shield does not make the inner work uncancellable: anyone holding the inner future can still
 * cancel it. And {@link #shield(Callable)} hides the task it starts, so nobody can wait for that
 * work once the outer future is cancelled; keep the task (start it yourself and shield it) if you
 * need to.
 *
 * @since 0.1
 */
public final class Shield {

    /*
     * Implementation notes.
     *
     * Overview
     *   Each shield puts one forwarding callback on the inner stage: it forwards the inner outcome
     *   to the outer future (Shielded) through the outer's own completion CAS. Late failures are
     *   not reported by these callbacks but by at most one LateReport per inner, as asyncio
     *   attaches a single _log_on_exception callback per inner:
     *   - When an outer future is done before its inner (cancel, complete or completeExceptionally
     *     by its holder; Shielded overrides those three), it ensures that the inner has a
     *     LateReport: the first one registered wins and carries that shield's reporter.
     *   - A forwarding callback whose forward of a failure lost the CAS (the outer was done
     *     first in some other way, e.g. a cancel that raced with the inner's completion) ensures
     *     it too; registered on a completed inner, the LateReport runs at once.
     *   - The LateReport, a completion callback on the inner, reports a failure (not a
     *     cancellation) once, and drops a value or cancellation.
     *   The per-inner record lives in LATE, a concurrent map keyed by the inner's identity and
     *   held weakly on both sides:
     *     key:   InnerKey, a WeakReference to the inner with its identity hash; cleared keys are
     *            queued on COLLECTED and expunged on each ensure();
     *     value: a WeakReference to the pending LateReport (kept alive by the inner's own
     *            callback stack, so it dies with the inner), or REPORTED once a failure was
     *            reported (a tombstone holding nothing, so a shield cancelled later, whose
     *            forward callback had not run yet, does not report the same failure again).
     *   An inner that completes with a value or a cancellation has its entry removed by its
     *   LateReport. An inner that is never completed keeps an entry that refers to nothing
     *   strongly: once the inner is unreachable, its key is cleared and expunged. A reporter that
     *   captures the inner does not keep it alive through LATE either.
     *
     * Diagram (LATE, one entry per inner that had a shield done before it)
     *   InnerKey(inner A, weak) -> WeakReference(LateReport of A's first cancelled shield)  pending
     *   InnerKey(inner B, weak) -> REPORTED                                              failed
     *   (inner C completed with a value: entry removed; inner D collected: key expunged)
     *
     * Invariants
     *   - At most one LateReport is registered per inner at any time; a new one is registered
     *     only if the entry is absent or its LateReport was collected (with its inner).
     *   - A failure is reported only by a LateReport, after it set REPORTED, so at most once.
     *   - Some shield of the inner was done before the inner completed => a LateReport is
     *     registered on the inner (by that shield's cancel/complete, or by its forward callback).
     *
     * Linearization points
     *   - The outer outcome: its completion CAS (by the forwarding callback, or by the holder).
     *   - The choice of reporter: the putIfAbsent (or replace) that installs the LateReport.
     *   - A late failure: the LateReport's replace of its entry with REPORTED.
     *
     * Memory ordering
     *   - LATE: a ConcurrentHashMap; its actions publish the LateReport (and its fields, written
     *     before the put) to other threads, and whenComplete publishes it to the completing one.
     *
     * Progress
     *   Lock-free except for the map's internal bin locks (O(1) critical sections). Forwarding,
     *   the LateReport and the reporter run in the thread that completes the inner stage (or in
     *   the thread whose ensure() finds the inner already complete).
     *
     * Revision notes
     *   0.1: first version. Forwarding callbacks stay on the inner stage after the outer was
     *   cancelled (a CompletableFuture cannot detach them); each holds its outer future only.
     *   One late-failure report per inner, kept in a weak identity map.
     */

    private Shield() {}

    /**
     * Returns an outer future for {@code inner} that can be cancelled without cancelling
     * {@code inner}; late failures go to the default reporter (see the class documentation).
     *
     * <p>If {@code inner} is a {@code CompletableFuture} that is already done, it is returned
     * itself, as {@code asyncio.shield} returns a done future unchanged: there is nothing left to
     * protect.
     *
     * @param inner the work to protect
     * @param <T> the type of its value
     * @return the outer future
     * @throws NullPointerException if {@code inner} is null
     */
    public static <T extends @Nullable Object> CompletableFuture<T> shield(CompletionStage<T> inner) {
        return wire(inner, null);
    }

    /**
     * Returns an outer future for {@code inner} that can be cancelled without cancelling
     * {@code inner}, with the failure that {@code inner} may raise after the outer future was
     * cancelled handed to {@code lateFailureReporter}.
     *
     * <p>The failure is reported once per inner: if another shield of the same {@code inner} was
     * cancelled first, that shield's reporter receives it and this one does not (see "Exactly
     * once per inner" in the class documentation). The reporter runs in the thread that
     * completes {@code inner}; an exception it throws is ignored. If {@code inner} is a
     * {@code CompletableFuture} that is already done, it is returned itself.
     *
     * @param inner the work to protect
     * @param lateFailureReporter receives a failure of {@code inner} that nobody waits for any more
     * @param <T> the type of its value
     * @return the outer future
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object> CompletableFuture<T> shield(
            CompletionStage<T> inner, Consumer<? super Throwable> lateFailureReporter) {
        return wire(inner, Objects.requireNonNull(lateFailureReporter, "lateFailureReporter"));
    }

    /**
     * Starts {@code body} as a new {@link Task} and returns a shielded outer future of it, as
     * {@code asyncio.shield(coro)} wraps the coroutine in a task.
     *
     * @param body the work to run and protect
     * @param <T> the type of its value
     * @return the outer future
     * @throws NullPointerException if {@code body} is null
     */
    public static <T extends @Nullable Object> CompletableFuture<T> shield(Callable<? extends T> body) {
        Task<T> task = Task.start(Objects.requireNonNull(body, "body"));
        return wire(task, null);
    }

    private static <T extends @Nullable Object> CompletableFuture<T> wire(
            CompletionStage<T> inner, @Nullable Consumer<? super Throwable> reporter) {
        Objects.requireNonNull(inner, "inner");
        if (inner instanceof CompletableFuture<T> cf && Stages.isKnownDone(cf)) {
            return cf;
        }
        Shielded<T> outer = new Shielded<>(inner, reporter);
        inner.whenComplete((v, e) -> {
            if (e == null) {
                outer.forwardValue(v); // a late value is dropped
                return;
            }
            Throwable failure = Stages.unwrap(e);
            if (failure instanceof CancellationException) {
                outer.forwardCancellation(); // the inner work was cancelled: so is the outer future (if not done)
            } else if (!outer.forwardFailure(failure)) {
                // NOTE: the outer future was done first (a cancel that raced with this completion,
                // or a completion by its holder): nobody sees this failure through it. Make sure
                // the inner's one late report exists; it runs at once, the inner being complete.
                LateReport.ensure(inner, outer);
            }
        });
        return outer;
    }

    private static void report(Shielded<?> outer, Throwable failure) {
        Consumer<? super Throwable> reporter = outer.reporter;
        try {
            if (reporter != null) {
                reporter.accept(failure);
            } else {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, new CompletionException(
                        "shielded work failed after its shield was cancelled: " + outer.describeInner(), failure));
            }
        } catch (RuntimeException reporterFailed) {
            // The reporter is the last resort; its own failure has nowhere better to go.
        }
    }

    /** For tests: the late-report bookkeeping of {@code inner}: "none", "pending" or "reported". */
    static String lateReportState(CompletionStage<?> inner) {
        LateReport.expunge();
        Object entry = LATE.get(new InnerKey(inner, null));
        return entry == null ? "none" : entry == REPORTED ? "reported" : "pending";
    }

    /** The outer future: a plain future that names what it shields. */
    private static final class Shielded<T extends @Nullable Object> extends CompletableFuture<T> {
        private final CompletionStage<T> inner;
        final @Nullable Consumer<? super Throwable> reporter;

        Shielded(CompletionStage<T> inner, @Nullable Consumer<? super Throwable> reporter) {
            this.inner = inner;
            this.reporter = reporter;
        }

        String describeInner() {
            return inner.toString();
        }

        boolean forwardValue(T value) {
            return super.complete(value);
        }

        boolean forwardFailure(Throwable failure) {
            return super.completeExceptionally(failure);
        }

        void forwardCancellation() {
            super.cancel(false);
        }

        /**
         * Cancels this outer future, leaving the inner work alone; see {@link Shield}.
         *
         * @param mayInterruptIfRunning ignored, as by {@link CompletableFuture#cancel(boolean)}
         * @return whether this future is cancelled
         */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                doneBeforeInner();
            }
            return cancelled;
        }

        /**
         * Completes this outer future with {@code value} if it is not done, leaving the inner
         * work alone; a later failure of the inner work is then a late failure.
         *
         * @param value the value
         * @return whether this call completed the future
         */
        @Override
        public boolean complete(T value) {
            boolean completed = super.complete(value);
            if (completed) {
                doneBeforeInner();
            }
            return completed;
        }

        /**
         * Completes this outer future with {@code ex} if it is not done, leaving the inner work
         * alone; a later failure of the inner work is then a late failure.
         *
         * @param ex the exception
         * @return whether this call completed the future
         */
        @Override
        public boolean completeExceptionally(Throwable ex) {
            boolean completed = super.completeExceptionally(ex);
            if (completed) {
                doneBeforeInner();
            }
            return completed;
        }

        /** This future is done while the inner may not be: its late failure must be reported. */
        private void doneBeforeInner() {
            if (!Stages.isKnownDone(inner)) {
                LateReport.ensure(inner, this);
            }
            // else: the forwarding callback, which has run or is about to, decides (it ensures
            // the report if its forward of a failure finds this future done).
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }

        @Override
        public String toString() {
            String state = !isDone() ? "PENDING" : isCancelled() ? "CANCELLED" : isCompletedExceptionally() ? "FAILED" : "DONE";
            return "Shield[state=" + state + ", inner=" + inner + "]";
        }
    }

    // ---- one late report per inner --------------------------------------------------------------

    /** Per inner (by identity): a WeakReference to its pending LateReport, or REPORTED. */
    private static final ConcurrentHashMap<InnerKey, Object> LATE = new ConcurrentHashMap<>();
    /** Keys of LATE whose inner was collected. */
    private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();
    /** The value of LATE for an inner whose late failure has been reported. */
    private static final Object REPORTED = new Object();

    /** A weak reference to an inner, equal to another one to the same inner (by identity). */
    private static final class InnerKey extends WeakReference<Object> {
        private final int hash;

        InnerKey(Object inner, @Nullable ReferenceQueue<Object> queue) {
            super(inner, queue);
            this.hash = System.identityHashCode(inner);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(@Nullable Object o) {
            if (o == this) {
                return true;
            }
            if (!(o instanceof InnerKey other)) {
                return false;
            }
            Object mine = get();
            return mine != null && mine == other.get();
        }
    }

    /**
     * The one late-failure report of an inner: a completion callback on the inner that reports a
     * failure to the reporter of the shield that registered it.
     */
    private static final class LateReport implements BiConsumer<@Nullable Object, @Nullable Throwable> {
        private final InnerKey key;
        private final Shielded<?> by;
        /** Its entry in LATE; written before the entry is installed. */
        private @Nullable WeakReference<LateReport> self;

        private LateReport(InnerKey key, Shielded<?> by) {
            this.key = key;
            this.by = by;
        }

        /** Registers a late report on {@code inner} for {@code by}'s reporter, unless it has one. */
        static <T extends @Nullable Object> void ensure(CompletionStage<T> inner, Shielded<?> by) {
            expunge();
            InnerKey probe = new InnerKey(inner, null);
            for (;;) {
                Object current = LATE.get(probe);
                if (current == REPORTED || current instanceof WeakReference<?> pending && pending.get() != null) {
                    return; // reported already, or a report is registered and will run
                }
                LateReport report = new LateReport(probe, by);
                WeakReference<LateReport> ref = new WeakReference<>(report);
                report.self = ref;
                boolean installed = current == null
                        ? LATE.putIfAbsent(new InnerKey(inner, COLLECTED), ref) == null
                        : LATE.replace(probe, current, ref); // its report was collected: cannot run
                if (installed) {
                    inner.whenComplete(report);
                    return;
                }
            }
        }

        @Override
        public void accept(@Nullable Object value, @Nullable Throwable e) {
            Object ref = Objects.requireNonNull(self);
            if (e != null) {
                Throwable failure = Stages.unwrap(e);
                if (!(failure instanceof CancellationException)) {
                    LATE.replace(key, ref, REPORTED);
                    report(by, failure);
                    return;
                }
            }
            LATE.remove(key, ref); // a value or a cancellation: nothing to report, nothing to keep
        }

        /** Removes the entries of collected inners. */
        static void expunge() {
            for (Reference<?> cleared; (cleared = COLLECTED.poll()) != null; ) {
                LATE.remove(cleared);
            }
        }
    }
}
