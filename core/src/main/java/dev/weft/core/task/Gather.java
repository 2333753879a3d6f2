package dev.weft.core.task;

import dev.weft.core.internal.Stages;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Waits for several futures and collects their results in argument order: the counterpart of
 * {@code asyncio.gather}.
 *
 * <p>Inputs are any {@link CompletionStage}s ({@link Task}s, {@link CompletableFuture}s, ...);
 * {@link #start(Collection)} runs each {@link Callable} as a new {@link Task} first, as
 * {@code gather} wraps coroutines in tasks. The result is a {@code CompletableFuture} of the typed
 * list of results (not {@code Void}, as {@link CompletableFuture#allOf} gives), in the order of
 * the arguments whatever order they complete in. An empty input gives an already completed future
 * of an empty list. The same input may appear more than once; its result then appears at each of
 * its positions.
 *
 * <h2>Failure policy</h2>
 * <ul>
 *   <li>{@link #all}: <b>fail fast, siblings untouched</b> (asyncio's default). The first input
 *       that fails completes the gather exceptionally with that failure; the other inputs
 *       <em>keep running</em>, and their later results or failures are ignored. An input that is
 *       cancelled counts as failing with its {@link CancellationException}, so the gather then
 *       reports {@code isCancelled()} (asyncio: the gather raises {@code CancelledError} but is not
 *       itself cancelled; {@code CompletableFuture} cannot tell the two apart). To cancel the
 *       siblings on the first failure, use a {@link TaskGroup}.</li>
 *   <li>{@link #allSettled}: <b>wait for all</b> ({@code return_exceptions=True}). The gather
 *       completes when every input has, with one {@link Outcome} per input: a success, a failure
 *       or a cancellation, never a {@code null} placeholder.</li>
 * </ul>
 *
 * <h2>Cancellation</h2>
 * Cancellation flows <b>down</b>: {@link CompletableFuture#cancel(boolean) cancel} on the
 * returned future, while it is not done, cancels it at once and cancels every input (a
 * {@code Task} input is cancelled with a message, which interrupts its body; a
 * {@code CompletableFuture} is cancelled; a stage that is not a {@code Future}, or refuses
 * cancellation, is left alone). Cancelling a gather that is already done (all inputs done, or one
 * failed) does nothing to the inputs, as in asyncio (bpo-37703). Only {@code cancel} propagates:
 * completing the gather in any other way ({@code complete}, {@code orTimeout}, ...) leaves the
 * inputs alone, and so does cancelling a stage derived from it ({@code thenApply(...)}).
 * Cancellation never flows <b>up</b>: cancelling an input only affects the gather through that
 * input's outcome, as above. {@link #await(Collection)} ties the gather to the calling thread: an
 * interrupt of the waiting thread cancels the gather, and so every input, as cancelling the task
 * that awaits {@code asyncio.gather} does.
 *
 * <h2>Memory consistency effects</h2>
 * Actions of each input before its completion happen-before the completion of the gather and so
 * before whatever follows a {@code join()} or {@code get()} that returns its results. See the
 * package's <a href="../package-summary.html#memory">memory consistency</a> rules.
 *
 * <h2>Thread safety</h2>
 * All methods are thread-safe. The gather is completed by the thread that completes the last
 * input (or the first failing one), inside that input's completion callback; dependent actions
 * attached with non-async methods run there (see the package's
 * <a href="../package-summary.html#callbacks">callback</a> rules).
 *
 * {@snippet :
 * Task<String> hello = Task.start(() -> { Weft.sleep(Duration.ofSeconds(1)); return "Hello"; });
 * Task<String> world = Task.start(() -> { Weft.sleep(Duration.ofSeconds(2)); return "World"; });
 * List<String> both = Gather.all(hello, world).join();            // [Hello, World] after ~2 s
 *
 * List<Outcome<String>> outcomes = Gather.allSettled(List.of(hello, world)).join();
 * }
 *
 * <h2>Pitfalls</h2>
 * After {@link #all} failed, the other inputs still run: nothing waits for them and nothing
 * cancels them. If they must not outlive the failure, run them in a {@link TaskGroup}, or cancel
 * them yourself.
 *
 * @since 0.1
 */
public final class Gather {

    private Gather() {}

    /**
     * Returns a future of the inputs' results in argument order, which fails as soon as one input
     * fails; see the class documentation for the failure and cancellation policy.
     *
     * @param inputs the futures to gather
     * @param <T> the common type of their results
     * @return a future of the results
     * @throws NullPointerException if {@code inputs} or any element is null
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, through a list view that does not escape
    public static <T extends @Nullable Object> CompletableFuture<List<T>> all(CompletionStage<? extends T>... inputs) {
        return all(Arrays.asList(Objects.requireNonNull(inputs, "inputs")));
    }

    /**
     * Returns a future of the inputs' results in iteration order, which fails as soon as one
     * input fails; see the class documentation for the failure and cancellation policy.
     *
     * @param inputs the futures to gather
     * @param <T> the common type of their results
     * @return a future of the results
     * @throws NullPointerException if {@code inputs} or any element is null
     */
    public static <T extends @Nullable Object> CompletableFuture<List<T>> all(
            Collection<? extends CompletionStage<? extends T>> inputs) {
        CompletionStage<?>[] children = snapshot(inputs);
        Gathering<List<T>> g = new Gathering<>(children, false);
        g.register();
        return g;
    }

    /**
     * Returns a future of one {@link Outcome} per input, in argument order, which completes once
     * every input has completed; the counterpart of {@code gather(..., return_exceptions=True)}.
     *
     * @param inputs the futures to gather
     * @param <T> the common type of their results
     * @return a future of the outcomes
     * @throws NullPointerException if {@code inputs} or any element is null
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, through a list view that does not escape
    public static <T extends @Nullable Object> CompletableFuture<List<Outcome<T>>> allSettled(
            CompletionStage<? extends T>... inputs) {
        return allSettled(Arrays.asList(Objects.requireNonNull(inputs, "inputs")));
    }

    /**
     * Returns a future of one {@link Outcome} per input, in iteration order, which completes once
     * every input has completed; the counterpart of {@code gather(..., return_exceptions=True)}.
     *
     * @param inputs the futures to gather
     * @param <T> the common type of their results
     * @return a future of the outcomes
     * @throws NullPointerException if {@code inputs} or any element is null
     */
    public static <T extends @Nullable Object> CompletableFuture<List<Outcome<T>>> allSettled(
            Collection<? extends CompletionStage<? extends T>> inputs) {
        CompletionStage<?>[] children = snapshot(inputs);
        Gathering<List<Outcome<T>>> g = new Gathering<>(children, true);
        g.register();
        return g;
    }

    /**
     * Starts each body as a new {@link Task} (in iteration order) and gathers them as
     * {@link #all(Collection)} does. Cancelling the returned future cancels the tasks, which
     * interrupts their bodies.
     *
     * @param bodies the work, one task each
     * @param <T> the common type of their results
     * @return a future of the results
     * @throws NullPointerException if {@code bodies} or any element is null; no task is started
     */
    public static <T extends @Nullable Object> CompletableFuture<List<T>> start(
            Collection<? extends Callable<? extends T>> bodies) {
        return startGathering(bodies, false);
    }

    /**
     * Starts each body as a new {@link Task} (in iteration order) and gathers them as
     * {@link #allSettled(Collection)} does.
     *
     * @param bodies the work, one task each
     * @param <T> the common type of their results
     * @return a future of the outcomes
     * @throws NullPointerException if {@code bodies} or any element is null; no task is started
     */
    public static <T extends @Nullable Object> CompletableFuture<List<Outcome<T>>> startSettled(
            Collection<? extends Callable<? extends T>> bodies) {
        return startGathering(bodies, true);
    }

    /**
     * Gathers {@code inputs} as {@link #all(Collection)} does and waits for the result; an
     * interrupt of the waiting thread cancels the gather and with it every input.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks until every input has completed or one has failed; nothing else ends the wait except
     * an interrupt, and there are no spurious returns. If the interrupt status is set on entry,
     * or the thread is interrupted while waiting, the gather is cancelled (every input that is
     * not done is cancelled, see the class documentation), and {@link InterruptedException} is
     * thrown with the status cleared; the inputs are not waited for.
     *
     * @param inputs the futures to gather
     * @param <T> the common type of their results
     * @return the results in iteration order
     * @throws ExecutionException holding the first failure of an input
     * @throws CancellationException if an input was cancelled
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if {@code inputs} or any element is null
     */
    public static <T extends @Nullable Object> List<T> await(
            Collection<? extends CompletionStage<? extends T>> inputs) throws InterruptedException, ExecutionException {
        CompletableFuture<List<T>> gather = all(inputs);
        try {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return gather.get();
        } catch (InterruptedException e) {
            gather.cancel(true);
            throw e;
        }
    }

    /**
     * Starts a task per body, each with the gather's callback for its position installed before
     * its thread starts (so no second pass registers them), and returns the gather. If a start
     * fails, the tasks started so far are cancelled and the failure is thrown.
     */
    private static <R> Gathering<R> startGathering(Collection<? extends Callable<?>> bodies, boolean settled) {
        Callable<?>[] checked = Task.checkedBodies(bodies);
        Task<?>[] tasks = new Task<?>[checked.length];
        Gathering<R> g = new Gathering<>(tasks, settled);
        if (tasks.length == 0) {
            g.register(); // completes it with the empty list
            return g;
        }
        int started = 0;
        try {
            for (; started < tasks.length; started++) {
                int index = started;
                tasks[index] = Task.startListened(checked[index], (v, e) -> g.onChild(index, v, e));
            }
        } catch (RuntimeException | Error e) {
            for (int i = 0; i < started; i++) {
                tasks[i].cancel("gather could not start all its tasks");
            }
            throw e;
        }
        return g;
    }

    private static CompletionStage<?>[] snapshot(Collection<? extends CompletionStage<?>> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        CompletionStage<?>[] children = inputs.toArray(new CompletionStage<?>[0]);
        for (int i = 0; i < children.length; i++) {
            if (children[i] == null) {
                throw new NullPointerException("inputs[" + i + "] is null");
            }
        }
        return children;
    }

    /** The gather's future: collects the children's results and cancels them when cancelled. */
    private static final class Gathering<R> extends CompletableFuture<R> {

        /*
         * Implementation notes.
         *
         * Overview
         *   One completion callback per input position writes that position's slot, then counts
         *   the position down; whoever counts the last one completes the gather with the slots.
         *   In fail-fast mode a failing input completes the gather at once instead. Cancelling
         *   the gather is a completeExceptionally that must win against those completions; only
         *   the winner cancels the inputs.
         *
         * Counting down
         *   Below STRIPED_FROM inputs, `remaining` counts positions. From STRIPED_FROM on, the
         *   positions are dealt round-robin into STRIPES counters, each on a cache line of its
         *   own (`stripes`), and `remaining` counts stripes: a callback counts its stripe down,
         *   and the one that empties a stripe counts `remaining` down. Inputs that complete
         *   together are usually neighbours (tasks started in order run in order on the
         *   scheduler's carriers), so with one counter every completion would take its cache line
         *   from another carrier; neighbours fall into different stripes. (Measured, gathers of
         *   100,000 tasks, one JVM, Weft alternating with the raw form: one counter 0.71-0.83x
         *   the raw form, stripes 0.73-0.88x, in five JVMs; docs/composition.md.)
         *
         * Invariants
         *   - Without stripes: remaining == number of positions whose callback has not yet
         *     counted down. With stripes: stripes[stripeAt(s)] == number of positions
         *     of stripe s not yet counted down, and remaining == number of stripes not yet at 0
         *     (every stripe starts non-empty, as there are at least STRIPES inputs).
         *   - The gather is completed at most once (CompletableFuture's own CAS); a cancel of the
         *     inputs happens only after a cancel of the gather won that CAS.
         *
         * Linearization points
         *   - Success: the CAS that completes the gather (in the callback that counted to zero).
         *   - Fail fast: the CAS that completes the gather with the first failure.
         *   - cancel: its completeExceptionally CAS; losing it means the gather was done first.
         *
         * Memory ordering
         *   - slots[i]: plain write by position i's callback before its getAndAdd (release); read
         *     by the callback that counted `remaining` to zero after its own getAndAdd (acquire).
         *     Without stripes every position's getAndAdd on `remaining` precedes that one in the
         *     total order of RMWs on it. With stripes, each position's getAndAdd on its stripe
         *     precedes the one that emptied the stripe, whose getAndAdd on `remaining` precedes
         *     the last: a chain of volatile RMWs, so every slot write happens-before the read.
         *   - remaining, stripes[...]: volatile getAndAdd.
         *
         * Progress
         *   Lock-free: every callback does O(1) work (two getAndAdds at most); the last one O(n)
         *   to build the list.
         */

        private final CompletionStage<?>[] children;
        private final @Nullable Object[] slots;
        private final boolean settled;
        /**
         * Stripe counters (one per cache line), or {@code null} below STRIPED_FROM inputs: the
         * positions of stripe s, those with {@code i % STRIPES == s}, not yet reported.
         */
        private final int @Nullable [] stripes;
        /**
         * Without stripes: positions not yet reported. With stripes: stripes not yet counted
         * down to zero. Updated by getAndAdd.
         */
        private volatile int remaining;

        Gathering(CompletionStage<?>[] children, boolean settled) {
            this.children = children;
            this.slots = new Object[children.length];
            this.settled = settled;
            int n = children.length;
            if (n >= STRIPED_FROM) {
                int[] counts = new int[(STRIPES + 1) * INTS_PER_LINE];
                for (int s = 0; s < STRIPES; s++) {
                    counts[stripeAt(s)] = (n - s + STRIPES - 1) / STRIPES;
                }
                this.stripes = counts;
                this.remaining = STRIPES;
            } else {
                this.stripes = null;
                this.remaining = n;
            }
        }

        /** Counts position {@code index} as reported; returns whether it was the last. */
        private boolean countDown(int index) {
            int[] counts = stripes;
            if (counts == null) {
                return getAndAddRemaining(-1) == 1;
            }
            return (int) COUNTS.getAndAdd(counts, stripeAt(index & (STRIPES - 1)), -1) == 1
                    && getAndAddRemaining(-1) == 1;
        }

        /** The index in {@code stripes} of stripe {@code s}'s counter (the first line is padding). */
        private static int stripeAt(int s) {
            return (s + 1) * INTS_PER_LINE;
        }

        void register() {
            if (children.length == 0) {
                super.complete(resultList());
                return;
            }
            for (int i = 0; i < children.length; i++) {
                if (isDone()) {
                    return; // failed fast (or cancelled) while registering: the rest is moot
                }
                final int index = i;
                CompletionStage<?> child = children[i];
                if ((child instanceof Task<?> || child.getClass() == CompletableFuture.class)
                        && ((CompletableFuture<?>) child).state() == Future.State.SUCCESS) {
                    // What whenComplete would do at once, without its dependent future. Only for
                    // futures whose state() is CompletableFuture's own (a minimal stage's throws).
                    onChild(index, ((CompletableFuture<?>) child).resultNow(), null);
                } else if (!(child instanceof Task<?> task && task.listenOnce((v, e) -> onChild(index, v, e)))) {
                    child.whenComplete((v, e) -> onChild(index, v, e));
                }
            }
        }

        private void onChild(int index, @Nullable Object value, @Nullable Throwable failure) {
            if (failure == null) {
                slots[index] = settled ? new Outcome.Success<>(value) : value;
            } else if (settled) {
                slots[index] = Outcome.ofFailure(failure);
            } else {
                super.completeExceptionally(Stages.unwrap(failure));
                return;
            }
            if (countDown(index)) {
                super.complete(resultList());
            }
        }

        @SuppressWarnings("unchecked")
        private R resultList() {
            return (R) Collections.unmodifiableList(Arrays.asList(slots));
        }

        /**
         * Cancels the gather and, if this call is what cancelled it, every input that is not
         * done; see the class documentation of {@link Gather}.
         *
         * @param mayInterruptIfRunning ignored: task inputs are always interrupted
         * @return whether the gather is cancelled
         */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (!super.completeExceptionally(new CancellationException("gather of " + children.length + " inputs was cancelled"))) {
                return isCancelled();
            }
            Set<CompletionStage<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            @Nullable RuntimeException first = null;
            for (CompletionStage<?> child : children) {
                if (!seen.add(child)) {
                    continue;
                }
                try {
                    Stages.cancel(child, "gather was cancelled");
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
            return true;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }

        @Override
        public String toString() {
            String state = !isDone() ? "PENDING" : isCancelled() ? "CANCELLED" : isCompletedExceptionally() ? "FAILED" : "DONE";
            return "Gather[" + (settled ? "settled, " : "") + "inputs=" + children.length
                    + ", remaining=" + remaining + ", state=" + state + "]";
        }

        // VarHandle mechanics

        private int getAndAddRemaining(int delta) {
            return (int) REMAINING.getAndAdd(this, delta);
        }

        private static final VarHandle REMAINING;
        private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(int[].class);
        /** Stripe counters of a large gather; a power of two. */
        private static final int STRIPES = 16;
        /** Ints in 64 bytes: one stripe counter per cache line (the array's first line is padding). */
        private static final int INTS_PER_LINE = 16;
        /** Gathers of this many inputs or more count down in stripes (1 KiB of counters). */
        private static final int STRIPED_FROM = 64;

        static {
            try {
                REMAINING = MethodHandles.lookup().findVarHandle(Gathering.class, "remaining", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}
