package dev.weft.core.sync;

import dev.weft.core.internal.RequestNode;
import dev.weft.core.internal.WaitEngine;
import dev.weft.core.internal.WaitNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The engine behind {@link Lock}, {@link Semaphore}, {@link BoundedSemaphore} and
 * {@link ReadWriteLock}: a pool of permits with a FIFO queue of weighted waiters, with blocking
 * (interruptible, uninterruptible, timed), immediate and {@code CompletableFuture} acquires, in
 * one of two modes: bounded barging (the default) or strict FIFO ({@code fair}).
 *
 * <p>Not API. Callers validate their arguments; this class only asserts them.
 */
final class FifoPermits implements WaitEngine.Site<FifoPermits.Waiter> {

    /*
     * Implementation notes
     *
     * Overview.
     * A permit count and a FIFO of waiters, extended so that a waiter may be a parked thread or a
     * CompletableFuture. Every acquire asks for a weight k >= 0. The pool runs in one of two
     * regimes, chosen by the HANDOFF bit of state:
     *
     *  - Hand-off (HANDOFF set): a strict FIFO with direct hand-off, in the manner of a fair
     *    semaphore (asyncio's Semaphore after CPython gh-90155, tokio's batch_semaphore, a fair
     *    AQS semaphore). A release first serves the waiters at the head of the queue, in order,
     *    for as long as the available permits cover the head's weight; only what is left over
     *    becomes available. A waiter is granted its permits while it is still queued, so a thread
     *    that releases and at once acquires again queues behind the existing waiters. A waiter
     *    never receives part of its weight.
     *  - Barging (HANDOFF clear, queue non-empty): a release only adds permits to the count and
     *    makes sure the head of the queue will look at them; any running acquirer may take free
     *    permits ahead of the queue (the throughput of an unfair lock: the lock is never idle
     *    while a woken waiter is being scheduled). Among the queued waiters the order stays FIFO:
     *    only the head claims permits, a future head is granted by whoever releases, a thread
     *    head claims them itself once woken.
     *
     * A fair pool sets HANDOFF whenever its queue is non-empty, so it is always in hand-off.
     * A barging pool (the default) enters hand-off when its head waiter has waited longer than
     * STARVATION_NANOS (checked by the head itself when a claim fails, and by every release
     * that has to wake it), and leaves it when the queue drains or when a hand-off goes to a
     * waiter that has waited less than STARVATION_NANOS (the queue then no longer holds anyone
     * who has waited long). This is the normal/starvation scheme of Go's sync.Mutex: no waiter
     * waits much longer than the bound plus the time to serve, in order, those queued ahead of
     * it, while an uncongested queue keeps the throughput of barging.
     *
     * Deviations from asyncio: asyncio marks a waiter's future done at release time and lets the
     * woken task take the permit when it resumes; in hand-off we transfer the permit at release
     * time, which is the same as asyncio's Semaphore (it decrements _value when it wakes a
     * waiter) and stronger than asyncio's Lock (same observable order). Cancellation of a granted
     * waiter gives its permits back (asyncio: "_value += 1" in the CancelledError handler), but
     * here the give-back is a release like any other.
     *
     * Diagram.
     *
     *   state = (available << 2) | HANDOFF | WAITERS
     *
     *   WAITERS clear:            the queue is empty; state changes by CAS from any thread.
     *   WAITERS set, HANDOFF clear: barging; the queue is non-empty; state changes by CAS from
     *                             any thread, the bits only under queueLock.
     *   WAITERS and HANDOFF set:  hand-off; state changes only under queueLock.
     *   (HANDOFF without WAITERS never occurs.)
     *
     *   head -> [k=1 T] <-> [k=3 F] <-> [k=1 T] <- tail     (T: parked thread, F: future)
     *
     * Invariants (under queueLock).
     *  - WAITERS is set if and only if the queue is non-empty; a fair pool has HANDOFF = WAITERS.
     *  - Every queued waiter has status WAITING; a waiter leaves the queue in the same critical
     *    section that moves it to GRANTED or CANCELLED, and only the head is ever GRANTED.
     *  - In hand-off, available < head.weight (else the head would have been served).
     *  - available = (permits created) - (permits held, including those granted but not yet
     *    reported to the waiter).
     * Non-invariants.
     *  - Outside queueLock, a fast path may read a state whose HANDOFF bit is about to be set;
     *    its CAS then fails (the bit changes the value), so no fast path ever succeeds in
     *    hand-off.
     *  - In barging, available may cover the head's weight for a moment: a release has just
     *    added permits and the head (or the releaser, for a future head) is about to claim them,
     *    or a barger is about to take them.
     *  - A granted future waiter may still be incomplete (completion happens outside the lock).
     *
     * No lost wake-up (barging). Whenever permits are added while the queue is non-empty, the
     * head is made to look at them: the releaser's CAS on state is followed by its read of head
     * and head.parked; the head thread writes parked, then reads state and head before parking
     * (a Dekker pair over volatiles, so at least one side sees the other). A releaser that saw
     * WAITERS but finds no head takes queueLock, since an enqueue may be in progress (it
     * publishes head last). The releaser skips the wake-up only if the head is a thread that is
     * not parked (running, spinning, or already woken by an earlier release, which cleared its
     * parked flag when it unparked it); such a head re-reads state before it parks. A parked
     * head thread that the permits now cover and that has waited less than STARVATION_NANOS is
     * unparked without queueLock (the releaser clears its parked flag first, so later releases
     * do not wake it again); the head then claims under queueLock, and checks the starvation
     * bound itself if a barger took the permits first. The head read may be stale: if the head
     * changed after the releaser's CAS, the thread that changed it reads state after writing the
     * new head (under queueLock), sees the added permits and wakes or grants the new head. A
     * future head cannot look by itself, and a head the permits do not cover or that has waited
     * too long may need a hand-off, so those releases take queueLock (signal()). Whoever changes
     * the head (a claim, a give-up) then does the same for the new head if the permits cover it.
     * Permits taken by a barger come back with its release, which repeats all this.
     *
     * Linearization points.
     *  - tryAcquire / fast acquire / barging claim: the successful CAS of state.
     *  - hand-off acquire: the write of status = GRANTED by a releaser, or of CANCELLED by the
     *    waiter.
     *  - release: the successful CAS, or the write of state under queueLock (hand-off).
     *
     * Memory ordering.
     *  - state: volatile reads, volatile writes under queueLock in hand-off (no other thread can
     *    change it then), volatile CAS otherwise. A release CAS or write happens-before the
     *    acquire CAS that sees its value.
     *  - Waiter.status (WaitNode's status word): volatile, changed (by CAS) only under queueLock. GRANTED is written after the
     *    permits were taken from state, so a waiter that reads GRANTED sees everything the
     *    releaser did before its release.
     *  - Waiter.parked: volatile. Written true by the waiting thread before it parks; false by
     *    the waiting thread after it parks, or by a releaser that unparks it. With status
     *    (hand-off) or with state and head (barging) it forms the Dekker pairs above.
     *  - head: volatile (read without the lock by releasers and by waiters deciding whether to
     *    park); tail, prev, next: under queueLock; waiterCount is volatile so that queueLength()
     *    can read an estimate without the lock.
     *  - Waiter.spin, Waiter.since: plain; written before the waiter is published under
     *    queueLock.
     *  - lastGrantNanos, grantIntervalNanos: plain, written under queueLock; wake reads the
     *    interval racily (a stale value only changes whether waiters are woken early).
     *
     * Blocking and cancellation.
     *  A platform thread that finds no permit queues at once; a virtual thread in a barging pool
     *  first yields its carrier VIRTUAL_YIELDS times, retrying the fast path after each (the
     *  carrier runs other virtual threads meanwhile, often the holder, which then releases; a
     *  yield costs less than the park and the releaser's unpark it saves). docs/locks.md has the
     *  measurements: each of the first two yields raised the 8 and 64 virtual-thread lock loops
     *  by 15 to 25 percent, the second at the price of longest waits about one and a half times
     *  as long (still within the range of the JDK's unfair lock); three yields doubled them but
     *  let queued waiters wait several times longer.
     *  A blocked thread parks until its status
     *  leaves WAITING or, in barging, until it is the head and the permits cover it. In a fair
     *  pool, a platform thread among the first NCPU - 1 waiters and a virtual thread at the head
     *  first spin for up to WaitEngine.SPIN_NANOS (a hand-off goes to the head, so a spinning
     *  head takes it without a wake-up). Nobody spins in barging, before queueing or at the
     *  head: the holder usually takes the permits back before a spinner sees them, so the spin
     *  only keeps pulling the state word's cache line away from the holder (and, on a virtual
     *  thread, holds a carrier that could run another one); PlainBench's lock loops on 2 CPUs
     *  run faster without it on platform and virtual threads alike (docs/locks.md). The blocking
     *  wait itself (spin, park, interrupt and timeout handling) is dev.weft.core.internal's
     *  WaitEngine, on a Waiter that extends its WaitNode; this class is the engine's Site
     *  (ready = a barging head that the permits cover, finish = claim, giveUp). In hand-off,
     *  while grants come less than WAKE_AHEAD_MAX_INTERVAL_NANOS apart, a releaser that grants
     *  also unparks the parked spin-eligible waiters behind the new head, so that a queue of
     *  short holds does not settle into a convoy in which every hand-off waits for a wake-up. To give up
     *  (interrupt, timeout, or completion of a future waiter by anyone but the releaser) a waiter
     *  takes queueLock and, if its status is still WAITING, marks it CANCELLED and unlinks it,
     *  then serves or wakes the new head if the permits now cover it. If the status is already
     *  GRANTED, the give-up loses: a thread keeps the permits (interrupts are re-asserted,
     *  timeouts report success); a future waiter is the caller's future (AsyncWaiter), and an
     *  outside completion that loses completes it normally instead, so the caller holds the
     *  permits and the call reports that it did not complete it. A barging claim by the head
     *  thread happens under queueLock and only while its status is WAITING, so a claim and a
     *  hand-off grant can never both succeed. Exactly one party owns a granted permit. Futures
     *  are completed and threads unparked after queueLock is released.
     *
     * Progress.
     *  Fast paths are lock-free (a CAS loop). Slow paths take queueLock, a ReentrantLock held
     *  for a bounded number of pointer operations and never while running user code, completing a
     *  future or parking for a permit. A ReentrantLock rather than a spin bit in state, because a
     *  thread preempted inside the critical section must not make others spin (2-core machines,
     *  virtual threads).
     */

