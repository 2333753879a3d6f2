package dev.weft.core.sync;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.WaitEngine;
import dev.weft.core.internal.WaitNode;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A cyclic barrier for a fixed number of parties, with blocking, timed and
 * {@code CompletableFuture} waits: the counterpart of {@code asyncio.Barrier} (Python 3.11), and the
 * in-process implementation of the {@link PartyBarrier} contract.
 *
 * <p>Each party calls {@link #await()} (Python's {@code wait()}); the call waits until
 * {@link #parties()} parties have arrived, then all of them proceed, each returning its
 * <i>arrival index</i>: 0 for the first to arrive, {@code parties() - 1} for the last, which
 * passes without waiting and releases the others. The barrier then starts its next cycle at once.
 *
 * <p>The barrier can be <b>broken</b>: {@link #abort()} makes every waiting party and every later
 * arrival fail with {@link BrokenBarrierException} until {@link #reset()}. {@link #reset()} makes
 * the waiting parties fail with {@code BrokenBarrierException} and leaves the barrier empty and
 * usable.
 *
 * <p><b>Leaving is not breaking.</b> As in asyncio, and unlike
 * {@link java.util.concurrent.CyclicBarrier}, a party whose wait is interrupted, times out or is
 * cancelled simply leaves: the barrier stays intact and now needs one more arrival to trip. A
 * party cannot leave a cycle that has already tripped: the trip is atomic, and a party it
 * released returns its index even if it is interrupted at the same moment (with the interrupt
 * status set again).
 *
 * <p><b>Differences from asyncio.</b> asyncio's barrier has a "draining" phase during which new
 * arrivals wait until every released task has resumed, and an {@code abort()} or
 * {@code reset()} during that phase fails parties whose cycle had already completed. Here the
 * trip is one atomic step: arrivals after it belong to the next cycle at once, and {@code abort}
 * or {@code reset} affects only parties that are still waiting. Indexes are assigned at the trip,
 * in arrival order among the parties present, so they are unique in a cycle even when parties
 * left (in asyncio a leaver can cause duplicate indexes). There is no barrier action, unlike
 * {@code threading.Barrier} and {@code CyclicBarrier}; run it in the party that gets index
 * {@code parties() - 1}.
 *
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead><tr><th></th><th>Throws</th><th>Special value</th><th>Blocks</th><th>Times out</th>
 *       <th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><th scope="row">arrive and wait</th><td></td><td></td><td>{@link #await()}</td><td>{@link #await(Duration)}, {@link #await(long, TimeUnit)}</td><td>{@link #awaitAsync()}</td></tr>
 *   </tbody>
 * </table>
 *
 * <p><b>Memory consistency effects.</b> Actions of each party before it arrives
 * <i>happen-before</i> the actions of every party of the same cycle after its wait returns (see
 * <a href="../package-summary.html#memory">memory consistency</a>).
 *
 * <p><b>Thread safety.</b> All methods may be called from any thread. Futures of
 * {@link #awaitAsync()} are completed by the thread of the last arrival (or of {@code abort} or
 * {@code reset}), outside of any internal lock (see
 * <a href="../package-summary.html#callbacks">callbacks</a>).
 *
 * {@snippet :
 * Barrier start = new Barrier(3);
 * try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
 *     for (int i = 0; i < 3; i++) {
 *         executor.submit(() -> {
 *             prepare();
 *             int index = start.await();    // nobody runs before all three have prepared
 *             run(index);
 *             return null;
 *         });
 *     }
 * }
 * }
 *
 * @since 0.1
 */
public final class Barrier implements PartyBarrier {

    /*
     * Implementation notes
     *
     * Overview.
     * A list of the parties waiting in the current cycle, guarded by a private ReentrantLock.
     * Every change of a party's status happens under that lock, so the decisions "this arrival
     * trips the cycle", "this party leaves" and "abort/reset breaks the waiting parties" are
     * totally ordered. The cycle is implicit: a trip empties the list, and the next arrival
     * starts a new one (CyclicBarrier's generations, without a generation object, since a
     * released party is told its fate through its own status).
     *
     * Invariants (under lock).
     *  - count == length of the list < parties; every listed party is WAITING.
     *  - broken implies the list is empty.
     * Linearization points.
     *  - await: the critical section that lists the party, or trips (the last arrival), or throws
     *    because the barrier is broken.
     *  - leaving (interrupt, timeout, cancel): the critical section that moves WAITING ->
     *    CANCELLED.
     *  - abort / reset: their critical section.
     *
     * Memory ordering.
     *  - Party status (the engine's WaitNode status word): changed by CAS under lock; read by
     *    the waiting thread without it. Party.index and Party.brokenBy are plain, written before
     *    the grant (under lock) and read after the wait ends, so the grant publishes them.
     *  - The parking announcement: the engine's Dekker pair with the status (see WaitNode).
     *  - count, broken: volatile for the lock-free queries; written under lock.
     *
     * Blocking and cancellation. A thread party waits in dev.weft.core.internal.WaitEngine
     * (no spinning) until its status leaves WAITING; a party that gives up takes the lock and
     * leaves only if still WAITING (the engine's rule: the loser of a give-up owns the outcome,
     * so a party that loses to a trip passes, to an abort or reset fails, with an interrupt set
     * again). Threads are unparked and futures
     * completed after the lock is released. A future cancelled after the trip chose its party
     * but before the future was completed ends cancelled; its party was counted (it cannot be
     * un-counted without failing the others), which the cancel cannot undo.
     *
     * Progress. Blocking; the lock is held for O(parties) at a trip, O(1) otherwise.
     */

    /**
     * A waiting party: a thread waiting in the engine, or a future. Its status word is the
     * engine's: WAITING while listed in the current cycle; GRANTED when a trip released it
     * (index set, brokenBy null: "passed") or an abort or reset failed it (brokenBy set:
     * "broken"); CANCELLED when it gave up (interrupt, timeout, cancel) before either. Statuses
     * change only under the barrier's lock.
     */
    private static final class Party extends WaitNode<@Nullable Void> {
        final @Nullable CompletableFuture<Integer> arrival;     // null for a thread
        int index;                                              // before the grant (passed)
        @Nullable String brokenBy;                              // before the grant (broken)
        @Nullable Party prev;                                   // under lock
        @Nullable Party next;                                   // under lock; reused for wake chains

        /** A party for the current thread. */
        Party() {
            this.arrival = null;
        }

        /** A party that is the future {@code f}. */
        Party(CompletableFuture<Integer> f) {
            super(null);
            this.arrival = f;
        }
    }

    /** This barrier's side of the engine's wait: a party gives up by leaving the cycle. */
    private final WaitEngine.Site<Party> site = this::leave;

    private final int parties;
    private final ReentrantLock lock = new ReentrantLock();
    private @Nullable Party head;          // under lock
    private @Nullable Party tail;          // under lock
    private volatile int count;            // under lock
    private volatile boolean broken;       // under lock

    /**
     * Creates a barrier for {@code parties} parties.
     *
     * @param parties how many parties must arrive for the barrier to trip
     * @throws IllegalArgumentException if {@code parties < 1}
     */
    public Barrier(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be >= 1, was " + parties);
        }
        this.parties = parties;
    }

    /**
     * Arrives at the barrier and waits for the other parties: the counterpart of
     * {@code await barrier.wait()}.
     *
     * <h4>Blocking and cancellation</h4>
     * If this is the last party of the cycle, returns {@code parties() - 1} at once and releases
     * the others. Otherwise the thread blocks (releasing its carrier if virtual) until one of:
     * the last party arrives (returns this party's index); {@link #abort()} or {@link #reset()}
     * (throws {@link BrokenBarrierException}); an interrupt. Spurious wake-ups are absorbed. If
     * the interrupt status is set on entry, throws {@link InterruptedException} at once, clearing
     * it, without arriving. An interrupt while waiting makes the party leave (the barrier is not
     * broken) and throws {@code InterruptedException} with the status cleared, unless the cycle
     * tripped or broke first: then the method returns the index, or throws
     * {@code BrokenBarrierException}, with the interrupt status set again.
     *
     * @return the arrival index, from 0 (first) to {@code parties() - 1} (last)
     * @throws InterruptedException if interrupted before or while waiting (the party left)
     * @throws BrokenBarrierException if the barrier is broken on arrival, or is aborted or reset
     *     while this party waits
     */
    public int await() throws InterruptedException, BrokenBarrierException {
        try {
            return awaitCore(false, 0L);
        } catch (TimeoutException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * Arrives at the barrier and waits at most {@code timeout} for the other parties.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #await()}; in addition, when the timeout elapses (a minimum wait; see the
     * <a href="../package-summary.html#timeouts">timeout rules</a>) the party leaves, without
     * breaking the barrier, and {@link TimeoutException} is thrown. A zero or negative timeout
     * polls: the call succeeds only if this arrival trips the barrier, and otherwise leaves at
     * once. A timeout that races with the trip is decided atomically: if the trip came first,
     * the index is returned.
     *
     * @param timeout the longest time to wait
     * @return the arrival index, from 0 (first) to {@code parties() - 1} (last)
     * @throws InterruptedException if interrupted before or while waiting (the party left)
     * @throws BrokenBarrierException if the barrier is broken on arrival, or is aborted or reset
     *     while this party waits
     * @throws TimeoutException if the timeout elapsed before the barrier tripped (the party left)
     * @throws NullPointerException if {@code timeout} is null
     */
    public int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException {
        long nanos = Durations.toNanos(timeout);
        return awaitCore(true, nanos);
    }

    /**
     * As {@link #await(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest time to wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return the arrival index, from 0 (first) to {@code parties() - 1} (last)
     * @throws InterruptedException if interrupted before or while waiting (the party left)
     * @throws BrokenBarrierException if the barrier is broken on arrival, or is aborted or reset
     *     while this party waits
     * @throws TimeoutException if the timeout elapsed before the barrier tripped (the party left)
     * @throws NullPointerException if {@code unit} is null
     */
    public int await(long timeout, TimeUnit unit)
            throws InterruptedException, BrokenBarrierException, TimeoutException {
        return awaitCore(true, unit.toNanos(timeout));
    }

    private int awaitCore(boolean timed, long nanos)
            throws InterruptedException, BrokenBarrierException, TimeoutException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        final long deadline = timed ? System.nanoTime() + nanos : 0L;
        Party p = new Party();
        Party released = null;
        boolean tripped = false;
        final ReentrantLock l = lock;
        l.lock();
        try {
            if (broken) {
                throw new BrokenBarrierException("Barrier aborted");
            }
            if (count + 1 < parties) {
                if (timed && nanos <= 0L) {
                    throw new TimeoutException("Barrier did not trip: " + (count + 1) + " of " + parties
                            + " parties would have been waiting, and the timeout was " + nanos + " ns");
                }
                listLocked(p);
            } else {
                released = tripLocked();
                tripped = true;
            }
        } finally {
            l.unlock();
        }
        if (tripped) {
            wake(released);
            return parties - 1;
        }

        // A party that gives up after the cycle tripped or broke loses: the engine then reports
        // success (re-asserting an interrupt), and the party's fate decides the outcome.
        if (!WaitEngine.await("Barrier", "await", this, site, p, timed ? WaitEngine.TIMED : WaitEngine.INTERRUPTIBLE, deadline)) {
            throw new TimeoutException("Barrier did not trip within " + nanos + " ns (overshoot "
                    + (System.nanoTime() - deadline) + " ns): " + this);
        }
        String by = p.brokenBy;
        if (by != null) {
            throw new BrokenBarrierException("Barrier " + by + " while waiting");
        }
        return p.index;
    }

    /**
     * Arrives at the barrier without blocking a thread; the returned future completes with this
     * party's arrival index when the barrier trips.
     *
     * <p>If this arrival trips the barrier, the future is already complete with
     * {@code parties() - 1}. If the barrier is broken, the future is already complete,
     * exceptionally with {@link BrokenBarrierException}; it completes that way too if the barrier
     * is aborted or reset while this party waits.
     *
     * <h4>Cancellation</h4>
     * Cancelling the future, or completing it in any other way, makes the party leave without
     * breaking the barrier, as long as the barrier has not tripped. If the trip chose this party
     * at the same moment, the other parties pass as normal and the cancel may still succeed: the
     * party was counted, and its future reports cancellation.
     *
     * @return a future of the arrival index, from 0 (first) to {@code parties() - 1} (last)
     */
    public CompletableFuture<Integer> awaitAsync() {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        Party p = new Party(f);
        Party released = null;
        boolean tripped = false;
        boolean wasBroken = false;
        final ReentrantLock l = lock;
        l.lock();
        try {
            if (broken) {
                wasBroken = true;
            } else if (count + 1 < parties) {
                listLocked(p);
            } else {
                released = tripLocked();
                tripped = true;
            }
        } finally {
            l.unlock();
        }
        if (wasBroken) {
            f.completeExceptionally(new BrokenBarrierException("Barrier aborted"));
            return f;
        }
        if (!tripped) {
            // Registered after listing: if the trip or a break completed f already, leave() sees a
            // terminal status and does nothing.
            f.whenComplete((index, failure) -> leave(p));
            return f;
        }
        wake(released);
        f.complete(parties - 1);
        return f;
    }

    /**
     * Breaks the barrier: every waiting party fails with {@link BrokenBarrierException}, and so
     * does every later arrival until {@link #reset()}. The counterpart of
     * {@code await barrier.abort()}. Idempotent.
     */
    public void abort() {
        Party chain;
        final ReentrantLock l = lock;
        l.lock();
        try {
            broken = true;
            chain = breakLocked("aborted");
        } finally {
            l.unlock();
        }
        wake(chain);
    }

    /**
     * Returns the barrier to its initial state: every waiting party fails with
     * {@link BrokenBarrierException}, the barrier is no longer broken, and the next arrival
     * starts a new cycle. The counterpart of {@code await barrier.reset()}.
     */
    public void reset() {
        Party chain;
        final ReentrantLock l = lock;
        l.lock();
        try {
            broken = false;
            chain = breakLocked("reset");
        } finally {
            l.unlock();
        }
        wake(chain);
    }

    /**
     * The number of parties needed to trip the barrier.
     *
     * @return the parties given at construction
     */
    public int parties() {
        return parties;
    }

    /**
     * The number of parties waiting in the current cycle: the counterpart of
     * {@code barrier.n_waiting}.
     *
     * @return the number of waiting parties; a snapshot
     */
    public int waiterCount() {
        return count;
    }

    /**
     * Whether any party waits in the current cycle.
     *
     * @return {@code waiterCount() > 0}; a snapshot
     */
    public boolean hasWaiters() {
        return count > 0;
    }

    /**
     * Whether the barrier is broken (aborted and not reset since): the counterpart of
     * {@code barrier.broken}.
     *
     * @return {@code true} if broken; a snapshot
     */
    public boolean isBroken() {
        return broken;
    }

    /**
     * Describes the state, for diagnostics: {@code Barrier[parties=3, waiting=1]} or
     * {@code Barrier[parties=3, broken]}.
     *
     * @return a description of the current state
     */
    @Override
    public String toString() {
        return "Barrier[parties=" + parties + (broken ? ", broken" : ", waiting=" + count) + "]";
    }

    // ---------------------------------------------------------------------------------------
    // Internals

    private void listLocked(Party p) {
        // assert lock.isHeldByCurrentThread() && !broken && count + 1 < parties;
        Party t = tail;
        p.prev = t;
        if (t == null) {
            head = p;
        } else {
            t.next = p;
        }
        tail = p;
        count = count + 1;
    }

    /**
     * Releases every listed party with its arrival index and starts the next cycle.
     *
     * @return the released parties, chained through {@code next}
     */
    private @Nullable Party tripLocked() {
        // assert lock.isHeldByCurrentThread() && count + 1 == parties;
        Party first = head;
        int i = 0;
        for (Party p = first; p != null; p = p.next) {
            p.index = i++;
            p.grant();
            p.prev = null;
        }
        head = null;
        tail = null;
        count = 0;
        return first;
    }

    /**
     * Fails every listed party.
     *
     * @return the failed parties, chained through {@code next}
     */
    private @Nullable Party breakLocked(String by) {
        // assert lock.isHeldByCurrentThread();
        Party first = head;
        for (Party p = first; p != null; p = p.next) {
            p.brokenBy = by;
            p.grant();
            p.prev = null;
        }
        head = null;
        tail = null;
        count = 0;
        return first;
    }

    /**
     * Makes a waiting party leave the cycle.
     *
     * @return true if it left, false if the cycle had tripped or broken first
     */
    private boolean leave(Party p) {
        if (!p.isWaiting()) {
            return false;
        }
        final ReentrantLock l = lock;
        l.lock();
        try {
            if (!p.cancel()) {
                return false;
            }
            Party pr = p.prev;
            Party n = p.next;
            if (pr == null) {
                head = n;
            } else {
                pr.next = n;
            }
            if (n == null) {
                tail = pr;
            } else {
                n.prev = pr;
            }
            p.prev = null;
            p.next = null;
            count = count - 1;
            return true;
        } finally {
            l.unlock();
        }
    }

    /** Tells each party of a chain its fate, outside the lock. */
    private void wake(@Nullable Party p) {
        while (p != null) {
            Party next = p.next;
            p.next = null;
            if (p.thread != null) {
                p.signal();
            } else {
                CompletableFuture<Integer> f = p.arrival;
                // assert f != null;
                if (f != null) {
                    if (p.brokenBy == null) {
                        f.complete(p.index);
                    } else {
                        f.completeExceptionally(new BrokenBarrierException("Barrier " + p.brokenBy + " while waiting"));
                    }
                }
            }
            p = next;
        }
    }
}
