package dev.weft.core.task;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.Stages;
import dev.weft.core.internal.Timers;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Waits until some or all of several futures are done and returns which are done and which are
 * still pending: the counterpart of {@code asyncio.wait}.
 *
 * <p>{@link ReturnWhen} says when to return: when any input completes
 * ({@link ReturnWhen#FIRST_COMPLETED FIRST_COMPLETED}), when one fails or all complete
 * ({@link ReturnWhen#FIRST_EXCEPTION FIRST_EXCEPTION}), or when all complete
 * ({@link ReturnWhen#ALL_COMPLETED ALL_COMPLETED}, the default). A timeout returns early with
 * whatever is done by then. The answer is a {@link Result}: two sets that hold every distinct
 * input exactly once between them.
 *
 * <table class="striped">
 *   <caption>Forms of waiting</caption>
 *   <thead><tr><th>Blocks</th><th>Times out</th><th>Does not wait</th><th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link #await(Collection, ReturnWhen)}</td>
 *         <td>{@link #await(Collection, ReturnWhen, long, TimeUnit)},
 *             {@link #await(Collection, ReturnWhen, Duration)}</td>
 *         <td>a timeout {@code <= 0}</td>
 *         <td>{@link #awaitAsync(Collection, ReturnWhen)},
 *             {@link #awaitAsync(Collection, ReturnWhen, Duration)}</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Failure policy</h2>
 * A wait never fails because an input failed: failures and cancellations are completions like
 * any other, and the caller inspects the futures in {@link Result#done()}. With
 * {@code FIRST_EXCEPTION}, a <em>cancelled</em> input does not count as an exception (as in
 * asyncio), and if no input fails the wait behaves like {@code ALL_COMPLETED}.
 *
 * <h2>Cancellation</h2>
 * A wait <b>never cancels anything</b>: not on timeout, not when the waiting thread is
 * interrupted, not when the future of {@link #awaitAsync} is cancelled. Inputs still running are
 * simply returned in {@link Result#pending()}; cancel them yourself if you no longer need them.
 * Nothing flows up either: cancelling an input only makes it done.
 *
 * <h2>The snapshot</h2>
 * The two sets are a snapshot taken when the wait returns: an input is in {@code done} if its
 * completion had been observed by then, else in {@code pending}. Each distinct input is in exactly
 * one of the two sets; duplicates in the input collapse (as {@code set(fs)} does in asyncio). With
 * {@code FIRST_COMPLETED}, {@code done} may hold more than one future if several completed at
 * about the same time. An input in {@code pending} may complete at any moment after the snapshot.
 * The sets iterate in the order of the inputs and cannot be modified.
 *
 * <h2>Memory consistency effects</h2>
 * Actions of an input before its completion happen-before the return of a wait that puts it in
 * {@code done}. See the package's <a href="../package-summary.html#memory">memory
 * consistency</a> rules.
 *
 * <h2>Thread safety</h2>
 * All methods are thread-safe. The future of {@link #awaitAsync} is completed by the thread that
 * completes the deciding input, or by Weft's timer thread on timeout.
 *
 * <h2>Pitfalls</h2>
 * Each wait attaches one completion callback to every input that is not yet done. A
 * {@code CompletableFuture} cannot detach a callback, so it stays attached (a few dozen bytes,
 * holding nothing of the wait once the wait has returned) until that input completes. Waiting
 * again and again with a timeout on futures that never complete therefore grows those futures;
 * use {@link AsCompleted} or a single longer wait instead of a tight polling loop.
 *
 * {@snippet :
 * Task<String> hello = Task.start(() -> { Weft.sleep(Duration.ofSeconds(1)); return "Hello"; });
 * Task<String> world = Task.start(() -> { Weft.sleep(Duration.ofSeconds(2)); return "World"; });
 * Wait.Result<Task<String>> r = Wait.await(List.of(hello, world), Wait.ReturnWhen.FIRST_COMPLETED);
 * for (Task<String> t : r.done()) {
 *     System.out.println(t.join());          // Hello
 * }
 * r.pending().forEach(t -> t.cancel("no longer needed"));
 * }
 *
 * @since 0.1
 */
public final class Wait {

    private Wait() {}

    /** When a {@link Wait} returns; the counterpart of asyncio's {@code return_when} constants. */
    public enum ReturnWhen {
        /** As soon as any input completes (with a value, a failure, or cancelled). */
        FIRST_COMPLETED,
        /**
         * As soon as any input completes with a failure that is not a cancellation, or when all
         * have completed if none does.
         */
        FIRST_EXCEPTION,
        /** When every input has completed. */
        ALL_COMPLETED
    }

    /**
     * The answer of a wait: the inputs that were done and those that were pending when it
     * returned. Every distinct input is in exactly one of the two sets.
     *
     * @param done the inputs that had completed, in input order; unmodifiable
     * @param pending the inputs that had not, in input order; unmodifiable
     * @param <F> the type of the inputs
     */
    public record Result<F>(Set<F> done, Set<F> pending) {
        /**
         * Checks the sets.
         *
         * @param done the inputs that had completed
         * @param pending the inputs that had not
         * @throws NullPointerException if either is null
         */
        public Result {
            Objects.requireNonNull(done, "done");
            Objects.requireNonNull(pending, "pending");
        }
    }

    /**
     * Waits until every input has completed; the same as
     * {@link #await(Collection, ReturnWhen) await(futures, ALL_COMPLETED)}.
     *
     * @param futures the futures to wait for, at least one
     * @param <F> the type of the inputs
     * @return all inputs, in {@code done}
     * @throws InterruptedException if interrupted before or while waiting
     * @throws IllegalArgumentException if {@code futures} is empty
     * @throws NullPointerException if {@code futures} or an element is null
     */
    public static <F extends CompletionStage<?>> Result<F> await(Collection<? extends F> futures) throws InterruptedException {
        return await(futures, ReturnWhen.ALL_COMPLETED);
    }

    /**
     * Waits until the condition {@code when} holds, without a time limit.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if the condition already holds; otherwise blocks until an input's
     * completion makes it hold. Nothing else ends the wait except an interrupt; there are no
     * spurious returns. If the interrupt status is set on entry (checked before anything is
     * attached to the inputs), or the thread is interrupted while waiting, throws
     * {@link InterruptedException} with the status cleared. Nothing is cancelled in any case.
     *
     * @param futures the futures to wait for, at least one
     * @param when when to return
     * @param <F> the type of the inputs
     * @return the done and pending inputs
     * @throws InterruptedException if interrupted before or while waiting
     * @throws IllegalArgumentException if {@code futures} is empty
     * @throws NullPointerException if an argument or an element is null
     */
    public static <F extends CompletionStage<?>> Result<F> await(Collection<? extends F> futures, ReturnWhen when)
            throws InterruptedException {
        return await(futures, when, UNTIMED);
    }

    /**
     * Waits until the condition {@code when} holds or the timeout elapses.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #await(Collection, ReturnWhen)}; the wait also ends when the timeout elapses, and
     * then returns the snapshot as it is (no exception is thrown, nothing is cancelled). A
     * timeout {@code <= 0} returns the snapshot at once. See the package's
     * <a href="../package-summary.html#timeouts">timeout rules</a>.
     *
     * @param futures the futures to wait for, at least one
     * @param when when to return
     * @param timeout the longest time to wait
     * @param unit the unit of {@code timeout}
     * @param <F> the type of the inputs
     * @return the done and pending inputs
     * @throws InterruptedException if interrupted before or while waiting
     * @throws IllegalArgumentException if {@code futures} is empty
     * @throws NullPointerException if an argument or an element is null
     */
    public static <F extends CompletionStage<?>> Result<F> await(
            Collection<? extends F> futures, ReturnWhen when, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        long nanos = unit.toNanos(timeout);
        return await(futures, when, nanos == UNTIMED ? UNTIMED - 1 : nanos);
    }

    /**
     * Waits until the condition {@code when} holds or the timeout elapses; as
     * {@link #await(Collection, ReturnWhen, long, TimeUnit)}.
     *
     * @param futures the futures to wait for, at least one
     * @param when when to return
     * @param timeout the longest time to wait
     * @param <F> the type of the inputs
     * @return the done and pending inputs
     * @throws InterruptedException if interrupted before or while waiting
     * @throws IllegalArgumentException if {@code futures} is empty
     * @throws NullPointerException if an argument or an element is null
     */
    public static <F extends CompletionStage<?>> Result<F> await(
            Collection<? extends F> futures, ReturnWhen when, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return await(futures, when, Durations.toNanos(timeout), TimeUnit.NANOSECONDS);
    }

    /**
     * Returns a future of the {@link Result}, completed once the condition {@code when} holds;
     * the non-blocking form of {@link #await(Collection, ReturnWhen)}.
     *
     * <p>The future is completed by the thread whose completion of an input makes the condition
     * hold (or at once, if it already holds). Cancelling it withdraws the wait and cancels none of
     * the inputs.
     *
     * @param futures the futures to wait for, at least one
     * @param when when to complete
     * @param <F> the type of the inputs
     * @return a future of the done and pending inputs
     * @throws IllegalArgumentException if {@code futures} is empty
     * @throws NullPointerException if an argument or an element is null
     */
    public static <F extends CompletionStage<?>> CompletableFuture<Result<F>> awaitAsync(
            Collection<? extends F> futures, ReturnWhen when) {
        return awaitAsync(futures, when, UNTIMED);
    }

    /**
     * Returns a future of the {@link Result}, completed once the condition {@code when} holds or
     * the timeout elapses, whichever is first; on timeout the future completes normally with the
     * snapshot at that moment (completed by Weft's timer thread). A timeout {@code <= 0} gives an
     * already completed future.
     *
     * @param futures the futures to wait for, at least one
     * @param when when to complete
     * @param timeout the longest time to wait
     * @param <F> the type of the inputs
     * @return a future of the done and pending inputs
     * @throws IllegalArgumentException if {@code futures} is empty
     * @throws NullPointerException if an argument or an element is null
     */
    public static <F extends CompletionStage<?>> CompletableFuture<Result<F>> awaitAsync(
            Collection<? extends F> futures, ReturnWhen when, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long nanos = Durations.toNanos(timeout);
        return awaitAsync(futures, when, nanos == UNTIMED ? UNTIMED - 1 : nanos);
    }

    /** Marks an untimed wait; a timed wait of this many nanoseconds waits one nanosecond less. */
    private static final long UNTIMED = Long.MAX_VALUE;

    private static <F extends CompletionStage<?>> Result<F> await(Collection<? extends F> futures, ReturnWhen when, long nanos)
            throws InterruptedException {
        Waiter<F> w = new Waiter<>(distinct(futures), Objects.requireNonNull(when, "when"));
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        w.register();
        try {
            if (nanos == UNTIMED) {
                w.trigger.get();
            } else if (nanos > 0 && !w.trigger.isDone()) {
                w.trigger.get(nanos, TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException timedOut) {
            // return what is done by now
        } catch (ExecutionException e) {
            throw new AssertionError("the wait's trigger never fails", e);
        } finally {
            w.detach();
        }
        return w.snapshot();
    }

    private static <F extends CompletionStage<?>> CompletableFuture<Result<F>> awaitAsync(
            Collection<? extends F> futures, ReturnWhen when, long nanos) {
        Waiter<F> w = new Waiter<>(distinct(futures), Objects.requireNonNull(when, "when"));
        CompletableFuture<Result<F>> result = new CompletableFuture<>();
        if (nanos <= 0) {
            // Register, so that inputs already done count, then take the snapshot at once.
            w.register();
            w.detach();
            result.complete(w.snapshot());
            return result;
        }
        w.trigger.whenComplete((v, e) -> {
            w.detach();
            result.complete(w.snapshot());
        });
        result.whenComplete((r, e) -> w.trigger.complete(null)); // withdrawn by the caller: stop watching
        w.register();
        if (nanos != UNTIMED && !result.isDone()) {
            Timers.schedule(result, nanos, () -> w.trigger.complete(null));
        }
        return result;
    }

    private static <F extends CompletionStage<?>> List<F> distinct(Collection<? extends F> futures) {
        Objects.requireNonNull(futures, "futures");
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<F> inputs = new ArrayList<>(futures.size());
        int i = 0;
        for (F f : futures) {
            if (f == null) {
                throw new NullPointerException("futures[" + i + "] is null");
            }
            if (seen.add(f)) {
                inputs.add(f);
            }
            i++;
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("expected at least one future to wait for, got an empty collection");
        }
        return inputs;
    }

    /** A link from the inputs' callbacks to a wait, cut when the wait is over. */
    private static final class Link {
        volatile @Nullable Waiter<?> waiter;

        Link(Waiter<?> waiter) {
            this.waiter = waiter;
        }
    }

    /** One wait over a fixed list of distinct inputs. */
    private static final class Waiter<F extends CompletionStage<?>> {

        /*
         * Implementation notes.
         *
         * Overview
         *   One completion callback per input sets that input's done flag, then decides whether
         *   the condition now holds (always for FIRST_COMPLETED; for a non-cancellation failure
         *   with FIRST_EXCEPTION; when `remaining` reaches zero for all modes) and, if so,
         *   completes `trigger`. The waiter wakes on `trigger` (or times out) and partitions the
         *   inputs by their flags. Callbacks reach the waiter through `link`, which is cut when
         *   the wait is over, so a callback left on a never-completing input holds nothing.
         *
         * Invariants
         *   - done[i] goes 0 -> 1 once, before input i's callback counts down `remaining`.
         *   - The snapshot reads each flag once: every input lands in exactly one set.
         *
         * Linearization points
         *   - The wait returns at the completion of `trigger` (condition), or at the timeout.
         *   - An input is "done" in the answer iff its flag write precedes the snapshot's read.
         *
         * Memory ordering
         *   - done[i]: setRelease by the callback, getAcquire by the snapshot; the input's actions
         *     happen-before its completion, which precedes the flag write.
         *   - remaining: getAndAdd (volatile).
         *   - trigger: a CompletableFuture; its completion publishes the deciding callback's flag.
         *
         * Progress
         *   Callbacks are wait-free (a flag write, a getAndAdd, at most one CAS on trigger).
         */

        final List<F> inputs;
        final ReturnWhen when;
        final byte[] done;
        final CompletableFuture<@Nullable Void> trigger = new CompletableFuture<>();
        final Link link = new Link(this);
        /** Inputs whose callback has not run yet. Updated by getAndAdd. */
        volatile int remaining;

        Waiter(List<F> inputs, ReturnWhen when) {
            this.inputs = inputs;
            this.when = when;
            this.done = new byte[inputs.size()];
            this.remaining = inputs.size();
        }

        void register() {
            Link l = link;
            for (int i = 0; i < inputs.size(); i++) {
                final int index = i;
                inputs.get(i).whenComplete((v, e) -> {
                    Waiter<?> w = l.waiter;
                    if (w != null) {
                        w.onComplete(index, e);
                    }
                });
            }
        }

        void detach() {
            link.waiter = null;
        }

        private void onComplete(int index, @Nullable Throwable failure) {
            setDoneRelease(index);
            boolean holds = switch (when) {
                case FIRST_COMPLETED -> true;
                case FIRST_EXCEPTION -> failure != null && !(Stages.unwrap(failure) instanceof CancellationException);
                case ALL_COMPLETED -> false;
            };
            if (getAndAddRemaining(-1) == 1) {
                holds = true;
            }
            if (holds) {
                trigger.complete(null);
            }
        }

        Result<F> snapshot() {
            Set<F> d = new LinkedHashSet<>();
            Set<F> p = new LinkedHashSet<>();
            for (int i = 0; i < inputs.size(); i++) {
                (getDoneAcquire(i) ? d : p).add(inputs.get(i));
            }
            return new Result<>(Collections.unmodifiableSet(d), Collections.unmodifiableSet(p));
        }

        // VarHandle mechanics

        private void setDoneRelease(int i) {
            DONE.setRelease(done, i, (byte) 1);
        }

        private boolean getDoneAcquire(int i) {
            return (byte) DONE.getAcquire(done, i) != 0;
        }

        private int getAndAddRemaining(int delta) {
            return (int) REMAINING.getAndAdd(this, delta);
        }

        private static final VarHandle DONE = MethodHandles.arrayElementVarHandle(byte[].class);
        private static final VarHandle REMAINING;

        static {
            try {
                REMAINING = MethodHandles.lookup().findVarHandle(Waiter.class, "remaining", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}
