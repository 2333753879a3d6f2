package dev.weft.core.task;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.Stages;
import dev.weft.core.internal.Timers;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Hands out futures in the order they complete: the counterpart of {@code asyncio.as_completed}.
 *
 * <p>Two forms, as in asyncio:
 * <ul>
 *   <li><b>The inputs themselves</b> (asyncio 3.13, {@code async for f in as_completed(fs)}):
 *       {@link #of(Collection)} returns an {@code AsCompleted} that yields each original input
 *       once, in completion order, so the caller knows which one finished. Iterate it, or call
 *       {@link #get()} / {@link #poll()}.</li>
 *   <li><b>Results in completion order</b> (the classic {@code for c in as_completed(fs)}):
 *       {@link #inCompletionOrder(Collection)} returns a list of new futures of which the
 *       <em>k</em>-th completes with the outcome of the <em>k</em>-th input to complete, as
 *       Guava's {@code Futures.inCompletionOrder} does. The places are bound by position, not by
 *       who waits first: see that method for how this differs from asyncio.</li>
 * </ul>
 * Inputs are any {@link CompletionStage}s; {@link #start(Collection)} runs {@link Callable}s as
 * {@link Task}s first, as asyncio wraps coroutines. Duplicates are yielded once (asyncio uses a
 * set). An empty input yields nothing. The total cost is O(n) for n inputs: one callback and
 * one slot per input, and O(1) per completion and per element handed out.
 *
 * <h2 id="ordering">Ordering</h2>
 * The order is the order in which the inputs' completion callbacks <em>claim</em> a position,
 * which is their completion order except that two inputs completing at about the same time in
 * different threads may be handed out in either order. Every distinct input is handed out exactly
 * once (or, after the overall timeout, reported as timed out once), never twice, never lost,
 * whatever the interleaving of completions and takers.
 *
 * <h2 id="timeout">Timeout</h2>
 * The optional timeout covers the whole iteration (asyncio's {@code timeout=}): when it elapses,
 * every input that has not completed yet is given up, and each of them is reported as timed out
 * once, after the inputs that completed before the timeout (which are still handed out first).
 * <b>The remaining inputs are not cancelled</b>; they keep running, and their completion is
 * simply not reported.
 *
 * <p><b>One rule for every consuming method: the overall timeout is reported by throwing a
 * {@link TimeoutException}, never by handing out an element.</b> Each call that reaches a
 * timed-out element uses it up and throws, until as many elements as inputs have been handed
 * out. The methods that may throw checked exceptions throw the {@code TimeoutException} itself;
 * the iterator, whose {@code next()} cannot, is the unchecked form of {@link #get()} and carries
 * the same exception the way {@link CompletableFuture#join()} carries what {@code get()} throws:
 * <table class="striped">
 *   <caption>How each method reports the overall timeout and an interrupt</caption>
 *   <thead><tr><th>method</th><th>overall timeout</th><th>interrupt</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link #get()}, {@link #poll(Duration)}, {@link #poll(long, TimeUnit)}</td>
 *         <td>throws {@code TimeoutException}</td><td>throws {@link InterruptedException}, status
 *         cleared</td></tr>
 *     <tr><td>{@link #poll()}</td><td>throws {@code TimeoutException}</td><td>(never blocks)</td></tr>
 *     <tr><td>{@link #iterator()}{@code .next()}</td><td>throws {@link CompletionException}
 *         whose cause is that {@code TimeoutException}</td><td>throws
 *         {@link CancellationException} whose cause is the {@code InterruptedException}, status
 *         set again</td></tr>
 *   </tbody>
 * </table>
 * In the {@code inCompletionOrder} form each place not completed by then completes exceptionally
 * with the {@code TimeoutException}, so its {@code get()} throws it as the cause of an
 * {@link ExecutionException} and its {@code join()} as the cause of a
 * {@code CompletionException}: the same rule. A {@code CompletionException} thrown by
 * {@code next()} always means the overall timeout, since failed inputs are handed out, not
 * thrown; one thrown by the {@code join()} of a handed-out input means that input failed.
 *
 * <h2>Failure policy and cancellation</h2>
 * Failures are not special: a failed or cancelled input is handed out like any other, and its
 * outcome is read from it. Nothing is ever cancelled by an {@code AsCompleted}, and cancelling an
 * input only makes it complete. In the {@link #inCompletionOrder} form, cancelling one of the
 * returned futures (a consumer giving up its place) passes the input that would have completed it
 * on to the next returned future, so no outcome is lost to a cancelled place while later places
 * remain.
 *
 * <h2>Memory consistency effects</h2>
 * Actions of an input before its completion happen-before the return of the {@code get()},
 * {@code poll()} or {@code next()} that hands it out. See the package's
 * <a href="../package-summary.html#memory">memory consistency</a> rules.
 *
 * <h2>Thread safety</h2>
 * An {@code AsCompleted} may be shared by several consumers: each element is handed out to exactly
 * one of them. {@link #hasNext()} and {@link #remaining()} are then only hints.
 *
 * {@snippet :
 * Task<String> hello = Task.start(() -> { Weft.sleep(Duration.ofSeconds(1)); return "Hello"; });
 * Task<String> world = Task.start(() -> { Weft.sleep(Duration.ofSeconds(2)); return "World"; });
 * for (Task<String> done : AsCompleted.of(List.of(world, hello))) {
 *     System.out.println(done.join());      // Hello, then World
 * }
 * }
 *
 * @param <F> the type of the inputs
 * @since 0.1
 */
public final class AsCompleted<F extends CompletionStage<?>> implements Iterable<F> {

    /*
     * Implementation notes.
     *
     * Overview
     *   An Order holds one slot (a CompletableFuture) per distinct input and a claim counter.
     *   Each input's completion callback claims the next slot index with getAndAdd and completes
     *   that slot (with the input itself here, with its outcome for inCompletionOrder); if the
     *   slot was completed by someone else (a consumer cancelled it), it claims the next one.
     *   The timer, on the overall timeout, claims every remaining index with CAS and completes
     *   those slots with a TimeoutException. Consumers read slots in index order: `head` is the
     *   next slot to hand out; a consumer waits on slot[head] and then CASes head forward, so an
     *   interrupted or timed-out consumer has taken nothing.
     *
     * Diagram
     *   slots:   [ A ][ C ][ . ][ . ]      claimed = 2 (A and C completed, in that order)
     *             ^head = 1                B, D still running
     *   timeout: [ A ][ C ][T/O][T/O]      claimed = 4; B and D are no longer reported
     *
     * Invariants
     *   - Every index < n is claimed exactly once (getAndAdd or CAS on `claimed`); an index >= n
     *     claims nothing.
     *   - head <= n; head only moves forward, by CAS, after slot[head] is complete.
     *
     * Linearization points
     *   - An input's completion is recorded at its claim of an index (getAndAdd on claimed).
     *   - A get/poll/next hands an element out at its CAS of head.
     *
     * Memory ordering
     *   - claimed: getAndAdd / CAS (volatile); head: volatile read, CAS.
     *   - slots: CompletableFuture completion publishes the input's effects to the consumer.
     *
     * Blocking and cancellation
     *   get() blocks in slot.get(); an interrupt leaves head unchanged (nothing consumed).
     *
     * Progress
     *   Completion callbacks are lock-free (a getAndAdd, a CAS-based complete, retried only past
     *   slots that consumers completed themselves). get() blocks by definition.
     */

    private final Order<F> order;
    /** Index of the next slot to hand out; only moves forward, by CAS. */
    private volatile int head;

    private AsCompleted(Order<F> order) {
        this.order = order;
    }

    // ---- factories ---------------------------------------------------------------------------

    /**
     * Returns an {@code AsCompleted} over {@code futures}, without a timeout.
     *
     * @param futures the inputs; duplicates are handed out once
     * @param <F> the type of the inputs
     * @return the inputs in completion order
     * @throws NullPointerException if {@code futures} or an element is null
     */
    public static <F extends CompletionStage<?>> AsCompleted<F> of(Collection<? extends F> futures) {
        return of(futures, UNTIMED);
    }

    /**
     * Returns an {@code AsCompleted} over {@code futures} with an overall {@code timeout}; see
     * the class documentation.
     *
     * @param futures the inputs; duplicates are handed out once
     * @param timeout the time after which the inputs not yet completed are given up; {@code <= 0}
     *     gives up at once those not already done
     * @param <F> the type of the inputs
     * @return the inputs in completion order
     * @throws NullPointerException if an argument or an element is null
     */
    public static <F extends CompletionStage<?>> AsCompleted<F> of(Collection<? extends F> futures, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long nanos = Durations.toNanos(timeout);
        return of(futures, nanos == UNTIMED ? UNTIMED - 1 : nanos);
    }

    /**
     * Starts each body as a new {@link Task} and returns an {@code AsCompleted} over the tasks.
     *
     * @param bodies the work, one task each
     * @param <T> the type of the results
     * @return the tasks in completion order
     * @throws NullPointerException if {@code bodies} or an element is null; no task is started
     */
    public static <T extends @Nullable Object> AsCompleted<Task<T>> start(Collection<? extends Callable<? extends T>> bodies) {
        return of(startAll(bodies), UNTIMED);
    }

    /**
     * Starts each body as a new {@link Task} and returns an {@code AsCompleted} over the tasks
     * with an overall {@code timeout}.
     *
     * @param bodies the work, one task each
     * @param timeout the overall timeout
     * @param <T> the type of the results
     * @return the tasks in completion order
     * @throws NullPointerException if an argument or an element is null; no task is started
     */
    public static <T extends @Nullable Object> AsCompleted<Task<T>> start(
            Collection<? extends Callable<? extends T>> bodies, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long nanos = Durations.toNanos(timeout);
        return of(startAll(bodies), nanos == UNTIMED ? UNTIMED - 1 : nanos);
    }

    /**
     * Returns one new future per distinct input, of which the <em>k</em>-th completes with the
     * outcome (value, failure or cancellation) of the <em>k</em>-th input to complete: the classic
     * {@code for c in as_completed(fs): await c} form, with places bound by position.
     *
     * <p>"The <em>k</em>-th input to complete" is in the order of the <a href="#ordering">claims</a>
     * made by the inputs' completion callbacks. The binding is made when the inputs complete, by
     * position in the list, and not by who waits first: whichever thread waits on the future at
     * index <em>k</em>, and in whatever order the futures are waited on, that future gets the
     * <em>k</em>-th completion. This differs from asyncio's classic iterator, whose coroutines each
     * take the next completion at the moment they are awaited (CPython's
     * {@code test_as_completed_reverse_wait}: awaiting the second coroutine first gives it the
     * first result). Here, waiting on {@code get(1)} first gives the second completion, and
     * {@code get(0)} still gives the first. To take "whatever completes next" at the moment of
     * waiting, use {@link #of(Collection)} and {@link #get()}. Cancelling one of the returned
     * futures gives its place up: the input that would have completed it completes the next
     * place instead.
     *
     * @param inputs the inputs; duplicates count once
     * @param <T> the type of the results
     * @return an unmodifiable list of futures, completed in list order
     * @throws NullPointerException if {@code inputs} or an element is null
     */
    public static <T extends @Nullable Object> List<CompletableFuture<T>> inCompletionOrder(
            Collection<? extends CompletionStage<? extends T>> inputs) {
        return inCompletionOrder(inputs, UNTIMED);
    }

    /**
     * As {@link #inCompletionOrder(Collection)}, with an overall timeout: when it elapses, every
     * returned future not yet completed completes exceptionally with a {@link TimeoutException}
     * (see <a href="#timeout">Timeout</a>); the inputs are not cancelled.
     *
     * @param inputs the inputs; duplicates count once
     * @param timeout the overall timeout
     * @param <T> the type of the results
     * @return an unmodifiable list of futures, completed in list order
     * @throws NullPointerException if an argument or an element is null
     */
    public static <T extends @Nullable Object> List<CompletableFuture<T>> inCompletionOrder(
            Collection<? extends CompletionStage<? extends T>> inputs, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long nanos = Durations.toNanos(timeout);
        return inCompletionOrder(inputs, nanos == UNTIMED ? UNTIMED - 1 : nanos);
    }

    private static <F extends CompletionStage<?>> AsCompleted<F> of(Collection<? extends F> futures, long nanos) {
        List<F> inputs = distinct(futures);
        Order<F> order = new Order<>(inputs.size(), nanos);
        order.watch(inputs, true);
        return new AsCompleted<>(order);
    }

    private static <T extends @Nullable Object> List<CompletableFuture<T>> inCompletionOrder(
            Collection<? extends CompletionStage<? extends T>> inputs, long nanos) {
        List<CompletionStage<? extends T>> distinct = distinct(inputs);
        Order<T> order = new Order<>(distinct.size(), nanos);
        order.watch(distinct, false);
        return order.slotList();
    }

    // ---- consuming ---------------------------------------------------------------------------

    /**
     * Returns the next input to complete, waiting for it if needed.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if an input has completed and not been handed out yet; otherwise blocks
     * until one completes or the overall timeout elapses. Nothing else ends the wait except an
     * interrupt; there are no spurious returns. If the interrupt status is set on entry, or the
     * thread is interrupted while waiting, throws {@link InterruptedException} with the status
     * cleared, and nothing has been taken: the next element stays for the next call.
     *
     * <p>If the overall timeout elapsed before the next input completed, throws
     * {@link TimeoutException} and uses the element up (see <a href="#timeout">Timeout</a>).
     *
     * @return the next input in completion order
     * @throws TimeoutException if the overall timeout elapsed before the next input completed;
     *     the element is used up (each remaining call throws it once)
     * @throws NoSuchElementException if every input has been handed out
     * @throws InterruptedException if interrupted before or while waiting
     */
    public F get() throws InterruptedException, TimeoutException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        for (;;) {
            int h = head;
            CompletableFuture<F> slot = slotAt(h);
            try {
                F f = slot.get();
                if (casHead(h, h + 1)) {
                    return f;
                }
            } catch (ExecutionException e) {
                if (casHead(h, h + 1)) {
                    throw timedOut(e);
                }
            }
        }
    }

    /**
     * Returns the next input to complete, waiting at most {@code timeout} for it; {@code null} if
     * none completed within that time.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #get()}, and the wait also ends when {@code timeout} elapses, returning
     * {@code null} and taking nothing. A timeout {@code <= 0} polls without blocking. This
     * per-call timeout is separate from the overall one, which makes the call throw
     * {@link TimeoutException}. See the package's <a href="../package-summary.html#timeouts">
     * timeout rules</a>.
     *
     * @param timeout the longest time to wait
     * @param unit the unit of {@code timeout}
     * @return the next input in completion order, or {@code null}
     * @throws TimeoutException if the overall timeout elapsed before the next input completed
     * @throws NoSuchElementException if every input has been handed out
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if {@code unit} is null
     */
    public @Nullable F poll(long timeout, TimeUnit unit) throws InterruptedException, TimeoutException {
        Objects.requireNonNull(unit, "unit");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long nanos = unit.toNanos(timeout);
        long deadline = System.nanoTime() + nanos;
        for (;;) {
            int h = head;
            CompletableFuture<F> slot = slotAt(h);
            try {
                F f;
                if (slot.isDone()) {
                    f = slot.get();
                } else if (nanos <= 0) {
                    return null;
                } else {
                    f = slot.get(nanos, TimeUnit.NANOSECONDS);
                }
                if (casHead(h, h + 1)) {
                    return f;
                }
            } catch (ExecutionException e) {
                if (casHead(h, h + 1)) {
                    throw timedOut(e);
                }
            } catch (TimeoutException perCall) {
                return null;
            }
            nanos = deadline - System.nanoTime();
        }
    }

    /**
     * Returns the next input to complete, waiting at most {@code timeout} for it; {@code null} if
     * none completed within that time. As {@link #poll(long, TimeUnit)}.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if an input has completed and not been handed out yet; otherwise blocks
     * until one completes, the overall timeout elapses (then throws {@link TimeoutException} and
     * uses the element up), or {@code timeout} elapses (then returns {@code null} and takes
     * nothing). A timeout {@code <= 0} polls without blocking. There are no spurious returns. If
     * the interrupt status is set on entry, or the thread is interrupted while waiting, throws
     * {@link InterruptedException} with the status cleared, and nothing has been taken. See the
     * package's <a href="../package-summary.html#timeouts">timeout rules</a>.
     *
     * @param timeout the longest time to wait
     * @return the next input in completion order, or {@code null}
     * @throws TimeoutException if the overall timeout elapsed before the next input completed
     * @throws NoSuchElementException if every input has been handed out
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if {@code timeout} is null
     */
    public @Nullable F poll(Duration timeout) throws InterruptedException, TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        return poll(Durations.toNanos(timeout), TimeUnit.NANOSECONDS);
    }

    /**
     * Returns the next input if one has completed and not been handed out yet, else {@code null};
     * never blocks.
     *
     * @return the next input in completion order, or {@code null}
     * @throws TimeoutException if the overall timeout elapsed before the next input completed
     * @throws NoSuchElementException if every input has been handed out
     */
    public @Nullable F poll() throws TimeoutException {
        for (;;) {
            int h = head;
            CompletableFuture<F> slot = slotAt(h);
            switch (slot.state()) {
                case RUNNING:
                    return null;
                case SUCCESS:
                    if (casHead(h, h + 1)) {
                        return slot.resultNow();
                    }
                    break;
                default: // FAILED: the overall timeout (slots are never cancelled)
                    if (casHead(h, h + 1)) {
                        throw timedOut(slot.exceptionNow());
                    }
                    break;
            }
        }
    }

    /**
     * Whether elements remain to be handed out (completed, still pending, or timed out). With
     * several consumers this is a hint: another one may take the last element first.
     *
     * @return {@code true} if {@link #get()} would not throw {@link NoSuchElementException}
     */
    public boolean hasNext() {
        return head < order.size();
    }

    /**
     * Returns how many elements remain to be handed out.
     *
     * @return the number of distinct inputs not handed out yet
     */
    public int remaining() {
        return order.size() - head;
    }

    /**
     * Returns an iterator over the remaining elements, in completion order: the unchecked form of
     * {@link #get()}. Its {@code next()} blocks as {@code get()} does and hands out the same
     * elements (iterators and {@code get()} share one sequence); what {@code get()} would throw
     * as a checked exception it throws as follows (see <a href="#timeout">Timeout</a>):
     * <ul>
     *   <li>the overall timeout: a {@link CompletionException} whose cause is the
     *       {@link TimeoutException} that {@code get()} would have thrown (the element is used
     *       up), as {@link CompletableFuture#join()} carries a failure;</li>
     *   <li>an interrupt: a {@link CancellationException} whose cause is the
     *       {@link InterruptedException}, with the thread's interrupt status set again, so that a
     *       task running this loop ends cancelled, as with {@code async for} in a cancelled
     *       task. Nothing has been taken.</li>
     * </ul>
     * {@code hasNext()} is {@link #hasNext()}: true while elements (timed-out ones included)
     * remain.
     *
     * @return a blocking iterator
     */
    @Override
    public Iterator<F> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return AsCompleted.this.hasNext();
            }

            @Override
            public F next() {
                try {
                    return get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    CancellationException c = new CancellationException("as_completed iteration was interrupted");
                    c.initCause(e);
                    throw c;
                } catch (TimeoutException e) {
                    throw new CompletionException(e);
                }
            }
        };
    }

    /**
     * Returns the sizes, e.g. {@code AsCompleted[inputs=5, completed=3, handedOut=2]}; after the
     * overall timeout, timed-out elements count as completed.
     *
     * @return a diagnostic description
     */
    @Override
    public String toString() {
        return "AsCompleted[inputs=" + order.size() + ", completed=" + order.claimedCount() + ", handedOut=" + head + "]";
    }

    private CompletableFuture<F> slotAt(int h) {
        if (h >= order.size()) {
            throw new NoSuchElementException("all " + order.size() + " inputs have been handed out");
        }
        return order.slots[h];
    }

    private static TimeoutException timedOut(ExecutionException e) {
        return timedOut(e.getCause());
    }

    private static TimeoutException timedOut(@Nullable Throwable cause) {
        if (cause instanceof TimeoutException t) {
            TimeoutException fresh = new TimeoutException(t.getMessage());
            fresh.initCause(t);
            return fresh;
        }
        throw new AssertionError("an as_completed slot failed with something else than a timeout", cause);
    }

    @SuppressWarnings("unchecked") // checkedBodies keeps the elements of bodies, whose results are Ts
    private static <T extends @Nullable Object> List<Task<T>> startAll(Collection<? extends Callable<? extends T>> bodies) {
        Callable<?>[] checked = Task.checkedBodies(bodies);
        List<Task<T>> tasks = new ArrayList<>(checked.length);
        for (Callable<?> body : checked) {
            tasks.add(Task.start((Callable<? extends T>) body));
        }
        return tasks;
    }

    private static <S> List<S> distinct(Collection<? extends S> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>(inputs.size()));
        List<S> out = new ArrayList<>(inputs.size());
        int i = 0;
        for (S s : inputs) {
            if (s == null) {
                throw new NullPointerException("inputs[" + i + "] is null");
            }
            if (seen.add(s)) {
                out.add(s);
            }
            i++;
        }
        return out;
    }

    /** Marks "no overall timeout". */
    private static final long UNTIMED = Long.MAX_VALUE;

    // ---- VarHandle mechanics -----------------------------------------------------------------

    private boolean casHead(int expected, int next) {
        return HEAD.compareAndSet(this, expected, next);
    }

    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(AsCompleted.class, "head", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---- the completion order ----------------------------------------------------------------

    /** A link from the inputs' callbacks to an order, cut when the order has no use for them. */
    private static final class Link {
        volatile @Nullable Order<?> order;
    }

    /** The slots, filled in completion order; see the implementation notes of AsCompleted. */
    private static final class Order<R> {
        final CompletableFuture<R>[] slots;
        private final long timeoutNanos;
        /** Next index to claim; may grow past the number of slots. Updated by getAndAdd/CAS. */
        private volatile long claimed;
        /** Indexes below the number of slots that have been claimed and filled (or skipped). */
        private volatile int settled;
        /** Completed when every slot is settled: withdraws the timer. */
        private final CompletableFuture<@Nullable Void> allSettled = new CompletableFuture<>();
        private final Link link = new Link();

        @SuppressWarnings("unchecked")
        Order(int size, long timeoutNanos) {
            this.slots = (CompletableFuture<R>[]) new CompletableFuture<?>[size];
            for (int i = 0; i < size; i++) {
                slots[i] = new CompletableFuture<>();
            }
            this.timeoutNanos = timeoutNanos;
            this.link.order = this;
        }

        int size() {
            return slots.length;
        }

        long claimedCount() {
            return Math.min(claimed, slots.length);
        }

        List<CompletableFuture<R>> slotList() {
            return Collections.unmodifiableList(Arrays.asList(slots));
        }

        /** Attaches one callback per input, then arms the timer. */
        void watch(List<? extends CompletionStage<?>> inputs, boolean handOutInputs) {
            if (slots.length == 0) {
                allSettled.complete(null);
                return;
            }
            for (CompletionStage<?> input : inputs) {
                @SuppressWarnings("unchecked")
                CompletionStage<Object> s = (CompletionStage<Object>) input;
                s.whenComplete(new Callback(link, input, handOutInputs));
            }
            if (timeoutNanos != UNTIMED && !allSettled.isDone()) {
                if (timeoutNanos <= 0) {
                    expire();
                } else {
                    Timers.schedule(allSettled, timeoutNanos, this::expire);
                }
            }
        }

        /** An input completed: claim the next slot that is still open and fill it. */
        void offer(Callback from, @Nullable Object value, @Nullable Throwable failure) {
            final int n = slots.length;
            for (;;) {
                long k = getAndAddClaimed(1);
                if (k >= n) {
                    return; // given up by the timeout, or every place was taken by a cancelled consumer
                }
                boolean filled = from.fill(slots[(int) k], value, failure);
                settledOne();
                if (filled) {
                    return;
                }
                // NOTE: a consumer completed (cancelled) this slot itself; this outcome moves on
                // to the next place, so it is not lost while places remain.
            }
        }

        /** The overall timeout elapsed: every slot not yet claimed times out. */
        private void expire() {
            final int n = slots.length;
            @Nullable TimeoutException timeout = null;
            for (;;) {
                long k = claimed;
                if (k >= n) {
                    break;
                }
                if (casClaimed(k, k + 1)) {
                    if (timeout == null) {
                        timeout = new TimeoutException("as_completed timed out after "
                                + Duration.ofNanos(Math.max(0, timeoutNanos)) + " with " + (n - k) + " of " + n
                                + " inputs not completed (they were not cancelled)");
                    }
                    slots[(int) k].completeExceptionally(timeout);
                    settledOne();
                }
            }
            link.order = null; // the inputs' callbacks have nothing left to do
        }

        private void settledOne() {
            if (getAndAddSettled(1) + 1 == slots.length) {
                link.order = null;
                allSettled.complete(null);
            }
        }

        // VarHandle mechanics

        private long getAndAddClaimed(long delta) {
            return (long) CLAIMED.getAndAdd(this, delta);
        }

        private boolean casClaimed(long expected, long next) {
            return CLAIMED.compareAndSet(this, expected, next);
        }

        private int getAndAddSettled(int delta) {
            return (int) SETTLED.getAndAdd(this, delta);
        }

        private static final VarHandle CLAIMED;
        private static final VarHandle SETTLED;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                CLAIMED = l.findVarHandle(Order.class, "claimed", long.class);
                SETTLED = l.findVarHandle(Order.class, "settled", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /**
     * The completion callback of one input: reaches the order through the link while the order
     * still wants completions, and fills a slot with the input itself or with its outcome.
     */
    private static final class Callback implements BiConsumer<Object, @Nullable Throwable> {
        private final Link link;
        private final Object input;
        private final boolean handOutInput;

        Callback(Link link, Object input, boolean handOutInput) {
            this.link = link;
            this.input = input;
            this.handOutInput = handOutInput;
        }

        @Override
        public void accept(@Nullable Object value, @Nullable Throwable failure) {
            Order<?> o = link.order;
            if (o != null) {
                o.offer(this, value, failure);
            }
        }

        /** Completes {@code slot} as this input's completion says; whether it completed it. */
        @SuppressWarnings("unchecked")
        boolean fill(CompletableFuture<?> slot, @Nullable Object value, @Nullable Throwable failure) {
            CompletableFuture<Object> s = (CompletableFuture<Object>) slot;
            if (handOutInput) {
                return s.complete(input);
            }
            return failure == null ? s.complete(value) : s.completeExceptionally(Stages.unwrap(failure));
        }
    }
}
