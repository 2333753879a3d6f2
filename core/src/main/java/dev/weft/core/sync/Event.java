package dev.weft.core.sync;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.WaitEngine;
import dev.weft.core.internal.WaitNode;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A flag that threads and futures can wait for: the counterpart of {@code asyncio.Event}.
 *
 * <p>An event starts unset. {@link #set()} sets it and wakes every waiter; while it is set, waits
 * return at once. {@link #clear()} unsets it, so that later waits block until the next
 * {@code set()}. Unlike a {@code CountDownLatch} or a {@code CompletableFuture}, an event can be
 * set and cleared any number of times.
 *
 * <p><b>A set() is never lost.</b> Every waiter that was waiting when {@code set()} happened
 * returns (or has its future completed), even if {@code clear()} follows at once, before the
 * waiter had a chance to run. So a wait that returned does not mean that the event is still set:
 * check {@link #isSet()} if that matters.
 *
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead><tr><th></th><th>Throws</th><th>Special value</th><th>Blocks</th><th>Times out</th>
 *       <th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><th scope="row">wait until set</th><td></td><td>{@link #isSet()}</td><td>{@link #await()}</td><td>{@link #await(Duration)}, {@link #await(long, TimeUnit)}</td><td>{@link #awaitAsync()}</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before {@code set()} happen-before the actions that follow a wait that
 * returns because of that {@code set()}, the completion of an {@code awaitAsync()} future by it,
 * and an {@code isSet()} that returns {@code true} because of it. See the package's
 * <a href="../package-summary.html#memory">memory consistency</a> rules.
 *
 * <h2>Cancellation</h2>
 * A blocking wait that is interrupted, or times out, withdraws its waiter; so does a future from
 * {@link #awaitAsync()} that is cancelled or completed by anyone else (for instance by
 * {@code orTimeout}). Withdrawn waiters are unlinked at once, so repeated timed-out or cancelled
 * waits do not accumulate. There is nothing to lose: a wait consumes nothing. See the package's
 * <a href="../package-summary.html#cancellation">cancellation rules</a>.
 *
 * <h2>Pitfalls</h2>
 * {@code clear()} right after {@code set()} does not stop the waiters that {@code set()} woke;
 * and a thread that arrives after the {@code clear()} waits for the next {@code set()}. An event
 * is therefore not a way to hand something over to exactly one thread (use a queue or a
 * semaphore). To wait until a condition holds, loop: {@code while (!ready()) event.await();}.
 *
 * <h2>Thread safety</h2>
 * Every method is thread-safe. Futures from {@link #awaitAsync()} are completed by the thread
 * that calls {@code set()}, outside of any lock; dependent actions attached with non-async
 * methods run there (see the package's <a href="../package-summary.html#callbacks">callback</a>
 * rules).
 *
 * {@snippet :
 * Event ready = new Event();
 * Task<Void> worker = Task.start(() -> {
 *     ready.await();            // blocks until set
 *     System.out.println("go");
 * });
 * ready.set();                  // wakes the worker (and any other waiter)
 * ready.awaitAsync().thenRun(() -> System.out.println("also go"));   // already set: runs at once
 * }
 *
 * @since 0.1
 */
public final class Event implements EventFlag {

    /*
     * Implementation notes.
     *
     * Overview
     *   A volatile `set` flag for the fast paths (isSet, a wait on a set event, a set of a set
     *   event, clear), and a FIFO doubly-linked list of waiter nodes guarded by a ReentrantLock.
     *   set() flips the flag and detaches the whole list under the lock, starting a new
     *   generation, then wakes the detached nodes outside the lock. A node remembers the
     *   generation it joined; it is still in the list iff it is linked and its generation is the
     *   current one, so a withdrawn waiter unlinks itself in O(1) and a withdrawal after set() is
     *   a no-op (set() never has to walk the list under the lock).
     *   Python's asyncio.Event keeps a list of futures that set() resolves; the "woken but not yet
     *   resumed" window there is the window between detaching and returning here, and the rule is
     *   the same: a detached waiter returns true whatever the flag says by then.
     *
     * Diagram
     *   set=false, generation=7:   head -> [T1 g7] <-> [F2 g7] <-> [T3 g7] <- tail
     *   set():  set=true, generation=8, head=tail=null; then wake T1, F2, T3 (unlock first)
     *   clear(): set=false; the next waiter joins generation 8.
     *
     * Invariants (under the lock)
     *   - set == true implies the list is empty (waiters join only while set is false; set()
     *     empties the list as it sets the flag).
     *   - A node is in the list iff node.linked && node.generation == generation.
     *   - waiterCount == length of the list.
     *
     * Non-invariants
     *   - A detached node may not be woken yet (set() wakes after unlocking); its waiter treats
     *     "no longer in the list" as "woken".
     *   - isSet() may be false when a wait returns (a clear() came after the set()).
     *
     * Linearization points
     *   - set: the write of set=true under the lock (no-op set: the read of true).
     *   - clear: the volatile write of set=false.
     *   - await / awaitAsync: the read of set=true (fast path or under the lock), or the detach by
     *     the set() that wakes it; timing out / withdrawing: the unlink under the lock.
     *
     * Memory ordering
     *   - set: volatile. Written under the lock by set() and without it by clear(); a write of
     *     false needs no lock because it never adds or removes nodes.
     *   - head, tail, generation, node.prev/next/linked/generation: guarded by the lock. After
     *     set() detaches a chain, only set() reads its next links, and nobody writes them.
     *   - waiterCount: volatile, written under the lock, read anywhere (monitoring).
     *   - node status (the engine's WaitNode): granted by set() after it detached the node, then
     *     signalled (unparked if it announced parking); read by the waiter.
     *
     * Blocking and cancellation
     *   A blocking waiter waits in dev.weft.core.internal.WaitEngine (no spinning) until its node
     *   is granted; spurious returns are re-checked there.
     *   On interrupt or timeout it tries to unlink itself; if the node was already detached, the
     *   set() happened first and the wait succeeds (an interrupt is then re-asserted). An async
     *   waiter's node is its future (AsyncNode: one object per wait) and unlinks itself when
     *   completed by anyone but set() (cancel, complete, completeExceptionally, orTimeout,
     *   obtrude).
     *
     * Progress
     *   isSet, clear and the fast paths are wait-free. Joining, leaving and set() take the lock
     *   for O(1) work; waking is outside the lock. Waiting blocks, by definition.
     *
     * Revision notes
     *   0.1: first version.
     */

    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean set;
    /** Guarded by {@link #lock}. */
    private @Nullable Node head;
    /** Guarded by {@link #lock}. */
    private @Nullable Node tail;
    /** Number of set() calls that detached the list; guarded by {@link #lock}. */
    private long generation;
    /** The length of the list; written under {@link #lock}. */
    private volatile int waiterCount;

    /** Creates an event that is not set. */
    public Event() {}

    /**
     * Whether the event is set.
     *
     * @return {@code true} if set
     */
    @Override
    public boolean isSet() {
        return set;
    }

    /**
     * Sets the event and wakes every waiter; does nothing if it is already set.
     *
     * <p>Blocking waiters return; futures from {@link #awaitAsync()} are completed, in this
     * thread, after the event's internal lock is released, in the order the waits began.
     */
    @Override
    public void set() {
        if (set) {
            return;
        }
        Node detached;
        lock.lock();
        try {
            if (set) {
                return;
            }
            set = true;
            detached = head;
            head = null;
            tail = null;
            generation++;
            waiterCount = 0;
        } finally {
            lock.unlock();
        }
        for (Node n = detached; n != null; ) {
            Node next = n.next;
            n.wake();
            n = next;
        }
    }

    /**
     * Unsets the event, so that later waits block until the next {@link #set()}. Waiters that a
     * {@code set()} has already woken are not affected.
     */
    @Override
    public void clear() {
        set = false;
    }

    /**
     * Waits until the event is set: the counterpart of {@code await event.wait()}.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if the event is set. Otherwise blocks until a {@link #set()}; a
     * {@code clear()} after that set does not matter. Spurious wake-ups are absorbed (the wait
     * goes on). If the interrupt status is set on entry, throws {@link InterruptedException}
     * (clearing it) even if the event is set. If interrupted while waiting, withdraws the waiter
     * and throws {@code InterruptedException} with the status cleared; if a {@code set()} woke it
     * first, returns normally with the interrupt status set instead.
     *
     * @throws InterruptedException if interrupted before or while waiting
     */
    @Override
    public void await() throws InterruptedException {
        awaitNanos(-1L);
    }

    /**
     * Waits at most {@code timeout} until the event is set.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #await()}, and also ends when the timeout elapses: the waiter is withdrawn (it
     * leaves nothing behind) and {@code false} is returned, unless a {@code set()} woke it first.
     * A timeout {@code <= 0} does not block: it returns {@link #isSet()} (after the interrupt
     * check). See the package's <a href="../package-summary.html#timeouts">timeout rules</a>.
     *
     * @param timeout the longest time to wait
     * @param unit the unit of {@code timeout}
     * @return {@code true} if the event was set (or was woken by a set), {@code false} if the
     *     timeout elapsed first
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        long nanos = unit.toNanos(timeout);
        return awaitNanos(nanos <= 0 ? 0L : nanos);
    }

    /**
     * Waits at most {@code timeout} until the event is set; as {@link #await(long, TimeUnit)}.
     *
     * @param timeout the longest time to wait
     * @return {@code true} if the event was set (or was woken by a set), {@code false} if the
     *     timeout elapsed first
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if {@code timeout} is null
     */
    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long nanos = Durations.toNanos(timeout);
        return awaitNanos(nanos <= 0 ? 0L : nanos);
    }

    /**
     * The engine of every blocking wait.
     *
     * @param nanos {@code -1} for untimed, {@code 0} for a poll, {@code > 0} for a timed wait
     * @return whether the event was set or a set() woke this waiter
     */
    private boolean awaitNanos(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (set) {
            return true;
        }
        if (nanos == 0L) {
            return false;
        }
        Node node = new Node(Thread.currentThread());
        if (!enqueue(node)) {
            return true;
        }
        // A withdrawal that finds the node detached by set() loses: the wait succeeded (an
        // interrupt is then re-asserted).
        return nanos > 0L
                ? WaitEngine.await("Event", "await", this, site, node, WaitEngine.TIMED, System.nanoTime() + nanos)
                : WaitEngine.await("Event", "await", this, site, node, WaitEngine.INTERRUPTIBLE, 0L);
    }

    /** This event's side of the engine's wait: a withdrawal unlinks the node if still listed. */
    private final WaitEngine.Site<Node> site = this::remove;

    /**
     * Returns a future that completes (with {@code null}) when the event is set: the
     * non-blocking form of {@link #await()}.
     *
     * <p>If the event is set, the future is already complete. Otherwise it is completed by the
     * next {@link #set()}, in the thread that calls it; a {@code clear()} after that set does not
     * matter.
     *
     * <h4>Blocking and cancellation</h4>
     * Never blocks. Cancelling the future, or completing it in any other way (for instance with
     * {@code orTimeout}), withdraws the wait at once: nothing stays behind in the event. Stages
     * derived from the future are plain {@code CompletableFuture}s, and cancelling them does not
     * withdraw the wait (cancel the returned future itself).
     *
     * @return a future of the event being set
     */
    @Override
    public CompletableFuture<@Nullable Void> awaitAsync() {
        if (set) {
            return CompletableFuture.completedFuture(null);
        }
        AsyncNode node = new AsyncNode(this);
        if (!enqueue(node)) {
            node.wake();
        }
        return node;
    }

    /**
     * Returns the number of waiters (blocking and asynchronous) that wait for the next
     * {@link #set()}. A snapshot for monitoring and tests; it may be stale by the time it is
     * used.
     *
     * @return the number of waiters
     */
    public int waiterCount() {
        return waiterCount;
    }

    /**
     * Whether any waiter (blocking or asynchronous) waits for the next {@link #set()}.
     *
     * @return {@code waiterCount() > 0}; a snapshot
     */
    public boolean hasWaiters() {
        return waiterCount > 0;
    }

    /**
     * Returns the state and the number of waiters, e.g. {@code Event[set]} or
     * {@code Event[unset, waiters=2]}.
     *
     * @return a diagnostic description
     */
    @Override
    public String toString() {
        if (set) {
            return "Event[set]";
        }
        int waiters = waiterCount;
        return waiters == 0 ? "Event[unset]" : "Event[unset, waiters=" + waiters + "]";
    }

    // ---- the waiter list ----------------------------------------------------------------------

    /** Adds {@code node} at the tail unless the event is set; returns whether it was added. */
    private boolean enqueue(Node node) {
        lock.lock();
        try {
            if (set) {
                return false;
            }
            node.generation = generation;
            node.linked = true;
            Node t = tail;
            node.prev = t;
            if (t == null) {
                head = node;
            } else {
                t.next = node;
            }
            tail = node;
            waiterCount = waiterCount + 1;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unlinks {@code node} if it is still waiting; returns {@code false} if it was already
     * detached by a {@code set()} (or removed before).
     */
    private boolean remove(Node node) {
        lock.lock();
        try {
            if (!node.linked || node.generation != generation) {
                return false;
            }
            Node p = node.prev;
            Node n = node.next;
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
            node.prev = null;
            node.next = null;
            node.linked = false;
            waiterCount = waiterCount - 1;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** One waiter: a thread waiting in the engine, or (an {@link AsyncNode}) a future. */
    private static class Node extends WaitNode<@Nullable Void> {
        /** Guarded by the event's lock. */
        @Nullable Node prev;
        /** Guarded by the event's lock while linked; read-only once detached by set(). */
        @Nullable Node next;
        /** The generation this node joined; guarded by the event's lock. */
        long generation;
        /** Whether the node was added and not removed; guarded by the event's lock. */
        boolean linked;

        /** A node for {@code thread} (the current thread), or with none (an AsyncNode). */
        Node(@Nullable Thread thread) {
            super(thread);
        }

        /** Called by set() after it detached the node: grants and wakes it. */
        void wake() {
            grant();
            signal();
        }
    }

    /**
     * An asynchronous wait: the future handed to the caller. Completing it in any way but by
     * {@code set()} (cancel, complete, completeExceptionally, obtrude, and through them
     * orTimeout) completes it and withdraws the node; a wait holds nothing, so there is nothing
     * to hand back. Stages derived from it are plain futures.
     */
    private static final class AsyncNode extends Node {
        private final Event event;

        AsyncNode(Event event) {
            super(null);
            this.event = event;
        }

        /** Completion by {@code set()}: the node is already detached. */
        @Override
        void wake() {
            super.complete(null);
        }

        private void withdraw() {
            event.remove(this);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            withdraw();
            return cancelled;
        }

        @Override
        public boolean complete(@Nullable Void value) {
            boolean completed = super.complete(value);
            withdraw();
            return completed;
        }

        @Override
        public boolean completeExceptionally(Throwable ex) {
            boolean completed = super.completeExceptionally(ex);
            withdraw();
            return completed;
        }

        @Override
        public void obtrudeValue(@Nullable Void value) {
            super.obtrudeValue(value);
            withdraw();
        }

        @Override
        public void obtrudeException(Throwable ex) {
            super.obtrudeException(ex);
            withdraw();
        }
    }
}