    /** Bit 0 of {@link #state}: the queue is non-empty. */
    private static final long WAITERS = 1L;

    /** Bit 1 of {@link #state}: permits go to the head of the queue only (hand-off regime). */
    private static final long HANDOFF = 2L;

    /** The permit count sits above the two flag bits. */
    private static final int SHIFT = 2;

    /**
     * How long the head of a barging pool may wait before the pool switches to strict FIFO
     * hand-off: 1 ms, the bound of Go's sync.Mutex. Long against a tiny critical section (a few
     * thousand acquisitions), short against anything a user would call a stall.
     */
    static final long STARVATION_NANOS = 1_000_000L;

    /** Number of CPUs; spinning only helps waiters that can run at the same time as the holder. */
    private static final int NCPU = WaitEngine.NCPU;

    /**
     * How many times a virtual thread that fails to barge yields its carrier and retries before
     * it queues ({@link #yieldAndRetry}). More yields buy more throughput at the cost of the
     * queued waiters, whose wake-ups wait in the carriers' run queues behind the yielders.
     */
    private static final int VIRTUAL_YIELDS = 2;

    /**
     * Grants closer together than this make a release wake the spin-eligible waiters behind the
     * new head ({@link #wakeAhead()}). A convoy of parked waiters hands over every 10 to 50 us
     * (one wake-up each); holds longer than 100 us gain nothing from waiters spinning early.
     */
    private static final long WAKE_AHEAD_MAX_INTERVAL_NANOS = 100_000L;

