package dev.weft.core.sync;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.RequestNode;
import dev.weft.core.internal.WaitEngine;
import dev.weft.core.internal.WaitEvent;
import dev.weft.core.internal.WaitNode;
import java.time.Duration;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A condition variable bound to a {@link Lock}: the counterpart of {@code asyncio.Condition},
 * with blocking, timed and {@code CompletableFuture} waits.
 *
 * <p>A task that holds the lock waits for some state to change with {@link #await()} (Python's
 * {@code wait()}): the lock is released, the task waits to be signalled, and it acquires the lock
 * again before it returns. A task that changes the state while holding the lock wakes waiters
 * with {@link #signal()}, {@link #signal(int)} or {@link #signalAll()} (Python's
 * {@code notify(n)} and {@code notify_all()}; Java reserves the names {@code wait} and
 * {@code notify} for {@link Object}'s monitor methods). Waiters are woken in FIFO order and take
 * the lock back in the order they were woken: a signal queues each woken waiter's request for
 * the lock itself, at the moment it chooses the waiter, in the lock's FIFO queue (behind any
 * requests already queued there, ahead of any queued later; with a lock in its default
 * bounded-barging mode, a running thread may still take the lock ahead of that queue). A woken waiter returns only once it
 * holds the lock again, and other tasks may have held it in between, so it must check its state
 * again: use {@link #waitFor(BooleanSupplier)}, which loops for you. Spurious returns are
 * permitted.
 *
 * <p>Several conditions may share one lock ({@link Lock#newCondition()} or
 * {@link #Condition(Lock)}); {@link #Condition()} makes its own. The condition also offers the
 * lock's {@link #acquire()}, {@link #acquireAsync()} and {@link #release()}, so that Python's
 * {@code async with cond:} reads {@code cond.acquire(); try { ... } finally { cond.release(); }}.
 *
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead><tr><th></th><th>Throws</th><th>Special value</th><th>Blocks</th><th>Times out</th>
 *       <th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><th scope="row">wait for a signal</th><td></td><td></td><td>{@link #await()}</td>
 *         <td>{@link #await(Duration)}, {@link #await(long, TimeUnit)}, {@link #awaitNanos(long)},
 *         {@link #awaitUntil(Date)}</td><td>{@link #awaitAsync()}</td></tr>
 *     <tr><th scope="row">wait for a predicate</th><td></td><td></td><td>{@link #waitFor(BooleanSupplier)}</td>
 *         <td>{@link #waitFor(BooleanSupplier, Duration)}, {@link #waitFor(BooleanSupplier, long, TimeUnit)}</td>
 *         <td>{@link #waitForAsync(BooleanSupplier)}</td></tr>
 *   </tbody>
 * </table>
 * {@link #awaitUninterruptibly()} blocks ignoring interrupts.
 *
 * <p><b>The lock has no owner.</b> As in asyncio, the checks made by {@code await} and
 * {@code signal} are that the lock is held <em>by someone</em>, not by the calling thread. Code
 * that calls them without holding the lock, while another task holds it, releases the other
 * task's lock. Keep every call inside the section that holds the lock.
 *
 * <p><b>No lost wake-ups.</b> A signal goes only to a waiter that is still waiting, and the
 * choice is atomic with that waiter's giving up: a blocking waiter interrupted or timed out after
 * it was signalled returns normally (with the interrupt status set again) once it holds the lock,
 * keeping its place in the lock's queue, and an asynchronous waiter whose future is cancelled
 * after it was signalled withdraws its request for the lock and passes the signal on to the next
 * waiter. This is the guarantee that CPython 3.13 added (gh-112202).
 *
 * <p><b>Memory consistency effects.</b> Actions before a {@code signal} that wakes a waiter, and
 * before the release of the lock that the waiter then acquires, <i>happen-before</i> the actions
 * after the waiter's return (see <a href="../package-summary.html#memory">memory
 * consistency</a>).
 *
 * <p><b>Thread safety.</b> All methods may be called from any thread. Futures of
 * {@link #awaitAsync()} are completed by the thread that hands the lock back to the waiter (the
 * signalling thread if the lock was free when it signalled), outside of any internal lock (see
 * <a href="../package-summary.html#callbacks">callbacks</a>).
 *
 * {@snippet :
 * Condition ready = new Condition();
 * Deque<String> items = new ArrayDeque<>();
 *
 * // consumer
 * ready.acquire();
 * try {
 *     ready.waitFor(() -> !items.isEmpty());
 *     String item = items.poll();
 * } finally {
 *     ready.release();
 * }
 *
 * // producer
 * ready.acquire();
 * try {
 *     items.add("job");
 *     ready.signal();
 * } finally {
 *     ready.release();
 * }
 * }
 *
 * @see Lock
 * @since 0.1
 */
public final class Condition implements ConditionVariable {

    /*
     * Implementation notes
     *
     * Overview.
     * A FIFO list of waiters (threads waiting in dev.weft.core.internal.WaitEngine, or
     * asynchronous waits) guarded by listLock, a private ReentrantLock distinct from the
     * user-visible lock: the user lock is unowned, so holding it proves nothing about the calling
     * thread, and cancellation callbacks of asynchronous waiters run without it. Waiting is
     * "enqueue, release the user lock, wait to be signalled and handed the user lock".
     * Enqueueing before releasing closes the window in which a signal could be missed.
     * A signal moves each waiter it chooses from the list to the user lock's queue, like AQS's
     * transfer of a signalled node to the sync queue: in one listLock critical section it calls
     * lock.acquireAsync() on the waiter's behalf, stores the request in Waiter.reacquire (which
     * marks the waiter chosen) and unlinks it. The user lock is a FifoPermits queue in which
     * blocking and asynchronous requests are served in arrival order, so waiters are handed the
     * lock in the order they were signalled, also across concurrent signals (listLock orders
     * them), and ahead of every acquire that starts after the signal. The waiter does not ask for
     * the lock itself: the request's completion action grants the waiter's node (WaitNode), then
     * wakes a blocking waiter or completes an asynchronous waiter's result. Only a waiter that
     * gave up before any signal chose it (interrupt, timeout) requests the lock from its own
     * thread.
     *
     * Diagram.
     *
     *   listLock:  head -> [T] <-> [F] <-> [T] <- tail        (listed: reacquire == null)
     *                 | signal(2): under listLock, in order, for each chosen waiter w:
     *                 |   w.reacquire = lock.acquireAsync(); unlink w
     *                 v
     *   user lock: [holder] ... [earlier requests] [T.reacquire] [F.reacquire]
     *                 | each request's completion (after listLock is released):
     *                 v   w.grant(); then w.signal() (T) or w completes as a future (F)
     *
     * Waiter status (the engine's WaitNode word):
     *   WAITING   listed, or chosen (reacquire != null) with its lock request pending
     *   GRANTED   chosen, and the request completed: the lock is held on the waiter's behalf
     *   CANCELLED gave up before any signal chose it (unlinked), or an asynchronous waiter
     *             whose request was withdrawn after a signal chose it
     *   WAITING -> GRANTED  by the request's completion action (WaitNode.grant(), a CAS that
     *                       cannot fail: a chosen waiter is never cancelled)
     *   WAITING -> CANCELLED by giveUp under listLock while reacquire == null; for an
     *                       asynchronous waiter also after its request was withdrawn (which
     *                       a granted request cannot be), by the one withdrawal that passes
     *                       the signal on
     *
     * Invariants (under listLock).
     *  - A waiter is listed if and only if its status is WAITING and reacquire == null; it leaves
     *    the list in the critical section that sets reacquire (signal) or marks it CANCELLED
     *    (giveUp).
     *  - A waiter is chosen if and only if reacquire != null. Exactly one party takes the lock
     *    that the request is granted: the waiting thread, or the asynchronous waiter's future,
     *    which completes normally (a withdrawal that loses to the grant fails).
     * Non-invariants.
     *  - A chosen waiter may still be WAITING: the signaller attaches the completion actions to
     *    the requests after leaving listLock, and a request waits its turn in the lock's queue.
     *
     * Linearization points.
     *  - await: the enqueue under listLock (then the user-lock release); the return: the
     *    completion of the waiter's lock request (signalled), or of its own acquire (gave up).
     *  - signal(n): the critical section that queues the lock requests of up to n waiters, in
     *    list order.
     *  - giving up (interrupt, timeout, cancel): the critical section that marks CANCELLED; if
     *    a signal chose the waiter already it cannot give up: a thread keeps its lock request and
     *    its place in the lock's queue; a future withdraws the request and passes the signal on.
     *
     * Memory ordering.
     *  - Waiter status: volatile (WaitNode); CANCELLED written under listLock, GRANTED by the
     *    completion action after the request completed, so a waiter that reads GRANTED sees
     *    what the user lock's last holder did before releasing it. Read by the waiting thread
     *    without listLock.
     *  - Waiter.reacquire: plain; written once by the signaller under listLock, read under
     *    listLock (giveUp) or by threads ordered after that write: the signaller itself, a loser
     *    of giveUp (it took listLock, or read GRANTED, written by an action attached after the
     *    write), and the completion action.
     *  - Parking announcement: the engine's Dekker pair with the status (WaitNode): the waiter
     *    announces, then reads the status; the completion action grants, then reads the
     *    announcement (WaitNode.signal()).
     *  - head, tail, prev, next: under listLock. waiterCount: volatile, written under listLock.
     *  The user lock's own release/acquire edges (FifoPermits' grant, then the completion of the
     *  request's future) carry the caller's data.
     *
     * Blocking and cancellation.
     *  Blocking waiter: waits in WaitEngine.await (no spinning; this class's site gives up with
     *  giveUp) until its node is GRANTED, which happens only once it holds the lock: the
     *  signaller does not wake it, only the request's completion action does, so a waiter wakes
     *  once, holding the lock; spurious wake-ups are re-checked in the engine. On interrupt or
     *  timeout the engine calls giveUp: if that withdraws the waiter, the waiter acquires the
     *  user lock uninterruptibly itself before throwing or returning, as
     *  java.util.concurrent.locks.Condition and asyncio both require; if a signal chose it
     *  first, the engine returns success (an interrupt re-asserted) and the waiter waits again in
     *  the engine, UNINTERRUPTIBLE and untimed, on the same node until its request is granted,
     *  then returns normally. A blocking waiter never abandons a request.
     *  Asynchronous waiter: the node is the caller's future (AsyncWaiter); the request's
     *  completion action grants the node and completes it. Completing it from outside first
     *  withdraws the wait: unlisted if no signal chose it; else its request is cancelled
     *  (FifoPermits withdraws a request that was not granted, and then one signal is passed on;
     *  a granted request cannot be cancelled, and the future then completes normally, the lock
     *  held, and the outside completion fails). If the user lock cannot be released after
     *  listing (the caller did not hold it), the waiter is withdrawn the same way.
     *
     * Progress. Blocking: listLock is held for a bounded number of pointer operations plus one
     *  lock request per signalled waiter (a CAS, or FifoPermits' queueLock for a bounded number of
     *  pointer operations; lock order listLock -> queueLock, never the reverse), and never while
     *  parking, unparking, or running this class's or the caller's completion actions: they are
     *  attached to a request only after listLock is released, so a request granted at once, inside
     *  the critical section, runs none of them there.
     */

    /**
     * A waiter: a thread waiting in the engine or an asynchronous wait (the node's future is the
     * caller's result). Its status (the engine's WaitNode word) is WAITING while listed and while
     * its lock request, queued by the signal that chose it, is pending; GRANTED once that request
     * completed (signalled, and the lock is held on its behalf); CANCELLED if it gave up before
     * any signal chose it.
     */
    private static class Waiter extends RequestNode<@Nullable Void> implements BiConsumer<@Nullable Object, @Nullable Throwable> {
        /**
         * The lock request queued by the signal that chose this waiter; null while listed.
         * Written once, under listLock.
         */
        @Nullable CompletableFuture<@Nullable Void> reacquire;
        @Nullable Waiter prev;               // under listLock
        @Nullable Waiter next;               // under listLock; reused for the signalled chain

        /** A waiter for {@code thread} (the current thread), or with none (an AsyncWaiter). */
        Waiter(@Nullable Thread thread) {
            super(thread);
        }

        /**
         * The completion action of the waiter's lock request (the waiter is its own action, so a
         * signal allocates none for it): grants the waiter and wakes it. A request that completes
         * exceptionally was withdrawn by its waiter, which no longer waits.
         */
        @Override
        public void accept(@Nullable Object ignored, @Nullable Throwable failure) {
            if (failure == null) {
                grant();
                signal();
            }
        }
    }

    /**
     * An asynchronous wait: the future handed to the caller. It completes normally, through the
     * completion action of its lock request, once the lock is held on its behalf; completed from
     * outside, it follows RequestNode's rule ({@link #withdraw} first; a completion that loses to
     * the lock's hand-off completes the future normally, the caller holding the lock).
     */
    private final class AsyncWaiter extends Waiter {

        AsyncWaiter() {
            super(null);
        }

        /** Grants the waiter and completes its future once its lock request completed normally. */
        @Override
        public void accept(@Nullable Object ignored, @Nullable Throwable failure) {
            if (failure == null) {
                grant();
                settle();
            }
        }

        /**
         * Withdraws this wait: unlists it if no signal chose it; otherwise withdraws its lock
         * request and passes the signal on, unless the request was granted first.
         *
         * @return true if withdrawn (now or by a concurrent call; the lock is not held for it),
         *     false if its lock request was granted first
         */
        @Override
        protected boolean withdraw() {
            if (giveUp(this)) {
                return true;                  // listed: no signal consumed, nothing requested
            }
            CompletableFuture<@Nullable Void> r = reacquire;
            if (r == null) {
                return true;                  // unlisted by a concurrent withdrawal
            }
            // Visible here: giveUp read it under listLock, or read a status that its completion
            // action wrote. Cancelling a granted request fails and completes it normally.
            if (!r.cancel(false)) {
                return false;
            }
            if (cancel()) {                   // once, however many withdrawals race
                signalWaiting(1);             // the signal that chose this waiter goes on
            }
            return true;
        }
    }

    private final ExclusiveLock lock;
    private final ReentrantLock listLock = new ReentrantLock();
    private @Nullable Waiter head;          // under listLock
    private @Nullable Waiter tail;          // under listLock
    private volatile int waiterCount;       // written under listLock
    /** This condition's side of the engine's wait: a give-up withdraws a waiter no signal chose. */
    private final WaitEngine.Site<Waiter> site = this::giveUp;

    /** Creates a condition with a new {@link Lock} of its own. */
    public Condition() {
        this.lock = new Lock();
    }

    /**
     * Creates a condition bound to {@code lock}, which other conditions may share.
     *
     * @param lock the lock that callers hold around waits and signals
     * @throws NullPointerException if {@code lock} is null
     */
    public Condition(Lock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    /** For {@link ReadWriteLock.WriteLock#newCondition()}. */
    Condition(ExclusiveLock lock) {
        this.lock = lock;
    }

    // ---------------------------------------------------------------------------------------
    // The lock

    /**
     * The lock this condition is bound to.
     *
     * @return the lock ({@link Lock} or {@link ReadWriteLock.WriteLock})
     */
    public java.util.concurrent.locks.Lock getLock() {
        return (java.util.concurrent.locks.Lock) lock;
    }

    /**
     * The lock this condition is bound to, as the {@link ConditionVariable} contract sees it.
     *
     * @return the lock ({@link Lock} or {@link ReadWriteLock.WriteLock})
     */
    @Override
    public ExclusiveLock lock() {
        return lock;
    }

    /**
     * Acquires the bound lock, as {@link Lock#acquire()} does.
     *
     * @throws InterruptedException if interrupted before or while waiting (the lock is then not
     *     held)
     */
    public void acquire() throws InterruptedException {
        lock.acquire();
    }

    /**
     * Requests the bound lock without blocking, as {@link Lock#acquireAsync()} does.
     *
     * @return a future that completes with {@code null} when the lock is held
     */
    public CompletableFuture<@Nullable Void> acquireAsync() {
        return lock.acquireAsync();
    }

    /**
     * Releases the bound lock, as {@link Lock#release()} does.
     *
     * @throws IllegalMonitorStateException if the lock is not held
     */
    public void release() {
        lock.release();
    }

    /**
     * Whether the bound lock is held, by anyone.
     *
     * @return {@code true} if held; a snapshot
     */
    public boolean isLocked() {
        return lock.isLocked();
    }

    // ---------------------------------------------------------------------------------------
    // Blocking waits

    private static final int INTERRUPTIBLE = WaitEngine.INTERRUPTIBLE;
    private static final int UNINTERRUPTIBLE = WaitEngine.UNINTERRUPTIBLE;
    private static final int TIMED = WaitEngine.TIMED;

    /**
     * Releases the lock, waits until signalled, and acquires the lock again: the counterpart of
     * {@code await cond.wait()}.
     *
     * <h4>Blocking and cancellation</h4>
     * The lock must be held when this is called. The lock is released and the thread blocks
     * (releasing its carrier if it is a virtual thread) until one of these happens:
     * <ul>
     *   <li>a {@link #signal()} or {@link #signal(int)} chooses this waiter (FIFO order), or
     *       {@link #signalAll()} is called;</li>
     *   <li>the thread is interrupted;</li>
     *   <li>a spurious wake-up: a signal passed on by an asynchronous waiter that was cancelled
     *       (see the class documentation) may wake a waiter whose state has not changed.</li>
     * </ul>
     * In every case the lock is acquired again (ignoring interrupts) before the method returns
     * or throws, so the caller's {@code finally} releases a lock it really holds. A signalled
     * waiter's request for the lock is queued by the signal itself, so waiters take the lock back
     * in the order they were signalled, ahead of acquires that start after the signal; the thread
     * is woken once it holds the lock. A waiter that gives up before it is signalled queues its
     * own request, in FIFO order with other requests. If the interrupt status is set on entry,
     * throws {@link InterruptedException} at once, clearing it, with the lock still held and
     * nothing released. If interrupted while waiting and not yet signalled, throws
     * {@code InterruptedException} (status cleared) after re-acquiring. If interrupted after
     * being signalled, including while waiting for the lock, keeps waiting for the lock, keeping
     * its place, and returns normally with the interrupt status set, so the signal is not lost.
     *
     * @throws InterruptedException if interrupted before or while waiting (the lock is held again)
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    public void await() throws InterruptedException {
        awaitCore(INTERRUPTIBLE, 0L);
    }

    /**
     * Waits as {@link #await()} does but without reacting to interrupts: an interrupt while
     * waiting is remembered and the interrupt status is set again before returning.
     *
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    public void awaitUninterruptibly() {
        try {
            awaitCore(UNINTERRUPTIBLE, 0L);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * Waits as {@link #await()} does, for at most {@code nanosTimeout} nanoseconds.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #await()}; in addition the wait ends when the timeout elapses (a minimum wait;
     * see the <a href="../package-summary.html#timeouts">timeout rules</a>). The lock is acquired
     * again in every case before returning. A timeout that races with a signal is decided
     * atomically: either the waiter was signalled (the signal counts and a positive or zero
     * value may be returned) or it timed out (the signal goes to another waiter). Once
     * signalled, the waiter waits for the lock without a time limit, keeping its place among the
     * signalled waiters.
     *
     * @param nanosTimeout the longest time to wait, in nanoseconds
     * @return an estimate of {@code nanosTimeout} minus the time spent waiting; zero or less if
     *     the wait timed out
     * @throws InterruptedException if interrupted before or while waiting (the lock is held again)
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        return awaitCore(TIMED, nanosTimeout);
    }

    /**
     * Waits as {@link #awaitNanos(long)} does, for at most the given time.
     *
     * @param time the longest time to wait
     * @param unit the unit of {@code time}
     * @return {@code false} if the wait timed out, else {@code true}
     * @throws InterruptedException if interrupted before or while waiting (the lock is held again)
     * @throws IllegalMonitorStateException if the lock is not held
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return awaitCore(TIMED, unit.toNanos(time)) > 0L;
    }

    /**
     * Waits as {@link #awaitNanos(long)} does, for at most {@code timeout}: the counterpart of
     * {@code await asyncio.wait_for(cond.wait(), timeout)}, which likewise leaves the lock held.
     *
     * @param timeout the longest time to wait
     * @return {@code false} if the wait timed out, else {@code true}
     * @throws InterruptedException if interrupted before or while waiting (the lock is held again)
     * @throws IllegalMonitorStateException if the lock is not held
     * @throws NullPointerException if {@code timeout} is null
     */
    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        return awaitCore(TIMED, Durations.toNanos(timeout)) > 0L;
    }

    /**
     * Waits as {@link #awaitNanos(long)} does, until the given wall-clock time.
     *
     * @param deadline the latest time to wait until
     * @return {@code false} if the deadline passed, else {@code true}
     * @throws InterruptedException if interrupted before or while waiting (the lock is held again)
     * @throws IllegalMonitorStateException if the lock is not held
     * @throws NullPointerException if {@code deadline} is null
     */
    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return awaitCore(TIMED, Durations.nanosUntil(deadline)) > 0L;
    }

    /**
     * The blocking wait, recorded as a JFR {@link WaitEvent} when a recording enables it.
     *
     * @return for TIMED, the remaining nanoseconds (<= 0 if timed out); else 1
     */
    private long awaitCore(int mode, long nanos) throws InterruptedException {
        requireLocked("wait on");
        if (mode != UNINTERRUPTIBLE && Thread.interrupted()) {
            throw new InterruptedException();
        }
        WaitEvent event = mode == TIMED && nanos <= 0L ? null : WaitEvent.start(); // no timeout left: no wait
        if (event == null) {
            return awaitUnrecorded(mode, nanos);
        }
        String outcome = WaitEvent.FAILED;
        try {
            long remaining = awaitUnrecorded(mode, nanos);
            outcome = remaining > 0L ? "signalled" : "timed out";
            return remaining;
        } finally {
            WaitEvent.endLocal(event, "Condition", this, "await", outcome);
        }
    }

    /** As {@link #awaitCore}, unrecorded and after its entry checks. */
    private long awaitUnrecorded(int mode, long nanos) throws InterruptedException {
        // Clamped: a deadline now + Long.MIN_VALUE would overflow and never pass.
        final long deadline = mode == TIMED ? System.nanoTime() + Math.max(nanos, 0L) : 0L;
        Waiter w = new Waiter(Thread.currentThread());
        enqueue(w);
        releaseForWait(w);
        boolean signalled;
        try {
            signalled = WaitEngine.await(site, w, mode, deadline);
        } catch (InterruptedException e) {
            // Withdrawn before any signal chose it: take the lock back before throwing.
            lock.acquireUninterruptibly();   // re-asserts any interrupt that arrives meanwhile
            Thread.interrupted();            // one InterruptedException reports all of them
            throw e;
        }
        if (!signalled) {
            // Timed out and withdrawn before any signal chose it.
            lock.acquireUninterruptibly();
            return 0L;
        }
        if (w.status() != WaitNode.GRANTED) {
            // A signal chose the waiter before its interrupt or timeout could withdraw it: the
            // engine has re-asserted the interrupt; wait, untimed and deferring interrupts, for
            // the lock request that the signal queued, keeping its place.
            WaitEngine.await(site, w, UNINTERRUPTIBLE, 0L);
        }
        return mode == TIMED ? Math.max(deadline - System.nanoTime(), 1L) : 1L;
    }

    /**
     * Releases the user lock after the blocking waiter {@code w} was listed; if that fails (the
     * caller did not hold it), withdraws {@code w}, disposing of a signal that chose it meanwhile.
     */
    private void releaseForWait(Waiter w) {
        try {
            lock.release();
        } catch (IllegalMonitorStateException raced) {
            // Released by someone else since requireLocked(): the caller did not hold it.
            if (!giveUp(w)) {
                CompletableFuture<@Nullable Void> r = w.reacquire;
                // assert r != null;
                if (r != null && !r.cancel(false)) {
                    lock.release();   // granted already: nobody will hold it for us
                }
                signalWaiting(1);
            }
            throw raced;
        }
    }

    // ---------------------------------------------------------------------------------------
    // Predicate waits

    /**
     * Waits until {@code predicate} is true: the counterpart of
     * {@code await cond.wait_for(predicate)}.
     *
     * <p>Evaluates the predicate first; if it is true, returns at once, without needing the lock
     * (as asyncio does). Otherwise loops: {@link #await()}, then evaluate again, until it is
     * true. The predicate is evaluated by the calling thread, with the lock held from the second
     * evaluation on.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks as {@link #await()} does, for as many rounds as needed; interrupts are handled as
     * there, and the lock is held again whenever this method returns or throws (unless the first
     * evaluation was already true and the caller did not hold it).
     *
     * @param predicate the state to wait for
     * @throws InterruptedException if interrupted before or while waiting (the lock is held again)
     * @throws IllegalMonitorStateException if the predicate is false and the lock is not held
     * @throws NullPointerException if {@code predicate} is null
     */
    @Override
    public void waitFor(BooleanSupplier predicate) throws InterruptedException {
        Objects.requireNonNull(predicate, "predicate");
        while (!predicate.getAsBoolean()) {
            await();
        }
    }

    /**
     * Waits until {@code predicate} is true, for at most {@code timeout}; otherwise as
     * {@link #waitFor(BooleanSupplier)}.
     *
     * <p>The predicate is evaluated once more after the timeout elapses, with the lock held, and
     * that evaluation decides the result.
     *
     * @param predicate the state to wait for
     * @param timeout the longest time to wait
     * @return the last value of the predicate: {@code false} if the timeout elapsed while it was
     *     false
     * @throws InterruptedException if interrupted before or while waiting (the lock is held again)
     * @throws IllegalMonitorStateException if the predicate is false and the lock is not held
     * @throws NullPointerException if an argument is null
     */
    @Override
    public boolean waitFor(BooleanSupplier predicate, Duration timeout) throws InterruptedException {
        return waitForNanos(predicate, Durations.toNanos(timeout));
    }

    /**
     * As {@link #waitFor(BooleanSupplier, Duration)}, with the timeout in {@code unit}s.
     *
     * @param predicate the state to wait for
     * @param timeout the longest time to wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return the last value of the predicate: {@code false} if the timeout elapsed while it was
     *     false
     * @throws InterruptedException if interrupted before or while waiting (the lock is held again)
     * @throws IllegalMonitorStateException if the predicate is false and the lock is not held
     * @throws NullPointerException if an argument is null
     */
    @Override
    public boolean waitFor(BooleanSupplier predicate, long timeout, TimeUnit unit) throws InterruptedException {
        return waitForNanos(predicate, unit.toNanos(timeout));
    }

    private boolean waitForNanos(BooleanSupplier predicate, long nanos) throws InterruptedException {
        Objects.requireNonNull(predicate, "predicate");
        while (!predicate.getAsBoolean()) {
            if (nanos <= 0L) {
                return false;
            }
            nanos = awaitNanos(nanos);
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------
    // Asynchronous waits

    /**
     * Releases the lock and returns a future that completes with {@code null} once this waiter
     * has been signalled <em>and</em> holds the lock again; no thread waits meanwhile.
     *
     * <p>The lock must be held when this is called; it is released before this method returns.
     * The future is completed by the thread that hands the lock back (dependent actions attached
     * with non-async methods run there, holding the lock). Spurious completions are permitted,
     * as for {@link #await()}.
     *
     * <h4>Cancellation</h4>
     * The rule of the asynchronous forms is: <b>the future completes normally if and only if the
     * lock is held on the caller's behalf</b>. Cancelling it (or completing it exceptionally,
     * for example through {@link CompletableFuture#orTimeout}) withdraws the wait at once and
     * leaves the lock <em>not</em> held; this differs from {@link #await()}, which re-acquires
     * before it throws, because a cancelled future cannot wait for anything. If the waiter had
     * been signalled already, its request for the lock is withdrawn and the signal is passed on
     * to the next waiter (no lost wake-up); if the lock had been handed to it first, the
     * cancellation fails ({@code cancel} returns {@code false}), the future completes normally
     * and the caller holds the lock. Do not complete the future normally yourself: that withdraws
     * the wait as a cancellation does, and the future then completes normally without the lock
     * held. Its {@code obtrudeValue},
     * {@code obtrudeException} and {@code completeAsync} throw
     * {@code UnsupportedOperationException}. Stages derived from the future are plain futures
     * whose cancellation withdraws nothing.
     *
     * @return a future that completes with {@code null} when signalled and the lock is held
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    public CompletableFuture<@Nullable Void> awaitAsync() {
        requireLocked("wait on");
        AsyncWaiter w = new AsyncWaiter();
        enqueue(w);
        try {
            lock.release();
        } catch (IllegalMonitorStateException raced) {
            // Released by someone else since requireLocked(): the caller did not hold it.
            if (!w.completeExceptionally(raced)) {
                // Signalled and handed the lock in the meantime: nobody will see this future.
                lock.release();
                signalWaiting(1);
            }
            throw raced;
        }
        return w;
    }

    /**
     * Returns a future that completes with {@code null} once {@code predicate} is true and the
     * lock is held: the asynchronous counterpart of {@link #waitFor(BooleanSupplier)}.
     *
     * <p>Evaluates the predicate at once in the calling thread; if it is true, returns a
     * completed future without touching the lock (the caller keeps holding it, if it did).
     * Otherwise the lock must be held; this loops {@link #awaitAsync()} and re-evaluates the
     * predicate, with the lock held, in the thread that completes each wait.
     *
     * <h4>Cancellation</h4>
     * As for {@link #awaitAsync()}: the future completes normally if and only if the lock is
     * held. Cancelling it withdraws the current wait (the lock is not held). If a later
     * evaluation of the predicate throws, the lock is released and the future completes
     * exceptionally with that exception.
     *
     * @param predicate the state to wait for
     * @return a future that completes with {@code null} when the predicate is true and the lock
     *     is held
     * @throws IllegalMonitorStateException if the predicate is false and the lock is not held
     * @throws NullPointerException if {@code predicate} is null
     */
    public CompletableFuture<@Nullable Void> waitForAsync(BooleanSupplier predicate) {
        Objects.requireNonNull(predicate, "predicate");
        CompletableFuture<@Nullable Void> result = new CompletableFuture<>();
        if (predicate.getAsBoolean()) {
            result.complete(null);
            return result;
        }
        requireLocked("wait on");
        new PredicateWait(predicate, result).next();
        return result;
    }

    /** The loop of {@link #waitForAsync}: wait, re-acquire, evaluate, until true. */
    private final class PredicateWait {
        private final BooleanSupplier predicate;
        private final CompletableFuture<@Nullable Void> result;
        private volatile @Nullable CompletableFuture<@Nullable Void> current;

        PredicateWait(BooleanSupplier predicate, CompletableFuture<@Nullable Void> result) {
            this.predicate = predicate;
            this.result = result;
            result.whenComplete((ignored, failure) -> {
                CompletableFuture<@Nullable Void> c = current;
                if (failure != null && c != null) {
                    c.cancel(false);
                }
            });
        }

        /** Starts one wait; the lock is held. */
        void next() {
            CompletableFuture<@Nullable Void> wait = awaitAsync();  // releases the lock
            current = wait;
            if (result.isDone()) {
                // Completed (cancelled) before current was visible to its callback.
                wait.cancel(false);
            }
            wait.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure);  // the lock is not held
                    return;
                }
                // The lock is held again.
                boolean ok;
                try {
                    ok = predicate.getAsBoolean();
                } catch (Throwable t) {
                    lock.release();
                    result.completeExceptionally(t);
                    return;
                }
                if (ok) {
                    if (!result.complete(null)) {
                        lock.release();   // cancelled meanwhile: nobody holds it on our behalf
                    }
                } else if (result.isDone()) {
                    lock.release();
                } else {
                    next();
                }
            });
        }
    }

    // ---------------------------------------------------------------------------------------
    // Signals

    /**
     * Wakes the longest-waiting waiter, if any: the counterpart of {@code cond.notify()}.
     *
     * <p>The woken waiter returns from its wait only after it has acquired the lock, which this
     * method does not release; this method queues the waiter's request for the lock, so the
     * waiter gets the lock before any task that asks for it later.
     *
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    public void signal() {
        signal(1);
    }

    /**
     * Wakes up to {@code n} waiters, longest-waiting first: the counterpart of
     * {@code cond.notify(n)}.
     *
     * <p>The woken waiters take the lock back in that order: this method queues a request for
     * the lock on behalf of each of them, in order, behind the requests already queued for the
     * lock.
     *
     * @param n the most waiters to wake
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    public void signal(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        requireLocked("notify on");
        signalWaiting(n);
    }

    /**
     * Wakes every waiter: the counterpart of {@code cond.notify_all()}. The waiters take the lock
     * back in the order they started waiting, as for {@link #signal(int)}.
     *
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    public void signalAll() {
        requireLocked("notify on");
        signalWaiting(Integer.MAX_VALUE);
    }

    /**
     * Whether any task waits on this condition.
     *
     * @return {@code true} if at least one waiter is listed; a snapshot
     */
    public boolean hasWaiters() {
        return waiterCount > 0;
    }

    /**
     * The number of waiters, blocking and asynchronous.
     *
     * @return an estimate: the list may change while it is read
     */
    @Override
    public int waiterCount() {
        return waiterCount;
    }

    /**
     * Describes the state, for diagnostics: {@code Condition[waiters=2, Lock[locked, waiters=0]]}.
     *
     * @return a description of the current state
     */
    @Override
    public String toString() {
        return "Condition[waiters=" + waiterCount + ", " + lock + "]";
    }

    // ---------------------------------------------------------------------------------------
    // The waiter list

    private void requireLocked(String what) {
        if (!lock.isLocked()) {
            throw new IllegalMonitorStateException("cannot " + what + " un-acquired lock: " + lock);
        }
    }

    private void enqueue(Waiter w) {
        final ReentrantLock l = listLock;
        l.lock();
        try {
            Waiter t = tail;
            w.prev = t;
            if (t == null) {
                head = w;
            } else {
                t.next = w;
            }
            tail = w;
            waiterCount = waiterCount + 1;
        } finally {
            l.unlock();
        }
    }

    /**
     * Withdraws {@code w} if no signal chose it yet: marks it CANCELLED and unlinks it, under
     * listLock. The engine's give-up for blocking waiters.
     *
     * @return true if withdrawn, false if a signal had chosen it (its lock request is queued)
     */
    private boolean giveUp(Waiter w) {
        if (!w.isWaiting()) {
            return false;   // granted: a signal chose it and its request completed
        }
        final ReentrantLock l = listLock;
        l.lock();
        try {
            if (w.reacquire != null || !w.cancel()) {
                return false;
            }
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
            return true;
        } finally {
            l.unlock();
        }
    }

    /**
     * Signals up to {@code n} waiters without checking the lock: queues a lock request for each,
     * in list order, under listLock; attaches the requests' completion actions after unlocking.
     */
    private void signalWaiting(int n) {
        Waiter first = null;
        final ExclusiveLock userLock = lock;
        final ReentrantLock l = listLock;
        l.lock();
        try {
            Waiter last = null;
            Waiter h = head;
            int count = 0;
            while (h != null && count < n) {
                Waiter next = h.next;
                // Queued while listLock orders this signal against every other: the lock is
                // handed to signalled waiters in signal order. No completion action is attached
                // yet, so a request granted at once runs nothing here.
                h.reacquire = userLock.acquireAsync();   // chooses h: giveUp(h) now fails
                h.prev = null;
                h.next = null;
                if (last == null) {
                    first = h;
                } else {
                    last.next = h;
                }
                last = h;
                count++;
                h = next;
            }
            head = h;
            if (h == null) {
                tail = null;
            } else {
                h.prev = null;
            }
            waiterCount = waiterCount - count;
        } finally {
            l.unlock();
        }
        while (first != null) {
            Waiter next = first.next;
            first.next = null;
            onSignalled(first);
            first = next;
        }
    }

    /**
     * Attaches the completion action of a signalled waiter's lock request, outside listLock: the
     * waiter itself, which grants itself, then wakes its thread or completes its future. Runs at
     * once if the request is complete already. A request that completes exceptionally was
     * withdrawn by its waiter, which no longer waits.
     */
    private void onSignalled(Waiter w) {
        CompletableFuture<@Nullable Void> r = w.reacquire;
        // assert r != null;
        if (r != null) {
            r.whenComplete(w);
        }
    }
}
