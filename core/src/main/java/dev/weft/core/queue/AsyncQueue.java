package dev.weft.core.queue;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.WaitEngine;
import dev.weft.core.internal.WaitEvent;
import dev.weft.core.internal.RequestNode;
import dev.weft.core.internal.WaitNode;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A queue between threads and tasks with the contract of Python's {@code asyncio.Queue},
 * {@code asyncio.LifoQueue} and {@code asyncio.PriorityQueue}: bounded or unbounded, with
 * {@link #taskDone()}/{@link #join()} accounting and a {@link #shutdown(boolean)} that wakes every
 * waiter.
 *
 * <p>Every operation comes in a blocking form (for platform and virtual threads), an asynchronous
 * form that returns a {@link CompletableFuture}, and immediate forms that never wait. Unlike
 * asyncio's queues, this one is thread-safe: any number of threads may put and get at once.
 *
 * <h2>Orders and capacity</h2>
 * Create a queue with a static factory:
 * <ul>
 *   <li>{@link #fifo(int)}, {@link #unboundedFifo()}: first in, first out ({@code asyncio.Queue});</li>
 *   <li>{@link #lifo(int)}, {@link #unboundedLifo()}: last in, first out ({@code asyncio.LifoQueue});</li>
 *   <li>{@link #priority(int)}, {@link #priority(int, Comparator)}, {@link #unboundedPriority()},
 *       {@link #unboundedPriority(Comparator)}: smallest first ({@code asyncio.PriorityQueue}), in the
 *       elements' natural order or a comparator's. Like Python's {@code heapq}, the order of equal
 *       elements is unspecified; add a sequence number to the element to make it stable.</li>
 * </ul>
 * A bounded queue holds at most its capacity ({@link #capacity()}); puts wait while it is full. An
 * unbounded queue ({@code capacity() == Integer.MAX_VALUE}; asyncio's {@code maxsize=0}) never makes a put wait. A
 * FIFO queue of at most 16,384 elements allocates all its slots at creation (8 bytes each with
 * compressed references) and moves elements through them without a lock while neither puts nor
 * gets wait; every other queue's storage grows on demand up to the capacity (starting at 16
 * slots) and is never shrunk. Either way a queue that has reached its working size adds and
 * removes elements without allocating. Elements must not be {@code null}.
 *
 * <h2>Method forms</h2>
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead>
 *     <tr><th></th><th>Throws</th><th>Special value</th><th>Blocks</th><th>Times out</th>
 *         <th>Asynchronous</th></tr>
 *   </thead>
 *   <tbody>
 *     <tr><th scope="row">Insert</th><td>{@link #putNowait(Object) putNowait(e)}</td>
 *         <td>{@link #offer(Object) offer(e)}</td><td>{@link #put(Object) put(e)}</td>
 *         <td>{@link #offer(Object, Duration) offer(e, timeout)}</td>
 *         <td>{@link #putAsync(Object) putAsync(e)}</td></tr>
 *     <tr><th scope="row">Remove</th><td>{@link #getNowait() getNowait()}</td>
 *         <td>{@link #poll() poll()}</td><td>{@link #get() get()}</td>
 *         <td>{@link #poll(Duration) poll(timeout)}</td>
 *         <td>{@link #getAsync() getAsync()}</td></tr>
 *     <tr><th scope="row">Wait until all done</th><td></td><td></td><td>{@link #join() join()}</td>
 *         <td>{@link #join(Duration) join(timeout)}</td>
 *         <td>{@link #joinAsync() joinAsync()}</td></tr>
 *   </tbody>
 * </table>
 * "Throws" means {@link QueueFullException} or {@link QueueEmptyException}; "special value" means
 * {@code false} or {@code null}. Shutdown is never reported with a special value: on a shut-down
 * queue every put form, and every get form once the queue is empty, throws (or completes its
 * future with) {@link QueueShutDownException}, so that a producer or consumer loop cannot spin on
 * it.
 *
 * <h2>Fairness and hand-off</h2>
 * Waiting getters are served in the order they started to wait, and so are waiting putters. The
 * order is strict, stricter than asyncio's: a put that finds getters waiting hands its element
 * straight to the longest-waiting getter, and a get that frees a slot in a full queue moves the
 * longest-waiting putter's element into the queue at once. A newcomer therefore never overtakes a
 * waiter: while getters wait the queue is empty, so {@code poll()} and {@code getNowait()} find
 * nothing; while putters wait it is full, so {@code offer} and {@code putNowait} find no room. The
 * elements of blocked putters enter the queue in the order the putters blocked. asyncio instead
 * only notifies a waiter, which re-checks when it runs and may lose the element or slot to a
 * newcomer (CPython issue gh-83055).
 *
 * <h2>Tasks and join</h2>
 * As in asyncio, every element that enters the queue adds one unfinished task; {@link #taskDone()}
 * removes one, and {@link #join()} waits until none is left. A get does not change the count.
 * {@code taskDone()} and {@code join()} keep working after shutdown.
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown(boolean)} follows Python 3.13: puts fail from then on; a graceful shutdown lets
 * gets drain what is left, an immediate one drops the elements (and reduces the unfinished count by
 * their number). Blocked putters and getters wake at once with {@link QueueShutDownException}.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before it puts an element <i>happen-before</i> the actions that follow the
 * get that returns that element, in whichever thread; actions before a {@code taskDone()} that
 * brings the count to zero happen-before the actions after the {@code join()} that returns because
 * of it. See {@linkplain dev.weft.core##memory the package rules}.
 *
 * <h2>Cancellation and interruption</h2>
 * No element, slot or wake-up is ever lost or duplicated by a withdrawn request. The rules are
 * those of {@linkplain dev.weft.core##cancellation the core package}, in short:
 * <ul>
 *   <li>A blocking method throws {@link InterruptedException} if interrupted on entry or while it
 *       waits, having left no trace. If its element had already been handed over when the interrupt
 *       came, it returns normally and re-asserts the interrupt status instead.</li>
 *   <li>Cancelling (or otherwise completing, for example with {@link CompletableFuture#orTimeout})
 *       the future of an asynchronous put or get withdraws the request if it is still pending: the
 *       element is not inserted, no element is taken. If the request had already been satisfied,
 *       {@code cancel} returns {@code false} and the future holds the result.</li>
 *   <li>Timed forms that time out leave no trace either. A waiter that gives up is unlinked at
 *       once, so repeated timeouts and cancellations do not accumulate waiters.</li>
 * </ul>
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>Cancel the future that {@code getAsync()} returned, not one derived from it:
 *       {@code queue.getAsync().thenApply(f).cancel(true)} cancels only the derived stage; the get
 *       stays pending and will take the next element (which then sits in the abandoned future).
 *       Use {@code queue.getAsync().orTimeout(..)} or keep the original future.</li>
 *   <li>{@link #taskDone()} is not tied to an element: call it once per element you got, after
 *       processing it, or {@link #join()} returns early (or never).</li>
 *   <li>{@link #size()}, {@link #isEmpty()} and {@link #isFull()} are snapshots: "not full" does
 *       not mean the next {@code putNowait} succeeds. Use the return value of {@link #offer} or
 *       {@link #poll()} instead of checking first.</li>
 *   <li>An interrupt does not discard an element that was already handed over: a {@code get()}
 *       interrupted at that moment returns the element with the interrupt status set. Code that
 *       stops on interruption should check {@link Thread#isInterrupted()} after using it.</li>
 * </ul>
 *
 * <h2>Thread safety</h2>
 * All methods are thread-safe and may be called from platform or virtual threads; waits park the
 * thread (a virtual thread releases its carrier) and never hold a monitor. Futures are completed
 * outside the queue's lock, in the thread whose call satisfied them; see
 * {@linkplain dev.weft.core##callbacks which thread runs callbacks}.
 *
 * <h2>Example</h2>
 * {@snippet :
 * AsyncQueue<String> queue = AsyncQueue.fifo(100);
 * Thread consumer = Thread.ofVirtual().start(() -> {
 *     try {
 *         while (true) {
 *             String job = queue.get();          // throws QueueShutDownException when drained
 *             process(job);
 *             queue.taskDone();
 *         }
 *     } catch (QueueShutDownException | InterruptedException done) {
 *         // finished
 *     }
 * });
 * queue.put("a");
 * queue.put("b");
 * queue.join();                                   // both processed
 * queue.shutdown();                               // the consumer's get() ends the loop
 * }
 *
 * @param <E> the type of the elements
 * @since 0.1
 */
public final class AsyncQueue<E> implements JoinableQueue<E> {

    /*
     * Implementation notes.
     *
     * Overview
     *
     * A lock-based bounded buffer in the manner of ArrayBlockingQueue, with the Condition objects
     * replaced by explicit FIFO lists of waiter nodes, and with direct hand-off to waiters in the
     * manner of the dual queues (Scherer and Scott, "Nonblocking concurrent data structures with
     * condition synchronization", DISC 2004) but under one lock instead of CAS. It deviates from
     * CPython's asyncio.Queue, which only notifies a waiter and lets it re-check: here the element
     * (or the slot) is assigned to a waiter under the lock, which makes wake-ups strictly FIFO and
     * removes the "woken, then cancelled, so pass the baton on" step: a waiter either is still
     * WAITING (and can withdraw without having consumed anything) or has been decided (and its
     * outcome stands).
     *
     * One ReentrantLock guards the three waiter lists and every change of the shutdown flag. The
     * elements live in one of two places:
     *   - Ring mode (fifo(capacity) with capacity <= RING_MAX_CAPACITY): a lock-free MpmcRing.
     *     See "Ring mode" below.
     *   - Store mode (every other queue): a Store (ring, stack or heap) guarded by the lock, as is
     *     the unfinished-task count.
     * Critical sections are short and never call user code except the priority comparator.
     * Futures are completed and threads unparked after the lock is released.
     *
     * Diagram (a full bounded FIFO with two blocked putters; a waiter is a node in one list):
     *
     *     store:   [ a b c d ]  size == capacity == 4
     *     putters: head -> P1(e) <-> P2(f) <- tail      (WAITING, item = the element to insert)
     *     getters: (empty)
     *
     *   get():  removes a; P1 is unlinked, e goes into the store, P1 is granted (FULFILLED);
     *           after unlock P1's thread is unparked (or its future completed).
     *
     * Invariants (store mode, whenever the lock is free)
     *   - Every linked waiter is WAITING; every WAITING waiter is linked in exactly one list.
     *   - getters non-empty  =>  store.size == 0.
     *   - putters non-empty  =>  store.size == capacity (a bounded queue; an unbounded one has none).
     *   - shutdown           =>  getters and putters are empty.
     *   - unfinished >= 0; joiners non-empty => unfinished > 0.
     *   - A waiter's status changes exactly once, from WAITING, under the lock: to GRANTED with
     *     an outcome (FULFILLED, SHUT_DOWN, FAILED) when decided, to CANCELLED when withdrawn.
     *
     * Non-invariants
     *   - A decided (granted) waiter may not have been woken yet, and its future may not be
     *     complete yet: that happens after unlock. A canceller that finds such a waiter completes
     *     the future itself (settle(), idempotent).
     *   - A woken thread may receive a stale unpark later (a decision raced with its timeout); all
     *     park loops re-check, so this is only a spurious wake-up for some later park.
     *
     * Linearization points (all under the lock)
     *   - put: the store.add, or the hand-off (getter granted, FULFILLED); a blocked put
     *     linearizes when a get moves its element into the store.
     *   - get: the store.remove; a blocked get linearizes at the put that hands it the element.
     *   - withdraw (cancel, timeout, interrupt): the WAITING -> CANCELLED status change.
     *   - taskDone/join: the decrement to zero releases every joiner at once.
     *   - shutdown: setting the flag; all waiters are decided in the same critical section.
     *
     * Memory ordering
     *   - store (including store.unfinished), lists, Waiter.prev/next/item/failure: plain, guarded
     *     by lock; each list's size is volatile (written under the lock, read by the ring mode's
     *     fast paths). shutdown: volatile, written under the lock. The queue object itself has
     *     only final fields and shutdown, so its cache line stays shared; what every operation
     *     writes is in the store or the ring (ring mode's done count too: MpmcRing keeps it on a
     *     line of its own).
     *   - Waiter.outcome: plain, written under the lock before the grant.
     *   - Waiter status (the engine's WaitNode status word): volatile, changed by CAS under the
     *     lock, after item/failure/outcome; read by the waiting thread without the lock (after
     *     GRANTED it may read item/failure/outcome). Hand-off therefore costs the waiting thread
     *     no lock acquisition. With the node's parking announcement it forms the engine's Dekker
     *     pair (see WaitNode), so a waker unparks only a thread that announced parking.
     *
     * Blocking and cancellation
     *   - A blocking waiter links its node, unlocks, and waits in WaitEngine.await (interruptible,
     *     or timed with a deadline), whose site is the waiter's list: in store mode every
     *     thread yields twice before it parks, in ring mode only a virtual thread does, and a
     *     platform thread parks at once (the site's yieldFirst; see WaitEngine's notes for why);
     *     none spins. Giving up (interrupt, timeout) is the site's giveUp: it takes the lock and
     *     withdraws the node if still WAITING (unlinked at once: O(1) in a doubly linked list);
     *     otherwise the decision stands and the method completes normally, re-asserting the
     *     interrupt. The method then reports the outcome.
     *   - JFR: a blocking wait records dev.weft.Wait with operation put, get or join and outcome
     *     put, taken, joined, shut down, timed out, or WaitEvent.FAILED (interrupted, or the
     *     comparator refused the element).
     *   - An asynchronous waiter is its own future (Waiter extends the engine's RequestNode, a
     *     WaitNode, which extends CompletableFuture): one object per request. Every public way to complete it from
     *     outside (cancel, complete, completeExceptionally, and through them orTimeout and
     *     completeOnTimeout) first tries to withdraw the node (giveUp); if the node was already
     *     decided, the attempt completes the future with the decided outcome instead and fails.
     *     obtrude* and completeAsync, which would bypass that check, are unsupported.
     *
     * Ring mode
     *
     *   Why: with one lock, a producer and a consumer running side by side hand the lock's word,
     *   the store's counters and (when the queue runs empty or full) a waiter node back and forth
     *   for every element, and a contended lock parks virtual threads. In the ring a put touches
     *   the tail counter and its slot, a get the head counter and its slot.
     *
     *   Fast paths, without the lock (ringTryPut, ringTryGet):
     *     put: if no putter waits, MpmcRing.offer; on OK, if a getter waits, rebalance.
     *     get: if no getter waits, MpmcRing.poll; on an element, if a putter waits, rebalance.
     *   Anything else takes a slow path under the lock: a waiting form links its node behind the
     *   waiters already there, then balances (balanceLocked), which may grant it at once; a form
     *   that never waits balances first, then tries the ring if no waiter of its kind is left.
     *
     *   balanceLocked moves ring elements to waiting getters and waiting putters' elements into
     *   free slots, longest waiter first, until neither can move. Every element passes through the
     *   ring, so the ring's put count is the number of elements that ever entered the queue.
     *
     *   No lost hand-over (the Dekker pairs): a fast put publishes its slot with a volatile store,
     *   then reads getters.size (volatile); a getter that starts to wait writes getters.size under
     *   the lock, issues a full fence, then reads the ring in balanceLocked. One of the two sees
     *   the other: either the put rebalances, or the getter finds the element. The same holds for
     *   a fast get that frees a slot and a putter that starts to wait.
     *
     *   Strict FIFO: a newcomer takes a fast path only while no waiter of its own kind is counted.
     *   Otherwise it goes through the lock, where balanceLocked serves the waiters first; so while
     *   getters wait a newcomer's poll() finds nothing, and while putters wait offer() finds no
     *   room, as in store mode. A newcomer that read the count before a waiter linked simply ran
     *   before that waiter.
     *
     *   Shutdown: under the lock, balance, then MpmcRing.close() (no put can claim a slot after it;
     *   the claims made before it are waited out), then set the flag, then balance again so that
     *   what those claims published reaches the getters that wait; immediate shutdown then drains
     *   the ring. A fast put that finds the ring closed takes the slow path and fails there; a put
     *   that succeeds therefore linearizes before the shutdown, and getters sent away empty-handed
     *   never leave an element behind them.
     *
     *   Tasks: unfinished = ring.putCount() - ring.doneCount(), where the done count (kept by the
     *   ring for the queue) counts taskDone() calls and the elements an immediate shutdown
     *   dropped; it changes only under the lock, so taskDone's test for zero and join's test are
     *   exact at the moment they read the put count.
     *
     *   Invariants (ring mode, whenever the lock is free): every linked waiter is WAITING, and
     *   every WAITING waiter is linked in exactly one list; shutdown => the ring is closed and
     *   getters and putters are empty. "getters non-empty => ring empty" holds only between
     *   operations: a fast put may have published an element and not yet rebalanced.
     *
     * Progress
     *   Store mode: blocking (lock-based); operations that do not wait hold the lock for O(1)
     *   (FIFO, LIFO) or O(log n) comparisons (priority), plus amortized growth. Ring mode: the
     *   fast paths are lock-free (a put or get retries only when another one won the same slot),
     *   except that a take can find a slot claimed by a put that has not yet published and then
     *   reports the queue empty for it; the put hands over when it publishes.
     */

    /** The order in which a queue returns its elements. */
    public enum Order {
        /** First in, first out: {@code asyncio.Queue}. */
        FIFO,
        /** Last in, first out: {@code asyncio.LifoQueue}. */
        LIFO,
        /** Smallest first: {@code asyncio.PriorityQueue}. */
        PRIORITY
    }

    /** The largest capacity a bounded queue may have, and the most elements any queue holds: 2<sup>30</sup>. */
    public static final int MAX_CAPACITY = Store.MAX_ELEMENTS;

    // Outcomes of a granted waiter (Waiter.outcome), written under the lock before the grant.
    /** Getter: element handed over (in item). Putter: element accepted. Joiner: released. */
    static final byte FULFILLED = 1;
    /** Rejected by shutdown. */
    static final byte SHUT_DOWN = 2;
    /** Putter whose element the store refused (the comparator threw; cause in failure). */
    static final byte FAILED = 3;

    /** The largest capacity of a FIFO queue whose elements live in a lock-free {@link MpmcRing}. */
    static final int RING_MAX_CAPACITY = 1 << 14;

    private final ReentrantLock lock = new ReentrantLock();
    /** The elements of a bounded FIFO queue of at most RING_MAX_CAPACITY; else null. */
    private final @Nullable MpmcRing<E> ring;
    /** The elements of every other queue, guarded by lock; null when ring is not. */
    private final @Nullable Store<E> store;
    /** Most elements the store may hold: maxsize, or MAX_CAPACITY when unbounded. */
    private final int capacity;
    /** The bound given at creation (asyncio's maxsize), or 0 when unbounded. */
    private final int maxsize;
    private final WaitList getters = new WaitList();
    private final WaitList putters = new WaitList();
    private final WaitList joiners = new WaitList();
    /** Whether shutdown was called; written under lock. */
    private volatile boolean shutdown;

    private AsyncQueue(Store<E> store, int maxsize) {
        this.store = store;
        this.ring = null;
        this.maxsize = maxsize;
        this.capacity = maxsize == 0 ? MAX_CAPACITY : maxsize;
    }

    private AsyncQueue(MpmcRing<E> ring, int maxsize) {
        this.store = null;
        this.ring = ring;
        this.maxsize = maxsize;
        this.capacity = maxsize;
    }

    // ------------------------------------------------------------------------------------------
    // Factories
    // ------------------------------------------------------------------------------------------

    /**
     * Creates a first-in-first-out queue that holds at most {@code capacity} elements:
     * {@code asyncio.Queue(maxsize=capacity)}.
     *
     * @param capacity the most elements the queue holds, from 1 to {@link #MAX_CAPACITY}
     * @param <E> the type of the elements
     * @return a new empty queue
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public static <E> AsyncQueue<E> fifo(int capacity) {
        if (checkCapacity(capacity) <= RING_MAX_CAPACITY) {
            return new AsyncQueue<>(new MpmcRing<>(capacity), capacity);
        }
        return new AsyncQueue<>(new Store.Ring<>(capacity), capacity);
    }

    /**
     * Creates an unbounded first-in-first-out queue: {@code asyncio.Queue()}.
     *
     * @param <E> the type of the elements
     * @return a new empty queue
     */
    public static <E> AsyncQueue<E> unboundedFifo() {
        return new AsyncQueue<>(new Store.Ring<>(MAX_CAPACITY), 0);
    }

    /**
     * Creates a last-in-first-out queue that holds at most {@code capacity} elements:
     * {@code asyncio.LifoQueue(maxsize=capacity)}.
     *
     * @param capacity the most elements the queue holds, from 1 to {@link #MAX_CAPACITY}
     * @param <E> the type of the elements
     * @return a new empty queue
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public static <E> AsyncQueue<E> lifo(int capacity) {
        return new AsyncQueue<>(new Store.Stack<>(checkCapacity(capacity)), capacity);
    }

    /**
     * Creates an unbounded last-in-first-out queue: {@code asyncio.LifoQueue()}.
     *
     * @param <E> the type of the elements
     * @return a new empty queue
     */
    public static <E> AsyncQueue<E> unboundedLifo() {
        return new AsyncQueue<>(new Store.Stack<>(MAX_CAPACITY), 0);
    }

    /**
     * Creates a priority queue, smallest element first in natural order, that holds at most
     * {@code capacity} elements: {@code asyncio.PriorityQueue(maxsize=capacity)}.
     *
     * @param capacity the most elements the queue holds, from 1 to {@link #MAX_CAPACITY}
     * @param <E> the type of the elements
     * @return a new empty queue
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public static <E extends Comparable<? super E>> AsyncQueue<E> priority(int capacity) {
        return new AsyncQueue<>(new Store.Heap<E>(checkCapacity(capacity), null), capacity);
    }

    /**
     * Creates a priority queue, smallest element first by {@code comparator}, that holds at most
     * {@code capacity} elements.
     *
     * <p>The comparator runs with the queue's lock held, in the thread that puts or gets (or, for
     * the element of a waiting putter, in the thread of the get that makes room for it): it must be
     * fast and must not use this queue. If it throws, the put or get it was called for fails with
     * the same exception (a waiting put completes exceptionally with it) and the queue is
     * unchanged.
     *
     * @param capacity the most elements the queue holds, from 1 to {@link #MAX_CAPACITY}
     * @param comparator the order, smallest first
     * @param <E> the type of the elements
     * @return a new empty queue
     * @throws IllegalArgumentException if {@code capacity} is out of range
     * @throws NullPointerException if {@code comparator} is null
     */
    public static <E> AsyncQueue<E> priority(int capacity, Comparator<? super E> comparator) {
        Objects.requireNonNull(comparator, "comparator");
        return new AsyncQueue<>(new Store.Heap<E>(checkCapacity(capacity), comparator), capacity);
    }

    /**
     * Creates an unbounded priority queue, smallest element first in natural order:
     * {@code asyncio.PriorityQueue()}.
     *
     * @param <E> the type of the elements
     * @return a new empty queue
     */
    public static <E extends Comparable<? super E>> AsyncQueue<E> unboundedPriority() {
        return new AsyncQueue<>(new Store.Heap<E>(MAX_CAPACITY, null), 0);
    }

    /**
     * Creates an unbounded priority queue, smallest element first by {@code comparator}; see
     * {@link #priority(int, Comparator)} for the comparator's rules.
     *
     * @param comparator the order, smallest first
     * @param <E> the type of the elements
     * @return a new empty queue
     * @throws NullPointerException if {@code comparator} is null
     */
    public static <E> AsyncQueue<E> unboundedPriority(Comparator<? super E> comparator) {
        Objects.requireNonNull(comparator, "comparator");
        return new AsyncQueue<>(new Store.Heap<E>(MAX_CAPACITY, comparator), 0);
    }

    private static int checkCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "capacity must be between 1 and " + MAX_CAPACITY + " (use an unbounded factory for no limit), was "
                            + capacity);
        }
        return capacity;
    }

    // ------------------------------------------------------------------------------------------
    // Insert
    // ------------------------------------------------------------------------------------------

    /**
     * Inserts {@code e}, waiting while the queue is full: {@code await queue.put(e)}.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks only while the queue is bounded and full. Wakes when a get makes room for this
     * element (waiting putters are served in arrival order, and the element is inserted by that
     * get), when the queue is shut down, or when interrupted; spurious wake-ups are absorbed. If
     * the interrupt status is set on entry, or the thread is interrupted while waiting, it throws
     * {@link InterruptedException} with the status cleared and the element not inserted. If the
     * element had already been inserted when the interrupt arrived, it returns normally with the
     * interrupt status set. See the {@linkplain dev.weft.core##cancellation cancellation rules}.
     *
     * <h4>Related</h4>
     * {@link #offer(Object, Duration)} gives up after a timeout, {@link #putAsync(Object)}
     * does not block a thread, {@link #putNowait(Object)} and {@link #offer(Object)} never wait.
     *
     * @param e the element
     * @throws InterruptedException if interrupted before the element was inserted
     * @throws QueueShutDownException if the queue is shut down, before or while waiting
     * @throws NullPointerException if {@code e} is null
     */
    public void put(E e) throws InterruptedException {
        Objects.requireNonNull(e, "element");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        final MpmcRing<E> r = ring;
        if (r != null) {
            if (!ringTryPut(r, e)) {
                Waiter<@Nullable Void> w = ringPutSlow(r, e, Thread.currentThread());
                putOutcome(w, await(w, WaitEngine.INTERRUPTIBLE, 0L));
            }
            return;
        }
        final ReentrantLock lock = this.lock;
        Waiter<?> woken;
        Waiter<@Nullable Void> w;
        lock.lock();
        try {
            if (shutdown) {
                throw shutDownException();
            }
            if (store.size < capacity) {
                woken = insertLocked(e);
                w = null;
            } else {
                woken = null;
                w = newWaiter(putters, e, Thread.currentThread());
            }
        } finally {
            lock.unlock();
        }
        if (w == null) {
            if (woken != null) {
                woken.wake();
            }
            return;
        }
        putOutcome(w, await(w, WaitEngine.INTERRUPTIBLE, 0L));
    }

    /**
     * Inserts {@code e}, waiting at most {@code timeout} while the queue is full.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks as {@link #put(Object)} does, but gives up once the timeout has elapsed, returning
     * {@code false} with the element not inserted and no waiter left behind. A timeout {@code <= 0}
     * does not wait (after the interrupt check); see the {@linkplain dev.weft.core##timeouts timeout
     * rules}. Interrupts behave as in {@link #put(Object)}.
     *
     * @param e the element
     * @param timeout how long to wait at most, in {@code unit}
     * @param unit the unit of {@code timeout}
     * @return {@code true} if the element was inserted, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted before the element was inserted
     * @throws QueueShutDownException if the queue is shut down, before or while waiting
     * @throws NullPointerException if {@code e} or {@code unit} is null
     */
    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        return offerNanos(e, unit.toNanos(timeout));
    }

    /**
     * As {@link #offer(Object, long, TimeUnit)}, with the timeout as a {@link Duration}.
     *
     * @param e the element
     * @param timeout how long to wait at most
     * @return {@code true} if the element was inserted, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted before the element was inserted
     * @throws QueueShutDownException if the queue is shut down, before or while waiting
     * @throws NullPointerException if {@code e} or {@code timeout} is null
     */
    @Override
    public boolean offer(E e, Duration timeout) throws InterruptedException {
        return offerNanos(e, Durations.toNanos(timeout));
    }

    private boolean offerNanos(E e, long nanos) throws InterruptedException {
        Objects.requireNonNull(e, "element");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        final MpmcRing<E> r = ring;
        if (r != null) {
            if (ringTryPut(r, e)) {
                return true;
            }
            if (nanos <= 0L) {
                return ringOfferSlow(r, e);
            }
            Waiter<@Nullable Void> w = ringPutSlow(r, e, Thread.currentThread());
            return putOutcome(w, await(w, WaitEngine.TIMED, System.nanoTime() + nanos));
        }
        final ReentrantLock lock = this.lock;
        Waiter<?> woken;
        Waiter<@Nullable Void> w;
        lock.lock();
        try {
            if (shutdown) {
                throw shutDownException();
            }
            if (store.size < capacity) {
                woken = insertLocked(e);
                w = null;
            } else if (nanos <= 0L) {
                return false;
            } else {
                woken = null;
                w = newWaiter(putters, e, Thread.currentThread());
            }
        } finally {
            lock.unlock();
        }
        if (w == null) {
            if (woken != null) {
                woken.wake();
            }
            return true;
        }
        return putOutcome(w, await(w, WaitEngine.TIMED, System.nanoTime() + nanos));
    }

    /**
     * Inserts {@code e} without blocking a thread; the returned future completes once the element
     * is in the queue.
     *
     * <p>If there is room, the element is inserted before this method returns and the future is
     * already complete. Otherwise the request waits in line with the other putters and the future
     * is completed, in the thread of the get that makes room, once the element is inserted.
     *
     * <h4>Blocking and cancellation</h4>
     * Never blocks. The future completes normally once the element is inserted, or exceptionally
     * with {@link QueueShutDownException} if the queue is (or becomes) shut down first. Cancelling
     * the future while the put is pending (or completing it in any other way, for example through
     * {@link CompletableFuture#orTimeout}) withdraws the put: the element is not inserted. If the
     * element had already been inserted, {@code cancel} returns {@code false} and the future
     * completes normally. Cancelling a future derived from this one (by {@code thenApply} and the
     * like) does not reach back to it.
     *
     * @param e the element
     * @return a future completed with {@code null} once the element is in the queue
     * @throws NullPointerException if {@code e} is null
     */
    public CompletableFuture<@Nullable Void> putAsync(E e) {
        Objects.requireNonNull(e, "element");
        final MpmcRing<E> r = ring;
        if (r != null) {
            if (ringTryPut(r, e)) {
                return CompletableFuture.completedFuture(null);
            }
            try {
                return ringPutSlow(r, e, null);
            } catch (QueueShutDownException rejected) {
                return CompletableFuture.failedFuture(rejected);
            }
        }
        final ReentrantLock lock = this.lock;
        Waiter<?> woken = null;
        Waiter<@Nullable Void> w = null;
        boolean rejected = false;
        lock.lock();
        try {
            if (shutdown) {
                rejected = true;
            } else if (store.size < capacity) {
                woken = insertLocked(e);
            } else {
                w = newWaiter(putters, e, null);
            }
        } finally {
            lock.unlock();
        }
        if (w != null) {
            return w;
        }
        if (rejected) {
            return CompletableFuture.failedFuture(shutDownException());
        }
        if (woken != null) {
            woken.wake();
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Inserts {@code e} if there is room at once: {@code queue.put_nowait(e)}.
     *
     * <p>Never blocks and never waits for the lock longer than other operations hold it. The
     * queue is checked for shutdown before it is checked for room, as in asyncio.
     *
     * @param e the element
     * @throws QueueShutDownException if the queue is shut down (full or not)
     * @throws QueueFullException if the queue is bounded and full
     * @throws NullPointerException if {@code e} is null
     */
    public void putNowait(E e) {
        if (!offer(e)) {
            throw new QueueFullException("queue is full (capacity=" + maxsize + ")");
        }
    }

    /**
     * Inserts {@code e} if there is room at once, returning whether it did: the special-value form
     * of {@link #putNowait(Object)}.
     *
     * @param e the element
     * @return {@code true} if inserted, {@code false} if the queue is full
     * @throws QueueShutDownException if the queue is shut down (full or not)
     * @throws NullPointerException if {@code e} is null
     */
    public boolean offer(E e) {
        Objects.requireNonNull(e, "element");
        final MpmcRing<E> r = ring;
        if (r != null) {
            return ringTryPut(r, e) || ringOfferSlow(r, e);
        }
        final ReentrantLock lock = this.lock;
        Waiter<?> woken;
        lock.lock();
        try {
            if (shutdown) {
                throw shutDownException();
            }
            if (store.size >= capacity) {
                return false;
            }
            woken = insertLocked(e);
        } finally {
            lock.unlock();
        }
        if (woken != null) {
            woken.wake();
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------
    // Remove
    // ------------------------------------------------------------------------------------------

    /**
     * Removes and returns the next element, waiting while the queue is empty:
     * {@code await queue.get()}.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks while the queue is empty. Wakes when a put hands this getter an element (waiting
     * getters are served in arrival order), when the queue is shut down, or when interrupted;
     * spurious wake-ups are absorbed. If the interrupt status is set on entry, or the thread is
     * interrupted while waiting, it throws {@link InterruptedException} with the status cleared
     * and no element taken. If an element had already been handed to this getter when the
     * interrupt arrived, it returns that element with the interrupt status set, so the element is
     * never lost. See the {@linkplain dev.weft.core##cancellation cancellation rules}.
     *
     * <h4>Related</h4>
     * {@link #poll(long, TimeUnit)} gives up after a timeout, {@link #getAsync()} does not block a
     * thread, {@link #getNowait()} and {@link #poll()} never wait.
     *
     * @return the element
     * @throws InterruptedException if interrupted before an element was taken
     * @throws QueueShutDownException if the queue is shut down and empty, before or while waiting
     */
    public E get() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        final MpmcRing<E> r = ring;
        if (r != null) {
            E x = ringTryGet(r);
            if (x != null) {
                return x;
            }
            Waiter<E> w = ringGetSlow(r, Thread.currentThread());
            // assert the result is non-null: untimed waits end only with an element or an exception
            return Objects.requireNonNull(getOutcome(w, await(w, WaitEngine.INTERRUPTIBLE, 0L)));
        }
        final ReentrantLock lock = this.lock;
        E x;
        Waiter<?> woken;
        Waiter<E> w;
        lock.lock();
        try {
            if (store.size > 0) {
                x = store.remove();
                woken = putters.head == null ? null : admitPuttersLocked();
                w = null;
            } else if (shutdown) {
                throw shutDownException();
            } else {
                x = null;
                woken = null;
                w = newWaiter(getters, null, Thread.currentThread());
            }
        } finally {
            lock.unlock();
        }
        if (w == null) {
            if (woken != null) {
                wakeAll(woken);
            }
            return x;
        }
        E got = getOutcome(w, await(w, WaitEngine.INTERRUPTIBLE, 0L));
        // assert got != null; untimed waits end only with an element or an exception
        return Objects.requireNonNull(got);
    }

    /**
     * Removes and returns the next element, waiting at most {@code timeout} while the queue is
     * empty.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks as {@link #get()} does, but gives up once the timeout has elapsed, returning
     * {@code null} with no element taken and no waiter left behind. A timeout {@code <= 0} does not
     * wait (after the interrupt check); see the {@linkplain dev.weft.core##timeouts timeout rules}.
     * Interrupts behave as in {@link #get()}.
     *
     * @param timeout how long to wait at most, in {@code unit}
     * @param unit the unit of {@code timeout}
     * @return the element, or {@code null} if the timeout elapsed first
     * @throws InterruptedException if interrupted before an element was taken
     * @throws QueueShutDownException if the queue is shut down and empty, before or while waiting
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public @Nullable E poll(long timeout, TimeUnit unit) throws InterruptedException {
        return pollNanos(unit.toNanos(timeout));
    }

    /**
     * As {@link #poll(long, TimeUnit)}, with the timeout as a {@link Duration}.
     *
     * @param timeout how long to wait at most
     * @return the element, or {@code null} if the timeout elapsed first
     * @throws InterruptedException if interrupted before an element was taken
     * @throws QueueShutDownException if the queue is shut down and empty
     * @throws NullPointerException if {@code timeout} is null
     */
    @Override
    public @Nullable E poll(Duration timeout) throws InterruptedException {
        return pollNanos(Durations.toNanos(timeout));
    }

    private @Nullable E pollNanos(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        final MpmcRing<E> r = ring;
        if (r != null) {
            E x = ringTryGet(r);
            if (x != null) {
                return x;
            }
            if (nanos <= 0L) {
                return ringPollSlow(r);
            }
            Waiter<E> w = ringGetSlow(r, Thread.currentThread());
            return getOutcome(w, await(w, WaitEngine.TIMED, System.nanoTime() + nanos));
        }
        final ReentrantLock lock = this.lock;
        E x;
        Waiter<?> woken;
        Waiter<E> w;
        lock.lock();
        try {
            if (store.size > 0) {
                x = store.remove();
                woken = putters.head == null ? null : admitPuttersLocked();
                w = null;
            } else if (shutdown) {
                throw shutDownException();
            } else if (nanos <= 0L) {
                return null;
            } else {
                x = null;
                woken = null;
                w = newWaiter(getters, null, Thread.currentThread());
            }
        } finally {
            lock.unlock();
        }
        if (w == null) {
            if (woken != null) {
                wakeAll(woken);
            }
            return x;
        }
        return getOutcome(w, await(w, WaitEngine.TIMED, System.nanoTime() + nanos));
    }

    /**
     * Removes the next element without blocking a thread; the returned future completes with it.
     *
     * <p>If the queue holds an element, it is removed before this method returns and the future is
     * already complete. Otherwise the request waits in line with the other getters and the future
     * is completed, in the thread of the put that supplies the element, once it has one.
     *
     * <h4>Blocking and cancellation</h4>
     * Never blocks. The future completes with the element, or exceptionally with
     * {@link QueueShutDownException} if the queue is (or becomes) shut down while empty. Cancelling
     * the future while the get is pending (or completing it in any other way, for example through
     * {@link CompletableFuture#orTimeout}) withdraws the get: no element is taken, and the next
     * element goes to the next getter. If an element had already been handed to this get,
     * {@code cancel} returns {@code false} and the future holds the element: it is never lost.
     * Cancelling a future derived from this one (by {@code thenApply} and the like) does not reach
     * back to it, so cancel this future itself.
     *
     * @return a future completed with the element
     */
    public CompletableFuture<E> getAsync() {
        final MpmcRing<E> r = ring;
        if (r != null) {
            E x = ringTryGet(r);
            if (x != null) {
                return CompletableFuture.completedFuture(x);
            }
            try {
                return ringGetSlow(r, null);
            } catch (QueueShutDownException rejected) {
                return CompletableFuture.failedFuture(rejected);
            }
        }
        final ReentrantLock lock = this.lock;
        E x = null;
        Waiter<?> woken = null;
        Waiter<E> w = null;
        boolean rejected = false;
        lock.lock();
        try {
            if (store.size > 0) {
                x = store.remove();
                woken = putters.head == null ? null : admitPuttersLocked();
            } else if (shutdown) {
                rejected = true;
            } else {
                w = newWaiter(getters, null, null);
            }
        } finally {
            lock.unlock();
        }
        if (w != null) {
            return w;
        }
        if (rejected) {
            return CompletableFuture.failedFuture(shutDownException());
        }
        if (woken != null) {
            wakeAll(woken);
        }
        return CompletableFuture.completedFuture(Objects.requireNonNull(x));
    }

    /**
     * Removes and returns the next element if there is one at once: {@code queue.get_nowait()}.
     *
     * <p>Never blocks. The queue is checked for elements before it is checked for shutdown, as in
     * asyncio, so a gracefully shut-down queue can still be drained.
     *
     * @return the element
     * @throws QueueEmptyException if the queue is empty and not shut down
     * @throws QueueShutDownException if the queue is empty and shut down
     */
    public E getNowait() {
        E x = poll();
        if (x == null) {
            throw new QueueEmptyException("queue is empty");
        }
        return x;
    }

    /**
     * Removes and returns the next element if there is one at once, else returns {@code null}: the
     * special-value form of {@link #getNowait()}.
     *
     * @return the element, or {@code null} if the queue is empty
     * @throws QueueShutDownException if the queue is empty and shut down
     */
    public @Nullable E poll() {
        final MpmcRing<E> r = ring;
        if (r != null) {
            E x = ringTryGet(r);
            return x != null ? x : ringPollSlow(r);
        }
        final ReentrantLock lock = this.lock;
        E x;
        Waiter<?> woken;
        lock.lock();
        try {
            if (store.size == 0) {
                if (shutdown) {
                    throw shutDownException();
                }
                return null;
            }
            x = store.remove();
            woken = putters.head == null ? null : admitPuttersLocked();
        } finally {
            lock.unlock();
        }
        if (woken != null) {
            wakeAll(woken);
        }
        return x;
    }

    // ------------------------------------------------------------------------------------------
    // Task accounting
    // ------------------------------------------------------------------------------------------

    /**
     * Marks one task done: {@code queue.task_done()}.
     *
     * <p>Each element that enters the queue adds one unfinished task; a consumer calls this once
     * it has finished with an element it got. When the count reaches zero, every {@code join}
     * returns. The call is not tied to a particular element. It keeps working after
     * {@link #shutdown(boolean)}.
     *
     * @throws IllegalStateException if there is no unfinished task (called more times than
     *     elements were put): {@code ValueError} in Python
     */
    public void taskDone() {
        final ReentrantLock lock = this.lock;
        Waiter<?> released = null;
        lock.lock();
        try {
            long n = unfinished();
            if (n <= 0L) {
                throw new IllegalStateException(
                        "taskDone() called more times than elements were put: no unfinished task is left");
            }
            finishTasksLocked(1L);
            if (n == 1L && joiners.head != null) {
                released = joiners.detachAll(FULFILLED);
            }
        } finally {
            lock.unlock();
        }
        if (released != null) {
            wakeAll(released);
        }
    }

    /**
     * Waits until every element put into the queue has been marked done: {@code await queue.join()}.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if there is no unfinished task. Otherwise blocks until a {@link #taskDone()}
     * (or an immediate {@link #shutdown(boolean)}) brings the count to zero, or until interrupted;
     * spurious wake-ups are absorbed. Once released it returns even if new elements were put in
     * the meantime (asyncio's {@code join} waits on an event in the same way). An interrupt on
     * entry or while waiting throws {@link InterruptedException} with the status cleared; if the
     * count had already reached zero, it returns normally with the status set. Shutdown alone does
     * not wake it.
     *
     * @throws InterruptedException if interrupted before the count reached zero
     */
    public void join() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Waiter<@Nullable Void> w;
        final ReentrantLock lock = this.lock;
        lock.lock();
        try {
            if (unfinished() == 0L) {
                return;
            }
            w = newWaiter(joiners, null, Thread.currentThread());
        } finally {
            lock.unlock();
        }
        putOutcome(w, await(w, WaitEngine.INTERRUPTIBLE, 0L));
    }

    /**
     * Waits at most {@code timeout} until every element put into the queue has been marked done.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #join()}, but gives up once the timeout has elapsed and returns {@code false},
     * leaving no waiter behind. A timeout {@code <= 0} does not wait; see the
     * {@linkplain dev.weft.core##timeouts timeout rules}.
     *
     * @param timeout how long to wait at most, in {@code unit}
     * @param unit the unit of {@code timeout}
     * @return {@code true} if the count reached zero, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted before the count reached zero
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
        return joinNanos(unit.toNanos(timeout));
    }

    /**
     * As {@link #join(long, TimeUnit)}, with the timeout as a {@link Duration}.
     *
     * @param timeout how long to wait at most
     * @return {@code true} if the count reached zero, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted before the count reached zero
     * @throws NullPointerException if {@code timeout} is null
     */
    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        return joinNanos(Durations.toNanos(timeout));
    }

    private boolean joinNanos(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Waiter<@Nullable Void> w;
        final ReentrantLock lock = this.lock;
        lock.lock();
        try {
            if (unfinished() == 0L) {
                return true;
            }
            if (nanos <= 0L) {
                return false;
            }
            w = newWaiter(joiners, null, Thread.currentThread());
        } finally {
            lock.unlock();
        }
        return putOutcome(w, await(w, WaitEngine.TIMED, System.nanoTime() + nanos));
    }

    /**
     * Returns a future that completes once every element put into the queue has been marked done.
     *
     * <p>The future is already complete if there is no unfinished task; otherwise it is completed
     * in the thread whose {@link #taskDone()} (or immediate {@link #shutdown(boolean)}) brings the
     * count to zero. Cancelling it withdraws the wait at once.
     *
     * @return a future completed with {@code null} when the count of unfinished tasks is zero
     */
    public CompletableFuture<@Nullable Void> joinAsync() {
        final ReentrantLock lock = this.lock;
        lock.lock();
        try {
            if (unfinished() != 0L) {
                return newWaiter(joiners, null, null);
            }
        } finally {
            lock.unlock();
        }
        return CompletableFuture.completedFuture(null);
    }

    // ------------------------------------------------------------------------------------------
    // Shutdown
    // ------------------------------------------------------------------------------------------

    /**
     * Shuts the queue down gracefully: the same as {@link #shutdown(boolean) shutdown(false)}.
     */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down: {@code queue.shutdown(immediate)} of Python 3.13.
     *
     * <ul>
     *   <li>From now on every put form fails with {@link QueueShutDownException}.</li>
     *   <li>Graceful ({@code immediate == false}): gets go on returning the elements left, and
     *       fail with {@code QueueShutDownException} once the queue is empty.</li>
     *   <li>Immediate: the elements left are dropped, and the count of unfinished tasks is reduced
     *       by their number (not below zero). If it reaches zero, joiners are released; tasks for
     *       elements already taken still count until {@link #taskDone()} is called for them.
     *       Gets fail at once.</li>
     *   <li>Every blocked putter and getter, blocking or asynchronous, wakes with
     *       {@code QueueShutDownException}. (A blocked getter implies an empty queue, so there is
     *       nothing it could still drain.)</li>
     *   <li>{@link #taskDone()} and {@link #join()} keep working.</li>
     * </ul>
     * Calling it again is allowed; an immediate call after a graceful one drops what is left.
     * There is no way back.
     *
     * @param immediate whether to drop the elements left in the queue
     */
    public void shutdown(boolean immediate) {
        final MpmcRing<E> r = ring;
        final ReentrantLock lock = this.lock;
        Waiter<?> chain = null;
        Waiter<?> rejectedGetters;
        Waiter<?> rejectedPutters;
        Waiter<?> released = null;
        lock.lock();
        try {
            if (r != null) {
                chain = balanceLocked(r, null); // a slot freed just now still goes to its putter
                r.close(); // no put enters from now on; those that claimed a slot have published
            }
            shutdown = true;
            if (r != null) {
                chain = balanceLocked(r, chain); // their elements go to getters that wait
            }
            if (immediate) {
                long dropped = 0L;
                if (r != null) {
                    while (r.poll() != null) {
                        dropped++;
                    }
                } else if (store.size > 0) {
                    dropped = store.size;
                    store.clear();
                }
                // The count never goes below zero, even after taskDone() calls ahead of gets.
                finishTasksLocked(Math.min(dropped, unfinished()));
                if (unfinished() == 0L) {
                    released = joiners.detachAll(FULFILLED);
                }
            }
            rejectedGetters = getters.detachAll(SHUT_DOWN);
            rejectedPutters = putters.detachAll(SHUT_DOWN);
        } finally {
            lock.unlock();
        }
        wakeAll(chain);
        wakeAll(rejectedGetters);
        wakeAll(rejectedPutters);
        wakeAll(released);
    }

    /**
     * Returns whether {@link #shutdown(boolean)} has been called.
     *
     * @return {@code true} once the queue is shut down
     */
    public boolean isShutdown() {
        return shutdown;
    }

    // ------------------------------------------------------------------------------------------
    // Inspection
    // ------------------------------------------------------------------------------------------

    /**
     * Returns the number of elements in the queue: {@code queue.qsize()}.
     *
     * <p>The count is exact at the moment it is read; with other threads at work it may be stale
     * by the time the caller looks at it. Elements handed straight to a waiting getter never count.
     *
     * @return the number of elements
     */
    @Override
    public int size() {
        final MpmcRing<E> r = ring;
        if (r != null) {
            return r.size();
        }
        final ReentrantLock lock = this.lock;
        lock.lock();
        try {
            return store.size;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns whether the queue holds no element: {@code queue.empty()}. A snapshot, as
     * {@link #size()}.
     *
     * @return {@code size() == 0}
     */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * Returns whether the queue is bounded and holds {@link #capacity()} elements:
     * {@code queue.full()}. An unbounded queue is never full. A snapshot, as {@link #size()}.
     *
     * @return whether a put would have to wait now
     */
    public boolean isFull() {
        return maxsize > 0 && size() >= maxsize;
    }

    /**
     * Returns the capacity: {@code queue.maxsize}, except that an unbounded queue (asyncio's
     * {@code maxsize=0}) reports {@link Integer#MAX_VALUE}.
     *
     * @return the most elements the queue holds, or {@link Integer#MAX_VALUE} if it is unbounded
     */
    @Override
    public int capacity() {
        return maxsize == 0 ? Integer.MAX_VALUE : maxsize;
    }

    /**
     * Returns the order in which this queue returns its elements.
     *
     * @return FIFO, LIFO or PRIORITY
     */
    public Order order() {
        return ring != null ? Order.FIFO : store.order();
    }

    /**
     * Returns the number of elements put and not yet marked done by {@link #taskDone()}. A
     * snapshot, as {@link #size()}.
     *
     * @return the count of unfinished tasks
     */
    public long unfinishedTasks() {
        final ReentrantLock lock = this.lock;
        lock.lock();
        try {
            return unfinished();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the number of gets waiting for an element, blocking and asynchronous together.
     * Cancelled and timed-out gets are removed at once and never counted. A snapshot, for
     * monitoring and tests.
     *
     * @return the number of waiting getters
     */
    public int waitingGetters() {
        return waiterCount(getters);
    }

    /**
     * Returns the number of puts waiting for room, blocking and asynchronous together. A snapshot,
     * as {@link #waitingGetters()}.
     *
     * @return the number of waiting putters
     */
    public int waitingPutters() {
        return waiterCount(putters);
    }

    /**
     * Returns the number of joins waiting for the unfinished count to reach zero, blocking and
     * asynchronous together. A snapshot, as {@link #waitingGetters()}.
     *
     * @return the number of waiting joiners
     */
    public int waitingJoiners() {
        return waiterCount(joiners);
    }

    private int waiterCount(WaitList list) {
        return list.size;
    }

    /**
     * Returns a diagnostic description in the manner of asyncio's {@code repr}, for example
     * {@code AsyncQueue[FIFO capacity=10 size=0 getters=2 tasks=3 shutdown]}: the order, the
     * capacity ({@code unbounded} if unbounded), the number of elements, the waiting getters, putters and
     * joiners and the unfinished tasks when there are any, and {@code shutdown} once shut down.
     *
     * @return the description
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64).append("AsyncQueue[").append(order());
        final ReentrantLock lock = this.lock;
        lock.lock();
        try {
            sb.append(" capacity=").append(maxsize == 0 ? "unbounded" : Integer.toString(maxsize)).append(" size=").append(sizeLocked());
            if (getters.size > 0) {
                sb.append(" getters=").append(getters.size);
            }
            if (putters.size > 0) {
                sb.append(" putters=").append(putters.size);
            }
            long tasks = unfinished();
            if (tasks > 0L) {
                sb.append(" tasks=").append(tasks);
            }
            if (joiners.size > 0) {
                sb.append(" joiners=").append(joiners.size);
            }
            if (shutdown) {
                sb.append(" shutdown");
            }
        } finally {
            lock.unlock();
        }
        return sb.append(']').toString();
    }

    // ------------------------------------------------------------------------------------------
    // Ring mode: a bounded FIFO queue whose elements live in a lock-free MpmcRing
    // ------------------------------------------------------------------------------------------

    /** The unfinished-task count; under the lock (ring mode: exact while the lock is held). */
    private long unfinished() {
        final MpmcRing<E> r = ring;
        return r != null ? r.putCount() - r.doneCount() : store.unfinished;
    }

    /** Takes {@code n} from the unfinished-task count; under the lock. */
    private void finishTasksLocked(long n) {
        final MpmcRing<E> r = ring;
        if (r != null) {
            r.addDone(n);
        } else {
            store.unfinished -= n;
        }
    }

    /** The number of elements; under the lock (ring mode: a snapshot). */
    private int sizeLocked() {
        final MpmcRing<E> r = ring;
        return r != null ? r.size() : store.size;
    }

    /**
     * The put fast path: no putter waits and the ring has room. Then hands the element on to a
     * getter that waits (the ring's volatile publication, then the read of getters.size: one half
     * of the Dekker pair described in MpmcRing).
     *
     * @return whether {@code e} is in the queue; false: take the slow path, which decides
     */
    private boolean ringTryPut(MpmcRing<E> r, E e) {
        if (putters.size != 0 || r.offer(e) != MpmcRing.OK) {
            return false;
        }
        if (getters.size != 0) {
            rebalance(r);
        }
        return true;
    }

    /** The get fast path: no getter waits and the ring holds an element; else null. */
    private @Nullable E ringTryGet(MpmcRing<E> r) {
        if (getters.size != 0) {
            return null;
        }
        E x = r.poll();
        if (x != null && putters.size != 0) {
            rebalance(r);
        }
        return x;
    }

    /**
     * The put slow path of the waiting forms: links a putter behind any that wait and lets
     * {@link #balanceLocked} admit it if there is room (then it is granted at once).
     *
     * @param thread the waiting thread, or null for an asynchronous put
     * @throws QueueShutDownException if the queue is shut down
     */
    private Waiter<@Nullable Void> ringPutSlow(MpmcRing<E> r, E e, @Nullable Thread thread) {
        final ReentrantLock lock = this.lock;
        Waiter<@Nullable Void> w;
        Waiter<?> chain;
        lock.lock();
        try {
            if (shutdown) {
                throw shutDownException();
            }
            w = newWaiter(putters, e, thread);
            VarHandle.fullFence(); // the link, then the ring: the other half of the Dekker pair
            chain = balanceLocked(r, null);
        } finally {
            lock.unlock();
        }
        wakeAll(chain);
        return w;
    }

    /**
     * The put slow path of the forms that never wait.
     *
     * @return whether {@code e} entered the queue
     * @throws QueueShutDownException if the queue is shut down
     */
    private boolean ringOfferSlow(MpmcRing<E> r, E e) {
        final ReentrantLock lock = this.lock;
        boolean added;
        Waiter<?> chain;
        lock.lock();
        try {
            if (shutdown) {
                throw shutDownException();
            }
            chain = balanceLocked(r, null); // the putters that wait go first
            added = putters.head == null && r.offer(e) == MpmcRing.OK;
            if (added) {
                chain = balanceLocked(r, chain);
            }
        } finally {
            lock.unlock();
        }
        wakeAll(chain);
        return added;
    }

    /**
     * The get slow path of the waiting forms: links a getter behind any that wait and lets
     * {@link #balanceLocked} hand it an element if the ring holds one (then it is granted at once).
     *
     * @param thread the waiting thread, or null for an asynchronous get
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    private Waiter<E> ringGetSlow(MpmcRing<E> r, @Nullable Thread thread) {
        final ReentrantLock lock = this.lock;
        Waiter<E> w;
        Waiter<?> chain;
        boolean rejected = false;
        lock.lock();
        try {
            w = newWaiter(getters, null, thread);
            VarHandle.fullFence(); // the link, then the ring: the other half of the Dekker pair
            chain = balanceLocked(r, null);
            if (shutdown && w.isWaiting()) {
                // Shut down, and nothing was left for this getter: it never waited.
                getters.unlink(w);
                w.cancel();
                rejected = true;
            }
        } finally {
            lock.unlock();
        }
        wakeAll(chain);
        if (rejected) {
            throw shutDownException();
        }
        return w;
    }

    /**
     * The get slow path of the forms that never wait.
     *
     * @return the element, or null if none is left for a newcomer
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    private @Nullable E ringPollSlow(MpmcRing<E> r) {
        final ReentrantLock lock = this.lock;
        E x;
        Waiter<?> chain;
        boolean rejected;
        lock.lock();
        try {
            chain = balanceLocked(r, null); // the getters that wait go first
            x = getters.head == null ? r.poll() : null;
            if (x != null) {
                chain = balanceLocked(r, chain);
            }
            rejected = x == null && shutdown;
        } finally {
            lock.unlock();
        }
        wakeAll(chain);
        if (rejected) {
            throw shutDownException();
        }
        return x;
    }

    /** Runs {@link #balanceLocked} under the lock and wakes whom it decided. */
    private void rebalance(MpmcRing<E> r) {
        final ReentrantLock lock = this.lock;
        Waiter<?> chain;
        lock.lock();
        try {
            chain = balanceLocked(r, null);
        } finally {
            lock.unlock();
        }
        wakeAll(chain);
    }

    /**
     * Moves elements from the ring to waiting getters and elements of waiting putters into the
     * ring's free slots, longest waiter first, until neither can move. Returns the decided waiters
     * (linked by next, in front of {@code chain}) to wake after unlocking.
     */
    private @Nullable Waiter<?> balanceLocked(MpmcRing<E> r, @Nullable Waiter<?> chain) {
        // assert lock.isHeldByCurrentThread();
        for (;;) {
            boolean moved = false;
            Waiter<?> g;
            while ((g = getters.head) != null) {
                E x = r.poll();
                if (x == null) {
                    break;
                }
                getters.unlink(g);
                g.item = x;
                g.decide(FULFILLED);
                g.next = chain;
                chain = g;
                moved = true;
            }
            Waiter<?> p;
            while ((p = putters.head) != null) {
                // assert p.item != null; a waiting putter holds its element
                if (r.offer(Objects.requireNonNull(p.item)) != MpmcRing.OK) {
                    break;
                }
                putters.unlink(p);
                p.item = null;
                p.decide(FULFILLED);
                p.next = chain;
                chain = p;
                moved = true;
            }
            if (!moved || getters.head == null) {
                return chain;
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------

    private static QueueShutDownException shutDownException() {
        return new QueueShutDownException("queue is shut down");
    }

    /** Creates a waiter and links it at the tail of {@code list}; lock held. */
    private <T> Waiter<T> newWaiter(WaitList list, @Nullable E item, @Nullable Thread thread) {
        Waiter<T> w = new Waiter<>(list, item, thread);
        list.linkLast(w);
        return w;
    }

    /**
     * Inserts {@code e}, handing it to the longest-waiting getter if there is one; lock held and
     * room checked. Returns the getter to wake after unlocking, or null.
     */
    private @Nullable Waiter<?> insertLocked(E e) {
        // assert lock.isHeldByCurrentThread() && !shutdown && store.size < capacity;
        Waiter<?> g = getters.head;
        if (g == null) {
            store.add(e); // may throw (comparator, storage limit): nothing changed then
            store.unfinished++;
            return null;
        }
        // assert store.size == 0;
        getters.unlink(g);
        g.item = e;
        store.unfinished++;
        g.decide(FULFILLED);
        return g;
    }

    /**
     * A get has just freed a slot of a full queue: move the longest-waiting putter's element into
     * the store. Returns the chain (linked by next) of putters to wake after unlocking: the one
     * admitted, preceded by any whose element the store refused.
     */
    private @Nullable Waiter<?> admitPuttersLocked() {
        // assert lock.isHeldByCurrentThread() && store.size == capacity - 1;
        Waiter<?> chain = null;
        Waiter<?> p;
        while ((p = putters.head) != null) {
            putters.unlink(p);
            E item = p.item;
            // assert item != null; a waiting putter holds its element
            p.item = null;
            try {
                store.add(Objects.requireNonNull(item));
            } catch (RuntimeException | Error refused) {
                // Only a priority comparator can get here; the putter fails as if it had called it.
                p.failure = refused;
                p.decide(FAILED);
                p.next = chain;
                chain = p;
                continue;
            }
            store.unfinished++;
            p.decide(FULFILLED);
            p.next = chain;
            chain = p;
            break;
        }
        return chain;
    }

    /** Wakes every waiter of a chain linked by next; lock not held. */
    private void wakeAll(@Nullable Waiter<?> chain) {
        Waiter<?> w = chain;
        while (w != null) {
            Waiter<?> next = w.next;
            w.next = null;
            w.wake();
            w = next;
        }
    }

    /**
     * Waits in the engine until {@code w} is decided, the thread is interrupted, or the deadline
     * passes; in the last two cases withdraws {@code w} unless it was decided meanwhile. Records
     * a JFR wait event when enabled.
     *
     * @return true if decided (the outcome is in {@code w.outcome}; an interrupt that came too
     *     late to withdraw is re-asserted), false if TIMED and withdrawn at the deadline
     * @throws InterruptedException if interrupted and withdrawn
     */
    private boolean await(Waiter<?> w, int mode, long deadline) throws InterruptedException {
        final WaitList list = w.list;
        WaitEvent event = WaitEvent.start();
        if (event == null) {
            return WaitEngine.await(list, w, mode, deadline);
        }
        String outcome = WaitEvent.FAILED;
        try {
            boolean decided = WaitEngine.await(list, w, mode, deadline);
            outcome = !decided ? "timed out" : switch (w.outcome) {
                case FULFILLED -> list == putters ? "put" : list == getters ? "taken" : "joined";
                case SHUT_DOWN -> "shut down";
                default -> WaitEvent.FAILED;
            };
            return decided;
        } finally {
            String operation = list == putters ? "put" : list == getters ? "get" : "join";
            WaitEvent.endLocal(event, "AsyncQueue", this, operation, outcome);
        }
    }

    /** Reports a blocking put's or join's outcome: true done, false timed out; or throws. */
    private boolean putOutcome(Waiter<?> w, boolean decided) {
        if (!decided) {
            return false;
        }
        switch (w.outcome) {
            case FULFILLED -> {
                return true;
            }
            case SHUT_DOWN -> throw shutDownException();
            case FAILED -> {
                Throwable failure = Objects.requireNonNull(w.failure);
                if (failure instanceof RuntimeException re) {
                    throw re;
                }
                throw (Error) failure; // admitPuttersLocked records only these two kinds
            }
            default -> throw new AssertionError("unexpected waiter outcome " + w.outcome);
        }
    }

    /** Reports a blocking get's outcome: the element, or null on timeout; or throws. */
    private @Nullable E getOutcome(Waiter<?> w, boolean decided) {
        if (!decided) {
            return null;
        }
        switch (w.outcome) {
            case FULFILLED -> {
                return w.item;
            }
            case SHUT_DOWN -> throw shutDownException();
            default -> throw new AssertionError("unexpected waiter outcome " + w.outcome);
        }
    }

    /**
     * A FIFO list of waiters, doubly linked for O(1) unlinking; guarded by the queue's lock. It is
     * the engine's site for its waiters: a waiter gives up by leaving its list.
     */
    private final class WaitList implements WaitEngine.Site<Waiter<?>> {
        @Nullable Waiter<?> head;
        @Nullable Waiter<?> tail;
        /** Written under the lock; read without it by the ring mode's fast paths. */
        volatile int size;

        void linkLast(Waiter<?> w) {
            Waiter<?> t = tail;
            w.prev = t;
            if (t == null) {
                head = w;
            } else {
                t.next = w;
            }
            tail = w;
            size++;
        }

        void unlink(Waiter<?> w) {
            Waiter<?> p = w.prev;
            Waiter<?> n = w.next;
            if (p == null) {
                head = n;
            } else {
                p.next = n;
            }
            if (n == null) {
                tail = p;
            } else {
                n.prev = p;
            }
            w.prev = null;
            w.next = null;
            size--;
        }

        /** Empties the list, deciding every waiter with {@code outcome}; returns the chain, linked by next. */
        @Nullable Waiter<?> detachAll(byte outcome) {
            Waiter<?> h = head;
            for (Waiter<?> w = h; w != null; w = w.next) {
                w.prev = null;
                w.item = null;
                w.decide(outcome);
            }
            head = null;
            tail = null;
            size = 0;
            return h;
        }

        /**
         * Withdraws {@code w}: moves it from WAITING to CANCELLED and unlinks it, under the
         * queue's lock; false if it was decided already (decisions are made under the same lock,
         * so a false answer means the grant is in {@code w}'s status).
         */
        @Override
        public boolean giveUp(Waiter<?> w) {
            final ReentrantLock lock = AsyncQueue.this.lock;
            lock.lock();
            try {
                if (!w.cancel()) {
                    return false;
                }
                unlink(w);
                w.item = null;
                return true;
            } finally {
                lock.unlock();
            }
        }

        /**
         * In store mode a waiter yields before it parks (see WaitEngine's notes). In ring mode
         * only a virtual thread does: its yield lets the other side run on its carrier and saves
         * a park and an unpark (2P2C on virtual threads moved about half again as many elements,
         * docs/queue.md); a platform thread parks at once, because there two producers (or two
         * consumers) that yield to each other keep the other side off the processors (2P2C on
         * platform threads moved half as many elements as with parking).
         */
        @Override
        public boolean yieldFirst(Waiter<?> w) {
            return ring == null || Thread.currentThread().isVirtual();
        }
    }

    /**
     * One waiting put, get or join: the engine's node, whose status is WAITING while linked,
     * GRANTED once decided (the outcome says how) and CANCELLED once withdrawn; statuses change
     * only under the queue's lock. A blocking waiter carries its thread; an asynchronous one is
     * the future handed to the caller (the future part of a blocking waiter is never used).
     *
     * @param <T> the future's result type: E for a get, Void for a put or a join
     */
    private final class Waiter<T> extends RequestNode<T> {
        /** The list it waits in; fixed. */
        final WaitList list;
        /** Putter: its element until admitted. Getter: the element handed over. Guarded by lock. */
        @Nullable E item;
        /** FAILED putter: why its element was refused. Written under lock before the grant. */
        @Nullable Throwable failure;
        /** Links in the list while WAITING; next also chains decided waiters for waking. Lock. */
        @Nullable Waiter<?> prev;
        @Nullable Waiter<?> next;
        /** FULFILLED, SHUT_DOWN or FAILED once granted; written under lock before the grant. */
        byte outcome;

        /** A waiter for {@code thread} (the current thread), or an asynchronous one if null. */
        Waiter(WaitList list, @Nullable E item, @Nullable Thread thread) {
            super(thread);
            this.list = list;
            this.item = item;
        }

        /** Decides this waiter with {@code outcome} (item or failure set before); lock held. */
        void decide(byte outcome) {
            this.outcome = outcome;
            grant(); // the status is WAITING: decisions and withdrawals are made under the lock
        }

        /** Tells the waiter about its decision; lock not held. */
        void wake() {
            if (thread != null) {
                signal();
            } else {
                settle();
            }
        }

        /** Completes the future with the decided outcome; idempotent, no-op unless granted. */
        @Override
        @SuppressWarnings("unchecked")
        protected void settle() {
            if (status() != WaitNode.GRANTED) {
                return; // WAITING: not decided. CANCELLED: completed by whoever withdrew it.
            }
            switch (outcome) {
                case FULFILLED -> completeDecided((T) item); // getter: the element; putter, joiner: null
                case SHUT_DOWN -> failDecided(shutDownException());
                default -> failDecided(Objects.requireNonNull(failure));
            }
        }

        /** Withdraws the pending put, get or join (RequestNode's rule for outside completion). */
        @Override
        protected boolean withdraw() {
            return list.giveUp(this);
        }
    }
}
