package dev.weft.core.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The engine behind {@link Lock}, {@link Semaphore}, {@link BoundedSemaphore} and
 * {@link ReadWriteLock}: a pool of permits with a strictly FIFO queue of weighted waiters, served
 * by hand-off, with blocking (interruptible, uninterruptible, timed), immediate and
 * {@code CompletableFuture} acquires.
 *
 * <p>Not API. Callers validate their arguments; this class only asserts them.
 */
final class FifoPermits {

    /*
     * Implementation notes
     *
     * Overview.
     * A permit count and a FIFO of waiters, in the manner of a fair semaphore with direct
     * hand-off (the design of asyncio's Semaphore after CPython gh-90155, of tokio's
     * batch_semaphore, and of a fair AQS semaphore), extended so that a waiter may be a parked
     * thread or a CompletableFuture. Every acquire asks for a weight k >= 0; a release of k
     * permits first serves the waiters at the head of the queue, in order, for as long as the
     * available permits cover the head's weight, and only what is left over becomes available to
     * newcomers. A waiter is granted its permits while it is still queued ("hand-off"), so a
     * thread that releases and at once acquires again queues behind the existing waiters: there
     * is no barging. A waiter never receives part of its weight: permits accumulate in the count
     * until the head's whole weight is covered (and, FIFO being strict, the waiters behind a heavy
     * head wait too).
     *
     * Deviations from asyncio: asyncio marks a waiter's future done at release time and lets the
     * woken task take the permit when it resumes; we transfer the permit at release time, which
     * is the same as asyncio's Semaphore (it decrements _value when it wakes a waiter) and
     * stronger than asyncio's Lock (which keeps the woken waiter's future queued to block barging:
     * same observable order). Cancellation of a granted waiter gives its permits back (asyncio:
     * "_value += 1" in the CancelledError handler), but here the give-back goes straight to the
     * next waiters.
     *
     * Diagram.
     *
     *   state = (available << 1) | QUEUED
     *
     *   QUEUED clear:  state changes by CAS from any thread (fast paths);
     *                  the queue is empty.
     *   QUEUED set:    state changes only under queueLock (slow paths);
     *                  the queue is non-empty.
     *
     *   head -> [k=1 T] <-> [k=3 F] <-> [k=1 T] <- tail     (T: parked thread, F: future)
     *
     * Invariants (under queueLock).
     *  - QUEUED is set if and only if the queue is non-empty.
     *  - Every queued waiter has status WAITING; a waiter leaves the queue in the same critical
     *    section that moves it to GRANTED or CANCELLED.
     *  - If the queue is non-empty, available < head.weight (else the head would have been served).
     *  - available = (permits created) - (permits held, including those granted but not yet
     *    reported to the waiter).
     * Non-invariants.
     *  - Outside queueLock, a fast path may read a state whose QUEUED bit is about to be set;
     *    its CAS then fails (the bit changes the value), so no fast path ever succeeds against a
     *    non-empty queue.
     *  - A granted future waiter may still be incomplete (completion happens outside the lock).
     *
     * Linearization points.
     *  - tryAcquire / fast acquire: the successful CAS of state.
     *  - slow acquire: the CAS under queueLock that takes the permits or sets QUEUED, then (if
     *    queued) the write of status = GRANTED by a releaser, or of CANCELLED by the waiter.
     *  - release: the successful CAS (QUEUED clear), or the write of state under queueLock.
     *
     * Memory ordering.
     *  - state: volatile reads, volatile writes under queueLock while QUEUED is set (no other
     *    thread can change it then), volatile CAS otherwise. A successful release CAS or write
     *    happens-before the acquire CAS that sees its value.
     *  - Waiter.status: volatile. Written only under queueLock; read by the waiting thread without
     *    the lock. GRANTED is written after the permits were taken from state, so a waiter that
     *    reads GRANTED sees everything the releaser did before its release.
     *  - Waiter.parked: volatile. With status it forms a Dekker pair: the waiter writes parked
     *    then reads status; the releaser writes status then reads parked. Sequential consistency
     *    of volatiles guarantees that at least one of them sees the other's write, so the
     *    releaser skips unpark only when the waiter is certain to see GRANTED before parking.
     *  - head, tail, prev, next, waiterCount: written under queueLock; waiterCount is volatile
     *    so that queueLength() can read an estimate without the lock.
     *  - Waiter.spin: plain; written by the waiting thread when it queues (under queueLock), read
     *    by it and, racily, by wakeAhead (a heuristic).
     *  - lastGrantNanos, grantIntervalNanos: plain, written under queueLock; wake reads the
     *    interval racily (a stale value only changes whether waiters are woken early).
     *
     * Blocking and cancellation.
     *  A blocked thread parks until its status leaves WAITING. A platform thread among the first
     *  NCPU - 1 waiters (a virtual thread: only the head, since spinning holds its carrier) first
     *  spins for up to SPIN_FOR_GRANT_NANOS: under contention a hand-off to a spinning waiter costs
     *  a few cache-line transfers, to a parked one a wake-up of several microseconds, and waiters
     *  further back cannot all be running anyway. While grants come less than
     *  WAKE_AHEAD_MAX_INTERVAL_NANOS apart, a releaser also unparks the parked spin-eligible
     *  waiters behind the new head, so that a queue of short holds does not settle into a convoy
     *  in which every hand-off waits for a wake-up. To give up (interrupt, timeout, or completion of
     *  a future waiter by anyone but the releaser) a waiter takes queueLock and, if its status is
     *  still WAITING, marks it CANCELLED and unlinks it, then serves the new head if the permits
     *  now cover it. If the status is already GRANTED, the give-up loses: a thread keeps the
     *  permits (interrupts are re-asserted, timeouts report success); for a future waiter the
     *  releaser's complete(null) fails and the releaser gives the permits back, which serves the
     *  next waiter. Exactly one party owns a granted permit. Futures are completed and threads
     *  unparked after queueLock is released.
     *
     * Progress.
     *  Fast paths are lock-free (a CAS loop). Slow paths take queueLock, a ReentrantLock held
     *  for a bounded number of pointer operations and never while running user code, completing a
     *  future or parking for a permit. A ReentrantLock rather than a spin bit in state, because a
     *  thread preempted inside the critical section must not make others spin (2-core machines,
     *  virtual threads).
     *
     * Revision notes.
     *  First version.
     */