    // Modes of the blocking acquire.
    private static final int INTERRUPTIBLE = WaitEngine.INTERRUPTIBLE;
    private static final int UNINTERRUPTIBLE = WaitEngine.UNINTERRUPTIBLE;
    private static final int TIMED = WaitEngine.TIMED;

    /**
     * A queued request for {@code weight} permits: a parked thread, or (an {@link AsyncWaiter})
     * the caller's future itself (the status word and the parking announcement are the
     * engine's; statuses change only under queueLock).
     */
    static class Waiter extends RequestNode<@Nullable Void> {
        final long weight;
        boolean spin;                                    // set when it queues
        long since;                                      // System.nanoTime() when it queued
        @Nullable Waiter prev;                           // under queueLock
        @Nullable Waiter next;                           // under queueLock; reused for the granted chain

        /** A waiter for {@code thread} (the current thread), or with none (see AsyncWaiter). */
        Waiter(long weight, @Nullable Thread thread) {
            super(thread);
            this.weight = weight;
        }
    }

    /**
     * An asynchronous request: the future handed to the caller, completed from outside under
     * RequestNode's rule (a completion first withdraws the request; one that loses to the grant
     * completes the future normally, the caller holding the permits).
     */
    static final class AsyncWaiter extends Waiter {
        private final FifoPermits pool;

