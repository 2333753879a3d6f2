package dev.weft.core.sync;

import java.time.Duration;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
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
 * {@code notify} for {@link Object}'s monitor methods). Waiters are woken in FIFO order, but a
 * woken waiter returns only once it holds the lock again, so it must check its state again:
 * use {@link #waitFor(BooleanSupplier)}, which loops for you. Spurious returns are permitted.
 *
 * <p>Several conditions may share one lock ({@link Lock#newCondition()} or
 * {@link #Condition(Lock)}); {@link #Condition()} makes its own. The condition also offers the
 * lock's {@link #acquire()}, {@link #acquireAsync()} and {@link #release()}, so that Python's
 * {@code async with cond:} reads {@code cond.acquire(); try { ... } finally { cond.release(); }}.
 *
 * <table class="striped">
 *   <caption>Ways to wait</caption>
 *   <thead><tr><th></th><th>Blocks</th><th>Times out</th><th>Asynchronous</th>
 *     <th>Ignores interrupts</th></tr></thead>
 *   <tbody>
 *     <tr><td>for a signal</td><td>{@link #await()}</td><td>{@link #await(Duration)},
 *       {@link #awaitNanos(long)}</td><td>{@link #awaitAsync()}</td>
 *       <td>{@link #awaitUninterruptibly()}</td></tr>
 *     <tr><td>for a predicate</td><td>{@link #waitFor(BooleanSupplier)}</td>
 *       <td>{@link #waitFor(BooleanSupplier, Duration)}</td>
 *       <td>{@link #waitForAsync(BooleanSupplier)}</td><td></td></tr>
 *   </tbody>
 * </table>
 *
 * <p><b>The lock has no owner.</b> As in asyncio, the checks made by {@code await} and
 * {@code signal} are that the lock is held <em>by someone</em>, not by the calling thread. Code
 * that calls them without holding the lock, while another task holds it, releases the other
 * task's lock. Keep every call inside the section that holds the lock.
 *
 * <p><b>No lost wake-ups.</b> A signal goes only to a waiter that is still waiting, and the
 * choice is atomic with that waiter's giving up: a blocking waiter interrupted or timed out after
 * it was signalled returns normally (with the interrupt status set again), and an asynchronous
 * waiter whose future is cancelled after it was signalled passes the signal on to the next
 * waiter. This is the guarantee that CPython 3.13 added (gh-112202).
 *
 * <p><b>Memory consistency effects.</b> Actions before a {@code signal} that wakes a waiter, and
 * before the release of the lock that the waiter then acquires, <i>happen-before</i> the actions
 * after the waiter's return (see <a href="../package-summary.html#memory">memory
 * consistency</a>).
 *
 * <p><b>Thread safety.</b> All methods may be called from any thread. Futures of
 * {@link #awaitAsync()} are completed by the thread that hands the lock back to the waiter,
 * outside of any internal lock (see <a href="../package-summary.html#callbacks">callbacks</a>).
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
public final class Condition implements java.util.concurrent.locks.Condition {

    /*
     * Implementation notes
     *
     * Overview.
     * A FIFO list of waiters (parked threads or asynchronous waits) guarded by listLock, a
     * private ReentrantLock distinct from the user-visible lock: the user lock is unowned, so
     * holding it proves nothing about the calling thread, and cancellation callbacks of
     * asynchronous waiters run without it. Waiting is "enqueue, release the user lock, wait for
     * the status to change, re-acquire the user lock". Enqueueing before releasing closes the
     * window in which a signal could be missed.
     *
     * Invariants (under listLock).
     *  - Every listed waiter has status WAITING; a waiter leaves the list in the same critical
     *    section that moves it to SIGNALLED (signal) or CANCELLED (it gave up).
     * Linearization points.
     *  - await: the enqueue under listLock (then the user-lock release); the return: the
     *    re-acquire of the user lock.
     *  - signal(n): the critical section that marks up to n waiters SIGNALLED.
     *  - giving up (interrupt, timeout, cancel): the critical section that marks CANCELLED; if
     *    the waiter is already SIGNALLED it cannot give up and the signal is honoured (thread)
     *    or passed on (future).
     *
     * Memory ordering.
     *  - Waiter.status: volatile, written under listLock, read by the waiting thread without it.
     *  - Waiter.parked: volatile; Dekker pair with status, as in FifoPermits (the waiter writes
     *    parked then reads status; the signaller writes status then reads parked).
     *  - head, tail, prev, next: under listLock. waiterCount: volatile, written under listLock.
     *  The user lock's own release/acquire edges carry the caller's data.
     *
     * Blocking and cancellation.
     *  Blocking waiter: parks until status != WAITING. On interrupt or timeout it tries to move
     *  WAITING -> CANCELLED; if that fails it was signalled and returns normally (interrupt
     *  re-asserted). Either way it re-acquires the user lock uninterruptibly before returning or
     *  throwing, as java.util.concurrent.locks.Condition and asyncio both require.
     *  Asynchronous waiter (AsyncWait): a small state machine, phase WAITING -> REACQUIRING
     *  (signalled, taking the lock back) or WAITING -> ABANDONED (its future completed while it was
     *  listed and signalled but before the signaller started the re-acquire). Whoever finds the
     *  waiter signalled but its future dead passes one signal on: the future's completion callback
     *  when the phase is already REACQUIRING, the signaller when the phase is ABANDONED. The
     *  re-acquire future is cancelled when the result future completes; if the lock was handed to
     *  it anyway, it is released again (Lock's hand-off rule).
     *
     * Progress. Blocking: listLock is held for a bounded number of pointer operations and never
     *  while parking, unparking or completing a future.
     */

    // Waiter status values.
    /** Listed, waiting for a signal. Must be the initial value. */
    private static final int WAITING = 0;
    /** Chosen by a signal. Terminal. */
    private static final int SIGNALLED = 1;
    /** Gave up before any signal chose it. Terminal. */
    private static final int CANCELLED = 2;

    /** A listed waiter: a parked thread or an asynchronous wait. */
    private static final class Waiter {
        final @Nullable Thread thread;       // null for an asynchronous waiter
        final @Nullable AsyncWait async;     // null for a thread
        volatile int status;                 // WAITING -> SIGNALLED | CANCELLED, under listLock
        volatile boolean parked;             // written by the waiting thread only
        @Nullable Waiter prev;               // under listLock
        @Nullable Waiter next;               // under listLock; reused for the signalled chain

        Waiter(@Nullable Thread thread, @Nullable AsyncWait async) {
            this.thread = thread;
            this.async = async;
        }
    }

    private final ExclusiveLock lock;
    private final ReentrantLock listLock = new ReentrantLock();
    private @Nullable Waiter head;          // under listLock
    private @Nullable Waiter tail;          // under listLock
    private volatile int waiterCount;       // written under listLock

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

    private static final int INTERRUPTIBLE = 0;
    private static final int UNINTERRUPTIBLE = 1;
    private static final int TIMED = 2;

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
     * In every case the lock is acquired again (in FIFO order with other requests, ignoring
     * interrupts) before the method returns or throws, so the caller's {@code finally} releases a
     * lock it really holds. If the interrupt status is set on entry, throws
     * {@link InterruptedException} at once, clearing it, with the lock still held and nothing
     * released. If interrupted while waiting and not yet signalled, throws
     * {@code InterruptedException} (status cleared) after re-acquiring. If interrupted after
     * being signalled, returns normally with the interrupt status set, so the signal is not
     * lost.
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
     * value may be returned) or it timed out (the signal goes to another waiter).
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
    public boolean await(Duration timeout) throws InterruptedException {
        return awaitCore(TIMED, FifoPermits.toNanos(Objects.requireNonNull(timeout, "timeout"))) > 0L;
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
        long millis = deadline.getTime() - System.currentTimeMillis();
        return awaitCore(TIMED, TimeUnit.MILLISECONDS.toNanos(millis)) > 0L;
    }

    /**
     * The blocking wait.
     *
     * @return for TIMED, the remaining nanoseconds (<= 0 if timed out); else 1
     */
    private long awaitCore(int mode, long nanos) throws InterruptedException {
        requireLocked("wait on");
        if (mode != UNINTERRUPTIBLE && Thread.interrupted()) {
            throw new InterruptedException();
        }
        final long deadline = mode == TIMED ? System.nanoTime() + nanos : 0L;
        Waiter w = new Waiter(Thread.currentThread(), null);
        enqueue(w);
        releaseForWait(w);

        boolean throwInterrupt = false;   // interrupted before any signal: throw after re-acquiring
        boolean reInterrupt = false;      // interrupted after a signal, or while uninterruptible
        boolean timedOut = false;
        for (;;) {
            if (w.status != WAITING) {
                break;
            }
            long remaining = 0L;
            if (mode == TIMED) {
                remaining = deadline - System.nanoTime();
                if (remaining <= 0L) {
                    if (giveUp(w)) {
                        timedOut = true;
                        break;
                    }
                    continue; // signalled meanwhile
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
                    reInterrupt = true;
                } else if (giveUp(w)) {
                    throwInterrupt = true;
                    break;
                } else {
                    reInterrupt = true;  // signalled first: the signal is honoured
                    break;
                }
            }
        }

        lock.acquireUninterruptibly();   // re-asserts any interrupt that arrives meanwhile
        if (throwInterrupt) {
            Thread.interrupted();        // one InterruptedException reports all of them
            throw new InterruptedException();
        }
        if (reInterrupt) {
            Thread.currentThread().interrupt();
        }
        if (mode != TIMED) {
            return 1L;
        }
        return timedOut ? 0L : Math.max(deadline - System.nanoTime(), 1L);
    }

    /** Releases the user lock after {@code w} was listed; undoes the listing if that fails. */
    private void releaseForWait(Waiter w) {
        try {
            lock.release();
        } catch (IllegalMonitorStateException raced) {
            // Released by someone else since requireLocked(): the caller did not hold it.
            giveUp(w);
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
    public boolean waitFor(BooleanSupplier predicate, Duration timeout) throws InterruptedException {
        return waitForNanos(predicate, FifoPermits.toNanos(Objects.requireNonNull(timeout, "timeout")));
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
     * been signalled already, the signal is passed on to the next waiter (no lost wake-up), and a
     * lock handed over to it at that moment is released again. Do not complete the future
     * normally yourself.
     *
     * @return a future that completes with {@code null} when signalled and the lock is held
     * @throws IllegalMonitorStateException if the lock is not held
     */
    public CompletableFuture<@Nullable Void> awaitAsync() {
        requireLocked("wait on");
        CompletableFuture<@Nullable Void> result = new CompletableFuture<>();
        AsyncWait aw = new AsyncWait(result);
        Waiter w = new Waiter(null, aw);
        enqueue(w);
        releaseForWait(w);
        result.whenComplete((ignored, failure) -> {
            if (failure != null) {
                aw.onResultFailed(w);
            }
        });
        return result;
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

    /** The state of one {@link #awaitAsync()} beyond its listing. */
    private final class AsyncWait {
        /** Phase values. */
        private static final int LISTED = 0;        // must be the initial value
        private static final int REACQUIRING = 1;   // signalled; the lock is being re-acquired
        private static final int ABANDONED = 2;     // signalled, but the result died before re-acquiring

        final CompletableFuture<@Nullable Void> result;
        final AtomicInteger phase = new AtomicInteger(LISTED);

        AsyncWait(CompletableFuture<@Nullable Void> result) {
            this.result = result;
        }

        /** Called by a signaller, outside listLock, after it marked this waiter SIGNALLED. */
        void onSignalled() {
            if (!phase.compareAndSet(LISTED, REACQUIRING)) {
                // The result died (ABANDONED) after this waiter was chosen: pass the signal on.
                signalWaiting(1);
                return;
            }
            CompletableFuture<@Nullable Void> reacquire = lock.acquireAsync();
            reacquire.whenComplete((ignored, failure) -> {
                if (failure == null && !result.complete(null)) {
                    lock.release();  // the result died meanwhile: hand the lock on
                }
            });
            result.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    reacquire.cancel(false);
                }
            });
        }

        /** Called once when the result completes exceptionally (cancel, timeout, failure). */
        void onResultFailed(Waiter w) {
            if (giveUp(w)) {
                return;  // never signalled: nothing consumed
            }
            if (phase.compareAndSet(LISTED, ABANDONED)) {
                return;  // the signaller will see ABANDONED and pass the signal on
            }
            // REACQUIRING: this waiter consumed a signal it will not act on.
            signalWaiting(1);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Signals

    /**
     * Wakes the longest-waiting waiter, if any: the counterpart of {@code cond.notify()}.
     *
     * <p>The woken waiter returns from its wait only after it has acquired the lock, which this
     * method does not release.
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
     * @param n the most waiters to wake
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalMonitorStateException if the lock is not held
     */
    public void signal(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, was " + n);
        }
        requireLocked("notify on");
        signalWaiting(n);
    }

    /**
     * Wakes every waiter: the counterpart of {@code cond.notify_all()}.
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
     * Withdraws {@code w} if no signal chose it yet.
     *
     * @return true if withdrawn, false if it had been signalled
     */
    private boolean giveUp(Waiter w) {
        if (w.status != WAITING) {
            return false;
        }
        final ReentrantLock l = listLock;
        l.lock();
        try {
            if (w.status != WAITING) {
                return false;
            }
            w.status = CANCELLED;
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

    /** Signals up to {@code n} waiters without checking the lock; wakes them after unlocking. */
    private void signalWaiting(int n) {
        Waiter first = null;
        final ReentrantLock l = listLock;
        l.lock();
        try {
            Waiter last = null;
            Waiter h = head;
            int count = 0;
            while (h != null && count < n) {
                Waiter next = h.next;
                h.status = SIGNALLED;
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
            Thread t = first.thread;
            if (t != null) {
                if (first.parked) {
                    LockSupport.unpark(t);
                }
            } else {
                AsyncWait aw = first.async;
                // assert aw != null;
                if (aw != null) {
                    aw.onSignalled();
                }
            }
            first = next;
        }
    }
}