    /** Low bit of {@link #state}: the queue is non-empty. */
    private static final long QUEUED = 1L;

    /** Number of CPUs; spinning only helps waiters that can run at the same time as the holder. */
    private static final int NCPU = Runtime.getRuntime().availableProcessors();

    /**
     * How long a queued platform thread spins, watching for its grant, before it parks. A
     * hand-off to a spinning waiter takes a few hundred nanoseconds; to a parked one, the
     * unpark plus the scheduler's wake-up latency, several to tens of microseconds. 10 us covers
     * a queue of a few dozen short hand-offs and is about one park/unpark round trip, so a waiter
     * that spins in vain wastes at most about what parking at once would have cost.
     */
    private static final long SPIN_FOR_GRANT_NANOS = 10_000L;

    /**
     * Grants closer together than this make a release wake the spin-eligible waiters behind the
     * new head ({@link #wakeAhead()}). A convoy of parked waiters hands over every 10 to 50 us
     * (one wake-up each); holds longer than 100 us gain nothing from waiters spinning early.
     */
    private static final long WAKE_AHEAD_MAX_INTERVAL_NANOS = 100_000L;

    // Waiter status values.
    /** Queued, neither granted nor given up. Must be the initial value. */
    static final int WAITING = 0;
    /** Permits handed over by a releaser. Terminal. */
    static final int GRANTED = 1;
    /** Given up by the waiter (interrupt, timeout, future completed by someone else). Terminal. */
    static final int CANCELLED = 2;

    // Modes of the blocking acquire.
    private static final int INTERRUPTIBLE = 0;
    private static final int UNINTERRUPTIBLE = 1;
    private static final int TIMED = 2;

    /** A queued request for {@code weight} permits: a parked thread or a future. */
    static final class Waiter {
        final long weight;
        final @Nullable Thread thread;                   // null for a future waiter
        final @Nullable CompletableFuture<@Nullable Void> future; // null for a thread waiter
        volatile int status;                             // WAITING -> GRANTED | CANCELLED, under queueLock
        volatile boolean parked;                         // written by the waiting thread only
        boolean spin;                                    // set by the waiting thread when it queues
        @Nullable Waiter prev;                           // under queueLock
        @Nullable Waiter next;                           // under queueLock; reused for the granted chain

        Waiter(long weight, @Nullable Thread thread, @Nullable CompletableFuture<@Nullable Void> future) {
            this.weight = weight;
            this.thread = thread;
            this.future = future;
        }
    }

    /** {@code (available << 1) | QUEUED}; see the implementation notes. */
    private volatile long state;

