package dev.weft.core.sync;

import dev.weft.core.internal.Durations;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A mutual-exclusion lock that is not owned by a thread: the counterpart of
 * {@code asyncio.Lock}, usable from platform threads, virtual threads and
 * {@code CompletableFuture} pipelines alike.
 *
 * <p>The lock is either free or held. {@code acquire} takes it, waiting while it is held;
 * {@link #release()} frees it and lets a queued request have it. Like {@code asyncio.Lock}, and unlike {@link java.util.concurrent.locks.ReentrantLock}:
 * <ul>
 *   <li><b>Not owned.</b> The lock records no owner thread, so any thread may release it: the
 *       thread that completes an {@link #acquireAsync()} future, a callback, or a different task.
 *       Releasing a free lock throws {@link IllegalMonitorStateException}.</li>
 *   <li><b>Not reentrant.</b> Acquiring the lock while you hold it waits for yourself forever.</li>
 *   <li><b>Bounded barging by default, strictly FIFO on request.</b> Requests that must wait
 *       join one queue, blocking and asynchronous ones alike, and are served in arrival order
 *       among themselves. In the default mode a release does not hand the lock to the head of
 *       the queue: it frees the lock and wakes the head, and a running thread that acquires
 *       meanwhile (including {@link #tryAcquire()}) may take it first, as with
 *       {@code ReentrantLock}'s default mode. The lock never sits idle while a woken thread is
 *       being scheduled, which is what makes short critical sections fast under contention.
 *       Barging is bounded: once the request at the head of the queue has waited longer than
 *       about 1 ms, every release hands the lock straight to the longest-waiting request and
 *       nobody barges, until the queue is empty or a request that had waited less than 1 ms is
 *       served. So no request waits much longer than 1 ms plus the time to serve, in order, those
 *       queued ahead of it. A lock made by {@link #fair()} always hands off, as
 *       {@code asyncio.Lock} does: a thread that releases and at once acquires again queues
 *       behind the existing waiters, and {@link #tryAcquire()} fails while anybody waits.</li>
 * </ul>
 *
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead><tr><th></th><th>Throws</th><th>Special value</th><th>Blocks</th><th>Times out</th>
 *       <th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><th scope="row">acquire</th><td></td><td>{@link #tryAcquire()}</td><td>{@link #acquire()}</td><td>{@link #tryAcquire(Duration)}, {@link #tryAcquire(long, TimeUnit)}</td><td>{@link #acquireAsync()}</td></tr>
 *   </tbody>
 * </table>
 * {@link #acquireUninterruptibly()} blocks ignoring interrupts. The {@code ...ForResult} forms of
 * {@link ExclusiveLock} always report {@link LockResult#ACQUIRED} or {@link LockResult#NOT_ACQUIRED}
 * here: a holder between threads cannot die.
 * The {@link java.util.concurrent.locks.Lock} methods map onto these: {@link #lock()} is
 * {@link #acquireUninterruptibly()}, {@link #lockInterruptibly()} is {@link #acquire()},
 * {@link #tryLock()} is {@link #tryAcquire()}, {@link #unlock()} is {@link #release()}.
 *
 * <p><b>Memory consistency effects.</b> Actions before a {@link #release()} <i>happen-before</i>
 * the actions after the acquire that it lets succeed, whichever form that acquire takes (see
 * <a href="../package-summary.html#memory">memory consistency</a>).
 *
 * <p><b>Cancellation.</b> An interrupted or timed-out blocking acquire, or an asynchronous
 * acquire whose future is cancelled, withdraws its request and leaves no trace. If the lock was
 * handed to the request at the very moment it was withdrawn, exactly one side wins: either the
 * acquire reports success (the blocking form returns normally with the interrupt status set
 * again; a timed form returns {@code true}; {@code cancel} returns {@code false}) and the caller
 * holds the lock, or the lock passes to the next request, or becomes free. The lock is never
 * lost and never held twice. See the <a href="../package-summary.html#cancellation">cancellation
 * rules</a>.
 *
 * <p><b>Thread safety.</b> All methods may be called from any thread. Futures returned by
 * {@link #acquireAsync()} are completed by the thread that releases the lock, outside of any
 * internal lock (see <a href="../package-summary.html#callbacks">callbacks</a>).
 *
 * <p><b>Pitfalls.</b> Because the lock has no owner, a stray {@code release()} by code that does
 * not hold it succeeds and breaks mutual exclusion for the real holder; keep acquire and release
 * paired in {@code try}/{@code finally}. A {@link #fair()} lock held for a very short time by
 * many threads costs a thread hand-off (a wake-up) per acquisition; the default mode trades
 * strict order for throughput, within the 1 ms bound.
 *
 * {@snippet :
 * Lock lock = new Lock();
 *
 * // Blocking, e.g. on a virtual thread
 * lock.acquire();
 * try {
 *     counter++;
 * } finally {
 *     lock.release();
 * }
 *
 * // Asynchronous: no thread waits
 * lock.acquireAsync().thenRun(() -> {
 *     try {
 *         counter++;
 *     } finally {
 *         lock.release();
 *     }
 * });
 * }
 * In the asynchronous form, release only once the acquire has succeeded: if the future of
 * {@code acquireAsync()} is cancelled or fails, nothing is held.
 *
 * @see Semaphore
 * @see Condition
 * @since 0.1
 */
public final class Lock implements LocalExclusiveLock {

    /*
     * Implementation notes
     *
     * Overview. A FifoPermits pool holding one permit: free = 1 available, held = 0. Release
     * checks "available + 1 <= 1" atomically with adding the permit, so releasing a free lock
     * fails without changing anything. All queueing, hand-off and cancellation logic, with its
     * invariants, linearization points and memory ordering, is in FifoPermits.
     */

    private final FifoPermits sync;

    /**
     * Creates a lock that is free, in the default bounded-barging mode (see the class
     * documentation); {@link #fair()} creates a strictly FIFO one.
     */
    public Lock() {
        this(false);
    }

    private Lock(boolean fair) {
        this.sync = new FifoPermits("Lock", 1L, fair);
    }

    /**
     * Creates a lock that is free and strictly FIFO, as {@code asyncio.Lock} is: nobody barges
     * ahead of queued requests, at the cost of a thread hand-off per contended acquisition.
     *
     * @return a new fair lock
     */
    public static Lock fair() {
        return new Lock(true);
    }

    /**
     * Whether this lock is strictly FIFO ({@link #fair()}) rather than bounded-barging.
     *
     * @return {@code true} if fair
     */
    public boolean isFair() {
        return sync.isFair();
    }

    /**
     * Acquires the lock, waiting while it is held or while others queue for it: the counterpart
     * of {@code await lock.acquire()}.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if the lock is free (in fair mode, or while the lock hands off: free and
     * nobody queued); in the default mode a virtual thread that finds it held first yields its
     * carrier up to twice, trying again after each yield. Otherwise the request joins the FIFO
     * queue and the thread blocks (releasing its carrier if it is a virtual thread) until it
     * takes the lock at the head of the queue after a {@link #release()} woke it, or a release
     * hands the lock to it; spurious wake-ups are absorbed. If the interrupt status is set on
     * entry, throws {@link InterruptedException} at once, clearing it, without queueing. An
     * interrupt while waiting withdraws the request and throws
     * {@code InterruptedException} with the status cleared, unless the lock was handed over
     * first: then this method returns normally, the caller holds the lock, and the interrupt
     * status is set again.
     *
     * @throws InterruptedException if interrupted before or while waiting (the lock is then not
     *     held)
     */
    @Override
    public void acquire() throws InterruptedException {
        sync.acquire(1L);
    }

    /**
     * Acquires the lock, waiting as {@link #acquire()} does but without reacting to interrupts:
     * an interrupt while waiting is remembered and the interrupt status is set again when the
     * lock has been acquired.
     */
    @Override
    public void acquireUninterruptibly() {
        sync.acquireUninterruptibly(1L);
    }

    /**
     * Acquires the lock if it is free, without waiting.
     *
     * <p>In the default mode this barges ahead of queued requests, as
     * {@link java.util.concurrent.locks.ReentrantLock#tryLock()} does, except while the lock
     * hands off to a request that has waited past the 1 ms bound. A {@link #fair()} lock never
     * barges: this fails while anybody is queued.
     *
     * @return whether the lock was acquired
     */
    @Override
    public boolean tryAcquire() {
        return sync.tryAcquire(1L);
    }

    /**
     * Acquires the lock, waiting at most {@code timeout}.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #acquire()}, but gives up after the timeout (a minimum wait; see the
     * <a href="../package-summary.html#timeouts">timeout rules</a>). A zero or negative timeout
     * polls once, like {@link #tryAcquire()} (after the interrupt check). A request that times
     * out is withdrawn; if the lock was handed over at that moment, the method returns
     * {@code true} and the caller holds it.
     *
     * @param timeout the longest time to wait
     * @return {@code true} if the lock was acquired, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted before or while waiting (the lock is then not
     *     held)
     * @throws NullPointerException if {@code timeout} is null
     */
    @Override
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        return sync.tryAcquireNanos(1L, Durations.toNanos(timeout));
    }

    /**
     * As {@link #tryAcquire(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest time to wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return {@code true} if the lock was acquired, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted before or while waiting (the lock is then not
     *     held)
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return sync.tryAcquireNanos(1L, unit.toNanos(timeout));
    }

    /**
     * Requests the lock without blocking a thread; the returned future completes with
     * {@code null} once the lock is held on the caller's behalf.
     *
     * <p>If the lock can be taken at once (as by {@link #tryAcquire()}), the future is already
     * complete. Otherwise the request joins the same FIFO queue as blocking acquires, and the
     * future is completed by the thread whose {@link #release()} finds it at the head of the
     * queue with the lock free, in either mode (a future cannot take the lock by itself) (dependent actions attached with
     * non-async methods run in that thread).
     *
     * <h4>Cancellation</h4>
     * Cancelling the future, or completing it in any other way (for example through
     * {@link CompletableFuture#orTimeout}), withdraws the request. If it races with a hand-off,
     * either the hand-off came first ({@code cancel} returns {@code false}, the future completes
     * normally and the caller holds the lock and must release it), or the cancel won and the lock passes to the next request:
     * it is never lost. Never complete the future with a value yourself: that withdraws the
     * request too, and nothing is held.
     * A queued request's future is the request itself: its {@code obtrudeValue},
     * {@code obtrudeException} and {@code completeAsync} throw
     * {@code UnsupportedOperationException} (they would bypass the withdrawal), and stages
     * derived from it are plain futures whose cancellation does not withdraw anything.
     *
     * @return a future that completes with {@code null} when the lock is held
     */
    @Override
    public CompletableFuture<@Nullable Void> acquireAsync() {
        return sync.acquireAsync(1L);
    }

    /**
     * Releases the lock: frees it and wakes the request at the head of the queue, if any (a
     * queued future is completed here, holding the lock); while the lock hands off (fair mode,
     * or the head has waited past the 1 ms bound) the lock goes straight to that request.
     * Any thread may release, not only the one that acquired (the lock has no owner).
     *
     * @throws IllegalMonitorStateException if the lock is not held (nothing changes)
     */
    @Override
    public void release() {
        if (!sync.release(1L, 0L, 1L)) {
            throw new IllegalMonitorStateException("Lock is not acquired: release() called on a free lock");
        }
    }

    /**
     * Whether the lock is held, by anyone: the counterpart of {@code lock.locked()}.
     *
     * @return {@code true} if held; a snapshot that may change at once
     */
    @Override
    public boolean isLocked() {
        return sync.available() == 0L;
    }

    /**
     * Whether requests are queued for the lock.
     *
     * @return {@code true} if at least one request waits; a snapshot that may change at once
     */
    public boolean hasWaiters() {
        return sync.hasWaiters();
    }

    /**
     * The number of queued requests, blocking and asynchronous.
     *
     * @return an estimate: the queue may change while it is read
     */
    public int waiterCount() {
        return sync.queueLength();
    }

    /**
     * Creates a {@link Condition} bound to this lock: the counterpart of
     * {@code asyncio.Condition(lock)}.
     *
     * @return a new condition
     */
    @Override
    public Condition newCondition() {
        return new Condition(this);
    }

    /**
     * Acquires the lock, ignoring interrupts while waiting; the same as
     * {@link #acquireUninterruptibly()}.
     */
    @Override
    public void lock() {
        sync.acquireUninterruptibly(1L);
    }

    /**
     * Acquires the lock unless interrupted; the same as {@link #acquire()}.
     *
     * @throws InterruptedException if interrupted before or while waiting
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        sync.acquire(1L);
    }

    /**
     * Acquires the lock if it is free; the same as {@link #tryAcquire()} (it barges in the
     * default mode, never in fair mode).
     *
     * @return whether the lock was acquired
     */
    @Override
    public boolean tryLock() {
        return sync.tryAcquire(1L);
    }

    /**
     * Acquires the lock, waiting at most the given time; the same as
     * {@link #tryAcquire(Duration)}.
     *
     * @param time the longest time to wait
     * @param unit the unit of {@code time}
     * @return {@code true} if acquired, {@code false} if the time elapsed first
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return sync.tryAcquireNanos(1L, unit.toNanos(time));
    }

    /**
     * Releases the lock; the same as {@link #release()}.
     *
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    public void unlock() {
        release();
    }

    /**
     * Describes the state, for diagnostics: {@code Lock[locked, waiters=2]}.
     *
     * @return a description of the current state
     */
    @Override
    public String toString() {
        return "Lock[" + (isLocked() ? "locked" : "unlocked") + ", waiters=" + sync.queueLength() + "]";
    }
}