        AsyncWaiter(long weight, FifoPermits pool) {
            super(weight, (Thread) null);
            this.pool = pool;
        }

        @Override
        protected boolean withdraw() {
            return pool.giveUp(this);
        }

        /** Tells the caller of a grant: completes the future (RequestNode's settle). */
        void wake() {
            settle();
        }
    }

    /** {@code (available << 2) | HANDOFF | WAITERS}; see the implementation notes. */
    private volatile long state;

    /** Strict FIFO: hand-off whenever anybody waits. */
    private final boolean fair;

    private final ReentrantLock queueLock = new ReentrantLock();
    private volatile @Nullable Waiter head; // written under queueLock; read racily as a hint
    private @Nullable Waiter tail;        // under queueLock
    private volatile int waiterCount;     // written under queueLock; read as an estimate
    private long lastGrantNanos;          // under queueLock: when serveLocked last granted with waiters left
    private long grantIntervalNanos = Long.MAX_VALUE; // under queueLock; read racily by wake (heuristic)

    /** The primitive built on these permits, as JFR wait events name it. */
    private final String kind;

    FifoPermits(String kind, long initialPermits, boolean fair) {
        // assert initialPermits >= 0;
        this.kind = kind;
        this.state = initialPermits << SHIFT;
        this.fair = fair;
    }

    // ---------------------------------------------------------------------------------------
    // Queries

    /** Whether this pool is strictly FIFO. */
    boolean isFair() {
        return fair;
    }

    /** The permits available now (those that cover no head waiter's weight yet included). */
    long available() {
        return getState() >>> SHIFT;
    }

    /** Whether any request is queued. */
    boolean hasWaiters() {
        return (getState() & WAITERS) != 0;
    }

    /** The number of queued requests (an estimate while the queue changes). */
    int queueLength() {
        return waiterCount;
    }

    // ---------------------------------------------------------------------------------------
    // Acquire

    /**
     * Takes {@code k} permits if they are available now and the pool is not handing off (a fair
     * pool hands off whenever anybody is queued).
     */
    boolean tryAcquire(long k) {
        long s;
        while (((s = getState()) & HANDOFF) == 0 && (s >>> SHIFT) >= k) {
            if (casState(s, s - (k << SHIFT))) {
                return true;
            }
        }
        return false;
    }