    private final ReentrantLock queueLock = new ReentrantLock();
    private @Nullable Waiter head;        // under queueLock
    private @Nullable Waiter tail;        // under queueLock
    private volatile int waiterCount;     // written under queueLock; read as an estimate
    private long lastGrantNanos;          // under queueLock: when serveLocked last granted with waiters left
    private long grantIntervalNanos = Long.MAX_VALUE; // under queueLock; read racily by wake (heuristic)

    FifoPermits(long initialPermits) {
        // assert initialPermits >= 0;
        this.state = initialPermits << 1;
    }

    // ---------------------------------------------------------------------------------------
    // Queries

    /** The permits available now (those that cover no head waiter's weight yet included). */
    long available() {
        return getState() >>> 1;
    }

    /** Whether any request is queued. */
    boolean hasWaiters() {
        return (getState() & QUEUED) != 0;
    }

    /** The number of queued requests (an estimate while the queue changes). */
    int queueLength() {
        return waiterCount;
    }

    // ---------------------------------------------------------------------------------------
    // Acquire

    /**
     * Takes {@code k} permits if they are available now and nobody is queued.
     */
    boolean tryAcquire(long k) {
        long s;
        while (((s = getState()) & QUEUED) == 0 && (s >>> 1) >= k) {
            if (casState(s, s - (k << 1))) {
                return true;
            }
        }
        return false;
    }

