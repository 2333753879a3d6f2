package dev.weft.ipc.lock;

import dev.weft.core.sync.LockResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A re-entrant lock shared by processes: the counterpart of Python's {@code multiprocessing.RLock},
 * with recovery from dead holders.
 *
 * <p><b>Semantics</b> (Python's): the lock is owned by one thread of one process. The owner may
 * acquire it again, and must release it as many times as it acquired it; only then is it free.
 * Only the owner may release it: a release by any other thread, in this process or another, throws
 * {@link IllegalMonitorStateException} and changes nothing (Python raises {@code RuntimeError}).
 * There is no fairness guarantee among waiters.
 *
 * <p><b>Not an {@link dev.weft.core.sync.ExclusiveLock}:</b> that contract promises a lock that any
 * thread may release and that is not re-entrant, as Python's {@code Lock} is; this lock promises the
 * opposite. It has the same method names and {@link LockResult} forms, and it is a
 * {@link java.util.concurrent.locks.Lock} with {@link java.util.concurrent.locks.ReentrantLock}'s
 * meaning. There is no asynchronous acquire, since a future would have no owning thread.
 *
 * <p><b>Recovery</b>: when the owning process dies (killed, crashed, or closed its domain), the next
 * acquirer that proves it dead takes the lock over, whatever its hold count was, and the
 * {@code ...ForResult} forms return {@link LockResult#OWNER_DIED}. A live owner, even one stopped by
 * a debugger or {@code SIGSTOP}, is never robbed.
 *
 * <table class="striped">
 *   <caption>Python's multiprocessing.RLock and IpcRLock</caption>
 *   <thead><tr><th>Python</th><th>Weft</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code multiprocessing.RLock()}</td><td>{@code domain.rlock("name")}</td></tr>
 *     <tr><td>{@code rlock.acquire()}</td><td>{@link #acquire()}, or {@link #acquireForResult()} to learn of a dead owner</td></tr>
 *     <tr><td>{@code rlock.acquire(False)}</td><td>{@link #tryAcquire()}</td></tr>
 *     <tr><td>{@code rlock.acquire(timeout=t)}</td><td>{@link #tryAcquire(Duration)}</td></tr>
 *     <tr><td>{@code rlock.release()}</td><td>{@link #release()}</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Blocking and cancellation</h2>
 * An acquire by the owner returns at once. Otherwise it blocks while another thread (of any process)
 * holds the lock, and wakes when the lock is freed, when the owner is found dead (checked once per
 * liveness slice), spuriously (it then waits again), or on interrupt: an interrupt on entry or
 * while waiting throws {@link InterruptedException} with the status cleared, and nothing is held.
 * On the futex back-end a platform thread notices an interrupt within 10 ms. A timed acquire that
 * times out returns {@code false} or {@link LockResult#NOT_ACQUIRED} and holds nothing.
 *
 * <p><b>Memory consistency effects:</b> actions of a thread before it frees the lock
 * <em>happen-before</em> actions of any thread, in any process, after it acquires the lock.
 *
 * <p><b>Thread safety:</b> all methods may be called from any thread, platform or virtual. Every
 * operation throws {@link IllegalStateException} once the domain handle is closed.
 *
 * {@snippet :
 * IpcRLock ledger = domain.rlock("ledger");
 * void transfer() throws InterruptedException {
 *     ledger.acquire();
 *     try {
 *         debit();      // debit() acquires ledger too: re-entrant
 *         credit();
 *     } finally {
 *         ledger.release();
 *     }
 * }
 * }
 *
 * @since 0.1
 */
public interface IpcRLock extends java.util.concurrent.locks.Lock {

    /**
     * The lock's name in its domain.
     *
     * @return the name
     */
    String name();

    /**
     * Acquires the lock, waiting as long as needed (see the class description).
     *
     * @throws InterruptedException if interrupted before acquiring
     */
    void acquire() throws InterruptedException;

    /**
     * Acquires the lock, waiting as long as needed and ignoring interrupts; the interrupt status is
     * set again on return if one arrived.
     */
    void acquireUninterruptibly();

    /**
     * Acquires the lock if the caller owns it or it is free (or its owner is provably dead) now.
     *
     * @return {@code true} if the caller now holds it
     */
    boolean tryAcquire();

    /**
     * Acquires the lock, waiting at most {@code timeout}.
     *
     * @param timeout the longest wait; zero or negative: as {@link #tryAcquire()}
     * @return {@code true} if acquired, {@code false} on timeout
     * @throws InterruptedException if interrupted before acquiring
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    boolean tryAcquire(Duration timeout) throws InterruptedException;

    /**
     * As {@link #tryAcquire(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit
     * @return {@code true} if acquired, {@code false} on timeout
     * @throws InterruptedException if interrupted before acquiring
     */
    boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * As {@link #acquire()}, telling whether the lock was taken over from a dead owner.
     *
     * @return {@link LockResult#ACQUIRED} (also for a re-entrant acquire), or
     *     {@link LockResult#OWNER_DIED}
     * @throws InterruptedException if interrupted before acquiring
     */
    LockResult acquireForResult() throws InterruptedException;

    /**
     * As {@link #tryAcquire()}, telling whether the lock was taken over from a dead owner.
     *
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DIED} or
     *     {@link LockResult#NOT_ACQUIRED}
     */
    LockResult tryAcquireForResult();

    /**
     * As {@link #tryAcquire(Duration)}, telling whether the lock was taken over from a dead owner.
     *
     * @param timeout the longest wait
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DIED} or
     *     {@link LockResult#NOT_ACQUIRED}
     * @throws InterruptedException if interrupted before acquiring
     */
    LockResult tryAcquireForResult(Duration timeout) throws InterruptedException;

    /**
     * Releases one hold: the lock is freed when the owner has released as many times as it
     * acquired. Never blocks.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock (nothing
     *     changes)
     * @throws IllegalStateException if the domain is closed
     */
    void release();

    /**
     * Whether the calling thread holds the lock.
     *
     * @return {@code true} if it does
     */
    boolean isHeldByCurrentThread();

    /**
     * How many times the calling thread holds the lock (0 if it does not).
     *
     * @return the hold count
     */
    int holdCount();

    /**
     * Whether any thread of any process holds the lock at this instant (a snapshot).
     *
     * @return {@code true} if held
     */
    boolean isLocked();

    /** {@link java.util.concurrent.locks.Lock} form of {@link #acquireUninterruptibly()}. */
    @Override
    default void lock() {
        acquireUninterruptibly();
    }

    /**
     * {@link java.util.concurrent.locks.Lock} form of {@link #acquire()}.
     *
     * @throws InterruptedException as {@link #acquire()}
     */
    @Override
    default void lockInterruptibly() throws InterruptedException {
        acquire();
    }

    /**
     * {@link java.util.concurrent.locks.Lock} form of {@link #tryAcquire()}.
     *
     * @return {@code true} if acquired
     */
    @Override
    default boolean tryLock() {
        return tryAcquire();
    }

    /**
     * {@link java.util.concurrent.locks.Lock} form of {@link #tryAcquire(long, TimeUnit)}.
     *
     * @param time the longest wait
     * @param unit the unit
     * @return {@code true} if acquired
     * @throws InterruptedException as {@link #tryAcquire(long, TimeUnit)}
     */
    @Override
    default boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return tryAcquire(time, unit);
    }

    /** {@link java.util.concurrent.locks.Lock} form of {@link #release()}. */
    @Override
    default void unlock() {
        release();
    }
}