    /** Takes {@code k} permits, waiting; interruptible. */
    void acquire(long k) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!tryAcquire(k) && !yieldAndRetry(k)) {
            acquireQueued(k, INTERRUPTIBLE, 0L);
        }
    }

    /** Takes {@code k} permits, waiting; interrupts are deferred. */
    void acquireUninterruptibly(long k) {
        if (!tryAcquire(k) && !yieldAndRetry(k)) {
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
        long deadline = System.nanoTime() + nanos;
        if (yieldAndRetry(k)) {
            return true;
        }
        return acquireQueued(k, TIMED, deadline);
    }

    /**
     * In a barging pool, on a virtual thread: yields the carrier up to {@link #VIRTUAL_YIELDS}
     * times, retrying the fast path after each, before the caller queues. While the holder runs
     * on another carrier, a yield lets this carrier run other virtual threads (among them,
     * often, the holder itself) and costs less than queueing, parking and being unparked by a
     * release; see the notes on blocking.
     *
     * @return whether the permits were taken
     */
    private boolean yieldAndRetry(long k) {
        if (fair || !Thread.currentThread().isVirtual()) {
            return false;
        }
        for (int i = 0; i < VIRTUAL_YIELDS; i++) {
            Thread.yield();
            long s = getState();
            if ((s & HANDOFF) != 0) {
                return false;   // permits go to the queue now: join it
            }
            if ((s >>> SHIFT) >= k && casState(s, s - (k << SHIFT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Requests {@code k} permits; the future completes with {@code null} once they are granted.
     * Completing the future in any other way (cancel, timeout, explicit completion) withdraws the
     * request; if the grant came first, that completion fails and the future completes normally
     * (see {@link AsyncWaiter}).
     */
    CompletableFuture<@Nullable Void> acquireAsync(long k) {
        if (tryAcquire(k)) {
            return CompletableFuture.completedFuture(null);
        }
        AsyncWaiter w = new AsyncWaiter(k, this);
        if (enqueueOrTake(w) == null) {
            w.grant();   // never queued: nobody else can see it yet
            w.wake();
        }
        return w;
    }

    /**
     * Queues {@code w} behind the existing waiters, or takes its permits at once if they are
     * available and the pool is not handing off.
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
                if ((s & HANDOFF) == 0 && (s >>> SHIFT) >= k) {
                    if (casState(s, s - (k << SHIFT))) {
                        return null;
                    }
                    continue;
                }
                if ((s & WAITERS) == 0 && !casState(s, s | (fair ? WAITERS | HANDOFF : WAITERS))) {
                    continue;
                }
                break;
            }
            // WAITERS is set and we hold the lock: the queue is ours to change. In barging,
            // a release that adds permits from here on sees WAITERS and looks at the head.
            int position = waiterCount + 1;
            Thread thread = w.thread;
            if (thread != null) {
                // Spin only where it can pay: in a fair pool (a hand-off goes to the head; in
                // barging the holder takes the permits back first), while the waiters ahead of
                // us and the holder can all be running, and, for a virtual thread (which would
                // hold its carrier), only at the head.
                w.spin = fair && WaitEngine.spinPays(thread, position, NCPU - 1);
            }
            if (!fair) {
                w.since = System.nanoTime();
            }
            Waiter t = tail;
            w.prev = t;
            tail = w;
            waiterCount = position;
            if (t == null) {
                head = w;
            } else {
                t.next = w;
            }
            return w;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether {@code w} is the head of a barging queue and the available permits cover it.
     * Reads state, then head: see the no-lost-wake-up notes.
     */
    @Override
    public boolean ready(Waiter w) {
        if (fair) {
            return false;
        }
        long s = getState();
        return (s & HANDOFF) == 0 && (s >>> SHIFT) >= w.weight && head == w;
    }

    @Override
    public boolean finish(Waiter w) {
        return claim(w);
    }

    /** Spin: a spin-eligible waiter of a fair pool (see enqueueOrTake); never in barging. */
    @Override
    public boolean spin(Waiter w) {
        return w.spin;
    }

    /**
     * The blocking slow path: queue, then wait in the engine for the grant (hand-off) or to claim
     * the permits as the head (barging).
     *
     * @return true if granted, false if timed out (TIMED only)
     * @throws InterruptedException if interrupted while waiting and not granted (INTERRUPTIBLE,
     *     TIMED); the request is then withdrawn
     */
    private boolean acquireQueued(long k, int mode, long deadline) throws InterruptedException {
        Waiter w = enqueueOrTake(new Waiter(k, Thread.currentThread()));
        if (w == null) {
            return true;
        }
        return WaitEngine.await(kind, "acquire", this, this, w, mode, deadline);
    }

    /**
     * Barging: lets the head thread waiter {@code w} take its permits itself. Runs under
     * queueLock so that it cannot race a hand-off grant or a give-up of the same waiter.
     *
     * @return whether {@code w} now owns its permits (claimed here, or granted before)
     */
    private boolean claim(Waiter w) {
        Waiter granted = null;
        Thread toWake = null;
        boolean owns;
        final ReentrantLock lock = queueLock;
        lock.lock();
        try {
            int st = w.status();
            if (st != WaitNode.WAITING) {
                return st == WaitNode.GRANTED;
            }
            owns = false;
            if (head == w) {
                for (;;) {
                    long s = getState();
                    if ((s & HANDOFF) != 0 || (s >>> SHIFT) < w.weight) {
                        break;
                    }
                    long n = s - (w.weight << SHIFT);
                    if (w.next == null) {
                        n &= ~WAITERS;   // the queue empties with us
                    }
                    if (casState(s, n)) {
                        owns = true;
                        break;
                    }
                }
            }
            if (owns) {
                w.grant();
                unlinkLocked(w);
                if (head != null) {
                    // Permits may be left for the next head (a semaphore).
                    granted = grantFutureHeadsLocked();
                    toWake = headToWakeLocked();
                }
            } else if (head == w && (getState() & HANDOFF) == 0
                    && System.nanoTime() - w.since >= STARVATION_NANOS) {
                // Barged past for too long: from now on permits are handed to the queue in order.
                granted = startHandoffLocked();
                owns = w.status() == WaitNode.GRANTED;
            }
        } finally {
            lock.unlock();
        }
        if (toWake != null) {
            LockSupport.unpark(toWake);
        }
        wake(granted);
        return owns;
    }

    /**
     * Withdraws a queued request if it is still waiting.
     *
     * @return true if withdrawn (the waiter owns nothing), false if it had been granted
     */
    @Override
    public boolean giveUp(Waiter w) {
        if (!w.isWaiting()) {  // terminal states never change back
            return false;
        }
        Waiter granted = null;
        Thread toWake = null;
        final ReentrantLock lock = queueLock;
        lock.lock();
        try {
            if (!w.cancel()) {
                return false;
            }
            boolean wasHead = head == w;
            unlinkLocked(w);
            if ((getState() & HANDOFF) != 0) {
                // A new head may be served by permits that the old head was waiting to
                // accumulate; an emptied queue must publish its permits to the fast paths.
                granted = wasHead ? serveLocked(0L) : null;
            } else if (head == null) {
                clearWaitersLocked();
            } else if (wasHead) {
                granted = grantFutureHeadsLocked();
                toWake = headToWakeLocked();
            }
        } finally {
            lock.unlock();
        }
        if (toWake != null) {
            LockSupport.unpark(toWake);
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
    // Barging helpers (queueLock held, HANDOFF clear)

    /** Barging, queue just emptied: clears WAITERS (others may change the count meanwhile). */
    private void clearWaitersLocked() {
        long s;
        do {
            s = getState();
        } while (!casState(s, s & ~WAITERS));
    }

    /**
     * Barging: grants the permits to the future waiters at the head of the queue for as long as
     * the available permits cover them (a future cannot claim by itself).
     *
     * @return the granted waiters, chained through {@code next}, to be completed after unlocking
     */
    private @Nullable Waiter grantFutureHeadsLocked() {
        Waiter first = null;
        Waiter last = null;
        Waiter h;
        while ((h = head) != null && h.thread == null) {
            long s = getState();
            if ((s & HANDOFF) != 0 || (s >>> SHIFT) < h.weight) {
                break;
            }
            long n = s - (h.weight << SHIFT);
            if (h.next == null) {
                n &= ~WAITERS;
            }
            if (!casState(s, n)) {
                continue;
            }
            h.grant();
            unlinkLocked(h);
            if (last == null) {
                first = h;
            } else {
                last.next = h;
            }
            last = h;
        }
        return first;
    }

    /**
     * Barging: if the head is a parked thread and the available permits cover it, marks it
     * woken (so that later releases need not wake it again) and returns it, to be unparked after
     * unlocking.
     */
    private @Nullable Thread headToWakeLocked() {
        Waiter h = head;
        if (h == null || h.thread == null || !h.isParked()) {
            return null;
        }
        long s = getState();
        if ((s & HANDOFF) != 0 || (s >>> SHIFT) < h.weight) {
            return null;
        }
        return h.takeParked();
    }

    /**
     * Barging to hand-off: sets HANDOFF, then serves the head with the permits available now.
     *
     * @return the granted waiters, to be woken after unlocking
     */
    private @Nullable Waiter startHandoffLocked() {
        long s;
        do {
            s = getState();
        } while (!casState(s, s | HANDOFF));
        return serveLocked(0L);
    }

    // ---------------------------------------------------------------------------------------
    // Release

    /** Returned by {@link #releaseCollect} when the release check fails. */
    private static final Waiter REJECTED = new Waiter(0L, (Thread) null);

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
     * Does the work of {@link #release} except completing the futures and waking the threads it
     * grants in hand-off (a barging head thread is unparked here).
     *
     * @return {@link #REJECTED} if the check fails, else the granted waiters chained through
     *     {@code next} (null if none)
     */
    private @Nullable Waiter releaseCollect(long k, long minBefore, long maxAfter) {
        for (;;) {
            long s = getState();
            if ((s & HANDOFF) != 0) {
                break;
            }
            long avail = s >>> SHIFT;
            if (avail < minBefore || avail + k > maxAfter) {
                return REJECTED;
            }
            if (casState(s, s + (k << SHIFT))) {
                if ((s & WAITERS) == 0) {
                    return null;
                }
                Waiter h = head;
                if (h != null && h.thread != null) {
                    if (!h.isParked()) {
                        // A head thread that is awake: it reads state again before it parks.
                        return null;
                    }
                    if ((s >>> SHIFT) + k >= h.weight
                            && System.nanoTime() - h.since < STARVATION_NANOS) {
                        // A parked head thread that the permits cover and that has not waited
                        // long: wake it without queueLock; it claims them itself, and checks
                        // the starvation bound if a barger took them first.
                        Thread t = h.takeParked();
                        if (t != null) {
                            LockSupport.unpark(t);
                        }
                        return null;
                    }
                }
                // A future head, a parked head that the permits do not cover yet or that has
                // waited long (signal() may start a hand-off), or no head yet: WAITERS was set, so a waiter is
                // being queued (its enqueue writes head last) or the queue has just emptied;
                // signal() looks under queueLock, after any enqueue in progress.
                return signal();
            }
        }
        final ReentrantLock lock = queueLock;
        lock.lock();
        try {
            for (;;) {
                long s = getState();
                long avail = s >>> SHIFT;
                if (avail < minBefore || avail + k > maxAfter) {
                    return REJECTED;
                }
                if ((s & HANDOFF) != 0) {
                    return serveLocked(k);
                }
                // Hand-off ended before we got the lock; others may change the count meanwhile.
                if (casState(s, s + (k << SHIFT))) {
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
        return signal();
    }

    /**
     * Barging, after permits were added with waiters queued: grants future heads, wakes a parked
     * head thread, or starts a hand-off if the head has waited too long.
     *
     * @return the granted waiters, to be woken by the caller
     */
    private @Nullable Waiter signal() {
        Waiter granted = null;
        Thread toWake = null;
        final ReentrantLock lock = queueLock;
        lock.lock();
        try {
            Waiter h = head;
            if (h != null) {
                if ((getState() & HANDOFF) != 0) {
                    granted = serveLocked(0L);
                } else if (System.nanoTime() - h.since >= STARVATION_NANOS) {
                    granted = startHandoffLocked();
                } else {
                    granted = grantFutureHeadsLocked();
                    toWake = headToWakeLocked();
                }
            }
        } finally {
            lock.unlock();
        }
        if (toWake != null) {
            LockSupport.unpark(toWake);
        }
        return granted;
    }

    /**
     * Hand-off: adds {@code extra} permits and grants them to the head of the queue while they
     * cover the head's weight; publishes the rest, clearing WAITERS and HANDOFF if the queue
     * empties. A barging pool also leaves hand-off when the last waiter served had waited less
     * than {@link #STARVATION_NANOS}.
     *
     * @return the granted waiters, chained through {@code next}, to be woken after unlocking
     */
    private @Nullable Waiter serveLocked(long extra) {
        // assert queueLock.isHeldByCurrentThread() && (getState() & HANDOFF) != 0;
        long avail = (getState() >>> SHIFT) + extra;
        Waiter first = null;
        Waiter last = null;
        Waiter h = head;
        while (h != null && h.weight <= avail) {
            avail -= h.weight;
            Waiter n = h.next;
            h.grant();
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
        if (h == null) {
            tail = null;
            head = null;
            setState(avail << SHIFT);
        } else {
            h.prev = null;
            head = h;
            long bits = WAITERS | HANDOFF;
            if (first != null) {
                long now = System.nanoTime();
                grantIntervalNanos = now - lastGrantNanos;
                lastGrantNanos = now;
                if (!fair && now - last.since < STARVATION_NANOS) {
                    bits = WAITERS;   // nobody left has waited long: back to barging
                }
            }
            setState((avail << SHIFT) | bits);
        }
        return first;
    }

    /**
     * Tells each granted waiter of a chain, outside queueLock: unparks a thread, completes a
     * future (a future completed from outside after its grant was already completed as granted
     * by that call, so the caller owns the permits either way). A call with nothing granted does
     * nothing: the wake-ahead belongs to hand-off grants, and grantIntervalNanos keeps its last
     * value after a hand-off ends, so running it on every barging release would make each one
     * walk the queue.
     */
    private void wake(@Nullable Waiter chain) {
        if (chain == null) {
            return;
        }
        Waiter w = chain;
        while (w != null) {
            Waiter next = w.next;
            w.next = null;
            if (w instanceof AsyncWaiter a) {
                a.wake();
            } else {
                w.signal();
            }
            w = next;
        }
        if (grantIntervalNanos < WAKE_AHEAD_MAX_INTERVAL_NANOS) {
            wakeAhead();
        }
    }

    /**
     * While the permits change hands quickly in hand-off, unparks the spin-eligible waiters near
     * the head of the queue, so that each is spinning, not parked, when its grant comes.
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
            if (t != null && w.spin && w.isParked() && w.isWaiting()) {
                LockSupport.unpark(t);
            }
            w = w.next;
        }
    }

    @Override
    public String toString() {
        long s = getState();
        return "permits=" + (s >>> SHIFT) + ", waiters=" + waiterCount;
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