    /** Takes {@code k} permits, waiting in FIFO order; interruptible. */
    void acquire(long k) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!tryAcquire(k)) {
            acquireQueued(k, INTERRUPTIBLE, 0L);
        }
    }

    /** Takes {@code k} permits, waiting in FIFO order; interrupts are deferred. */
    void acquireUninterruptibly(long k) {
        if (!tryAcquire(k)) {
            try {
                acquireQueued(k, UNINTERRUPTIBLE, 0L);
            } catch (InterruptedException impossible) {
                throw new AssertionError(impossible);
            }
        }
    }

    /**
     * Takes {@code k} permits, waiting at most {@code nanos}; {@code nanos <= 0} polls once.
     *
     * @return whether the permits were taken
     */
    boolean tryAcquireNanos(long k, long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (tryAcquire(k)) {
            return true;
        }
        if (nanos <= 0L) {
            return false;
        }
        return acquireQueued(k, TIMED, System.nanoTime() + nanos);
    }

    /**
     * Requests {@code k} permits; the future completes with {@code null} once they are granted.
     * Completing the future in any other way (cancel, timeout, explicit completion) withdraws the
     * request; a grant that races with such a completion is passed to the next waiters.
     */
    CompletableFuture<@Nullable Void> acquireAsync(long k) {
        CompletableFuture<@Nullable Void> f = new CompletableFuture<>();
        if (tryAcquire(k)) {
            f.complete(null);
            return f;
        }
        Waiter w = enqueueOrTake(new Waiter(k, null, f));
        if (w == null) {
            f.complete(null);
            return f;
        }
        // Registered after the waiter is visible to releasers: if a grant completed f already,
        // the action runs here at once and sees GRANTED.
        f.whenComplete((ignored, failure) -> giveUp(w));
        return f;
    }

    /**
     * Queues {@code w} behind the existing waiters, or takes its permits at once if the queue is
     * empty and they are available.
     *
     * @return {@code w} if it was queued, {@code null} if the permits were taken
     */
    private @Nullable Waiter enqueueOrTake(Waiter w) {
        final long k = w.weight;
        final ReentrantLock lock = queueLock;
        lock.lock();
        try {
            for (;;) {
                long s = getState();
                if ((s & QUEUED) == 0) {
                    if ((s >>> 1) >= k) {
                        if (casState(s, s - (k << 1))) {
                            return null;
                        }
                        continue;
                    }
                    if (!casState(s, s | QUEUED)) {
                        continue;
                    }
                }
                // QUEUED is set and we hold the lock: the queue is ours to change.
                Waiter t = tail;
                w.prev = t;
                if (t == null) {
                    head = w;
                } else {
                    t.next = w;
                }
                tail = w;
                int position = waiterCount + 1;
                waiterCount = position;
                Thread thread = w.thread;
                if (thread != null) {
                    // Spin only where it can pay: while the waiters ahead of us and the holder can
                    // all be running, and, for a virtual thread (which would hold its carrier),
                    // only at the head.
                    w.spin = NCPU > 1 && (thread.isVirtual() ? position == 1 : position < NCPU);
                }
                return w;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The blocking slow path: queue, then wait for the grant.
     *
     * @return true if granted, false if timed out (TIMED only)
     * @throws InterruptedException if interrupted while waiting and not granted (INTERRUPTIBLE,
     *     TIMED); the request is then withdrawn
     */
    private boolean acquireQueued(long k, int mode, long deadline) throws InterruptedException {
        Waiter w = enqueueOrTake(new Waiter(k, Thread.currentThread(), null));
        if (w == null) {
            return true;
        }
        if (w.spin) {
            spinForGrant(w, mode == TIMED, deadline);
        }
        boolean deferredInterrupt = false;
        for (;;) {
            if (w.status == GRANTED) {
                if (deferredInterrupt) {
                    Thread.currentThread().interrupt();
                }
                return true;
            }
            long remaining = 0L;
            if (mode == TIMED) {
                remaining = deadline - System.nanoTime();
                if (remaining <= 0L) {
                    if (giveUp(w)) {
                        return false;
                    }
                    continue; // granted meanwhile: the next iteration returns true
                }
            }
            w.parked = true;
            if (w.status == WAITING) {
                if (mode == TIMED) {
                    LockSupport.parkNanos(this, remaining);
                } else {
                    LockSupport.park(this);
                }
            }
            w.parked = false;
            if (Thread.interrupted()) {
                if (mode == UNINTERRUPTIBLE) {
                    deferredInterrupt = true;
                } else if (giveUp(w)) {
                    throw new InterruptedException();
                } else {
                    // Granted before the interrupt could withdraw the request: keep the permits
                    // and leave the interrupt for the caller to see.
                    Thread.currentThread().interrupt();
                    return true;
                }
            } else if (w.spin) {
                // Woken ahead of our turn (see wakeAhead) or spuriously: watch for the grant
                // again before parking.
                spinForGrant(w, mode == TIMED, deadline);
            }
        }
    }

    /**
     * Watches {@code w}'s status for up to {@link #SPIN_FOR_GRANT_NANOS} (and, if {@code timed},
     * not past {@code deadline}); returns early on a grant or an interrupt, which the caller then
     * handles.
     */
    private static void spinForGrant(Waiter w, boolean timed, long deadline) {
        final long start = System.nanoTime();
        final Thread self = Thread.currentThread();
        int i = 0;
        while (w.status == WAITING) {
            Thread.onSpinWait();
            if ((++i & 63) == 0) {   // every 64 spins: a few microseconds at most
                long now = System.nanoTime();
                if (now - start >= SPIN_FOR_GRANT_NANOS
                        || (timed && now - deadline >= 0L)
                        || self.isInterrupted()) {
                    return;
                }
            }
        }
    }

    /**
     * Withdraws a queued request if it is still waiting.
     *
     * @return true if withdrawn (the waiter owns nothing), false if it had been granted
     */
    private boolean giveUp(Waiter w) {
        if (w.status != WAITING) {  // terminal states never change back
            return false;
        }
        Waiter granted;
        final ReentrantLock lock = queueLock;
        lock.lock();
        try {
            if (w.status != WAITING) {
                return false;
            }
            w.status = CANCELLED;
            boolean wasHead = head == w;
            unlinkLocked(w);
            // A new head may be served by permits that the old head was waiting to accumulate;
            // an emptied queue must publish its permits to the fast paths.
            granted = wasHead ? serveLocked(0L) : null;
        } finally {
            lock.unlock();
        }
        wake(granted);
        return true;
    }

    private void unlinkLocked(Waiter w) {
        // assert queueLock.isHeldByCurrentThread();
        Waiter p = w.prev;
        Waiter n = w.next;
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
        waiterCount = waiterCount - 1;
    }

    // ---------------------------------------------------------------------------------------
    // Release

    /** Returned by {@link #releaseCollect} when the release check fails. */
    private static final Waiter REJECTED = new Waiter(0L, null, null);

    /**
     * Adds {@code k} permits, serving queued waiters first, if the available count before the
     * release is at least {@code minBefore} and the count after it at most {@code maxAfter}.
     *
     * @return false, changing nothing, if the check fails
     */
    boolean release(long k, long minBefore, long maxAfter) {
        Waiter granted = releaseCollect(k, minBefore, maxAfter);
        if (granted == REJECTED) {
            return false;
        }
        wake(granted);
        return true;
    }

    /**
     * Does the work of {@link #release} except waking the waiters it grants.
     *
     * @return {@link #REJECTED} if the check fails, else the granted waiters chained through
     *     {@code next} (null if none)
     */
    private @Nullable Waiter releaseCollect(long k, long minBefore, long maxAfter) {
        for (;;) {
            long s = getState();
            if ((s & QUEUED) != 0) {
                break;
            }
            long avail = s >>> 1;
            if (avail < minBefore || avail + k > maxAfter) {
                return REJECTED;
            }
            if (casState(s, s + (k << 1))) {
                return null;
            }
        }
        final ReentrantLock lock = queueLock;
        lock.lock();
        try {
            for (;;) {
                long s = getState();
                long avail = s >>> 1;
                if (avail < minBefore || avail + k > maxAfter) {
                    return REJECTED;
                }
                if ((s & QUEUED) != 0) {
                    return serveLocked(k);
                }
                // The queue emptied before we got the lock; fast paths may run concurrently.
                if (casState(s, s + (k << 1))) {
                    return null;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds {@code extra} permits and grants them to the head of the queue while they cover the
     * head's weight; publishes the rest, clearing QUEUED if the queue empties.
     *
     * @return the granted waiters, chained through {@code next}, to be woken after unlocking
     */
    private @Nullable Waiter serveLocked(long extra) {
        // assert queueLock.isHeldByCurrentThread() && (getState() & QUEUED) != 0;
        long avail = (getState() >>> 1) + extra;
        Waiter first = null;
        Waiter last = null;
        Waiter h = head;
        while (h != null && h.weight <= avail) {
            avail -= h.weight;
            Waiter n = h.next;
            h.status = GRANTED;
            h.prev = null;
            h.next = null;
            if (last == null) {
                first = h;
            } else {
                last.next = h;
            }
            last = h;
            waiterCount = waiterCount - 1;
            h = n;
        }
        head = h;
        if (h == null) {
            tail = null;
            setState(avail << 1);
        } else {
            h.prev = null;
            setState((avail << 1) | QUEUED);
        }
        if (first != null && h != null) {
            long now = System.nanoTime();
            grantIntervalNanos = now - lastGrantNanos;
            lastGrantNanos = now;
        }
        return first;
    }

    /**
     * Tells each granted waiter of a chain, outside queueLock. A future that was completed by
     * someone else after its grant (cancelled, timed out) owns nothing: its permits are released
     * again, which serves the next waiters; the loop wakes those too, without recursion.
     */
    private void wake(@Nullable Waiter chain) {
        while (chain != null) {
            long giveBack = 0L;
            Waiter w = chain;
            while (w != null) {
                Waiter next = w.next;
                w.next = null;
                Thread t = w.thread;
                if (t != null) {
                    if (w.parked) {
                        LockSupport.unpark(t);
                    }
                } else {
                    CompletableFuture<@Nullable Void> f = w.future;
                    // assert f != null;
                    if (f != null && !f.complete(null)) {
                        giveBack += w.weight;
                    }
                }
                w = next;
            }
            // These permits were taken from the pool by the grant, so giving them back cannot
            // break any bound: the check is disabled.
            chain = giveBack == 0L ? null : releaseCollect(giveBack, 0L, Long.MAX_VALUE);
        }
        if (grantIntervalNanos < WAKE_AHEAD_MAX_INTERVAL_NANOS) {
            wakeAhead();
        }
    }

    /**
     * While the permits change hands quickly, unparks the spin-eligible waiters near the head of
     * the queue, so that each is spinning, not parked, when its grant comes.
     *
     * <p>Without this, one parked waiter turns a queue of short holds into a convoy: its wake-up
     * takes longer than the spin budget of everyone behind it, so they park too, and from then on
     * every hand-off waits for a wake-up. Waking the next few waiters at each grant breaks the
     * convoy within one pass over the queue. The grant interval test keeps locks held for long
     * from waking waiters only to have them spin and park again.
     */
    private void wakeAhead() {
        // NOTE: racy traversal of queue links guarded by queueLock. Links may be cut or stale; the
        // walk then stops early or unparks a thread that no longer waits here, which park's
        // contract allows (every park loop re-checks its condition). It never changes state.
        Waiter w = head;
        for (int i = 1; w != null && i < NCPU; i++) {
            Thread t = w.thread;
            if (t != null && w.spin && w.parked && w.status == WAITING) {
                LockSupport.unpark(t);
            }
            w = w.next;
        }
    }

    @Override
    public String toString() {
        long s = getState();
        return "permits=" + (s >>> 1) + ", waiters=" + waiterCount;
    }

    // ---------------------------------------------------------------------------------------
    // VarHandle mechanics

    private long getState() {
        return state;
    }

    private void setState(long v) {
        state = v;
    }

    private boolean casState(long expect, long update) {
        return STATE.compareAndSet(this, expect, update);
    }

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(FifoPermits.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        // Load LockSupport now rather than inside the first park (JDK-8074773).
        Class<?> ensureLoaded = LockSupport.class;
    }
}
