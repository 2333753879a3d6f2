package dev.weft.core.task;

import dev.weft.core.internal.Stages;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
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
 * Each late failure is reported exactly once; a late value, or a late cancellation of the inner
 * work, is dropped silently (asyncio drops a late result too). If the inner work fails first and
 * the cancel comes later, the cancel fails and the outer future keeps the failure: nothing is
 * reported. Either way the failure is seen exactly once.
 *
 * <h2>Memory consistency effects</h2>
 * Actions of the inner work before its completion happen-before the completion of the outer
 * future with its outcome. See the package's <a href="../package-summary.html#memory">memory
 * consistency</a> rules.
 *
 * <h2>Thread safety</h2>
 * The outer future is completed, and a late failure reported, by the thread that completes the
 * inner work, in a completion callback; see the package's
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
     *   One completion callback on the inner stage forwards its outcome to the outer future with
     *   complete / completeExceptionally / cancel. The outer future's own completion CAS decides
     *   every race: a forward that loses it (the outer was cancelled first) is a late outcome; a
     *   late failure is reported from that same callback, so it is reported exactly when the
     *   forward lost, never twice and never not at all.
     *
     * Linearization points
     *   - The outer outcome: its completion CAS (by the callback, or by cancel()).
     *   - A late failure: the failed completeExceptionally on the outer future.
     *
     * Progress
     *   Lock-free: one CAS per forward. The callback (and a reporter) runs in the thread that
     *   completes the inner stage.
     *
     * Revision notes
     *   0.1: first version. The callback stays on the inner stage after the outer was cancelled
     *   (a CompletableFuture cannot detach it); it holds the outer future and the reporter only.
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
     * <p>The reporter runs in the thread that completes {@code inner}; an exception it throws is
     * ignored. If {@code inner} is a {@code CompletableFuture} that is already done, it is returned
     * itself.
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
        Shielded<T> outer = new Shielded<>(inner);
        inner.whenComplete((v, e) -> {
            if (e == null) {
                outer.complete(v);
                return;
            }
            Throwable failure = Stages.unwrap(e);
            if (failure instanceof CancellationException) {
                outer.cancel(false); // the inner work was cancelled: so is the outer future (if not done)
            } else if (!outer.completeExceptionally(failure)) {
                // NOTE: the outer future was done first (cancelled, or completed by its holder):
                // nobody will see this failure through it, so report it instead of dropping it.
                report(outer, failure, reporter);
            }
        });
        return outer;
    }

    private static void report(Shielded<?> outer, Throwable failure, @Nullable Consumer<? super Throwable> reporter) {
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

    /** The outer future: a plain future that names what it shields. */
    private static final class Shielded<T extends @Nullable Object> extends CompletableFuture<T> {
        private final CompletionStage<T> inner;

        Shielded(CompletionStage<T> inner) {
            this.inner = inner;
        }

        String describeInner() {
            return inner.toString();
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
}
