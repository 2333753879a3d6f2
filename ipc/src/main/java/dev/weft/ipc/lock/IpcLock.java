package dev.weft.ipc.lock;

import dev.weft.core.sync.LockResult;
import dev.weft.core.sync.ExclusiveLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A mutual-exclusion lock shared by processes: the counterpart of Python's
 * {@code multiprocessing.Lock}, with recovery from dead holders. It meets the
 * {@link ExclusiveLock} contract that every Weft lock meets, so code written against that
 * contract runs unchanged on it.
 *
 * <p><b>Semantics</b> (Python's): the lock is either free or held. It is not re-entrant: a holder
 * that acquires again blocks (or fails a try). Any process or thread may release it, not only the
 * one that acquired it; releasing a free lock throws {@link IllegalMonitorStateException}. There is
 * no fairness guarantee among waiters.
 *
 * <p><b>Recovery</b> (Weft's addition): a holder that dies without releasing (killed, crashed, or
 * closed its domain) does not leave the lock held forever. The next acquirer that can
 * <em>prove</em> the holder is gone takes the lock over; the {@code ...ForResult} forms return
 * {@link LockResult#OWNER_DIED} then, so the caller can repair what the lock protects (the plain
 * forms of the contract acquire without saying so). A holder that is alive (stopped by a debugger or
 * {@code SIGSTOP}, paused by GC, merely slow) is never robbed, however long it holds the lock:
 * waiters wait, and timed waits time out.
 *
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead><tr><th></th><th>Throws</th><th>Special value</th><th>Blocks</th><th>Times out</th>
 *       <th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><th scope="row">acquire</th><td></td><td>{@link #tryAcquire()}</td><td>{@link #acquire()}</td><td>{@link #tryAcquire(Duration)}, {@link #tryAcquire(long, TimeUnit)}</td><td>{@link #acquireAsync()}</td></tr>
 *     <tr><th scope="row">acquire, reporting a dead holder</th><td></td><td>{@link #tryAcquireForResult()}</td><td>{@link #acquireForResult()}</td><td>{@link #tryAcquireForResult(Duration)}, {@link #tryAcquireForResult(long, TimeUnit)}</td><td>{@link #acquireForResultAsync()}</td></tr>
 *   </tbody>
 * </table>
 * Python's {@code acquire()}, {@code acquire(False)} and {@code acquire(timeout=t)} are
 * {@code acquireForResult()}, {@code tryAcquireForResult()} and {@code tryAcquireForResult(t)}; the
 * {@link java.util.concurrent.locks.Lock} forms ({@code lock}, {@code tryLock}, {@code unlock}) map
 * onto these as {@link ExclusiveLock} says. {@link #release()} throws
 * {@link IllegalMonitorStateException} if the lock is free (Python: {@code ValueError}).
 * {@link #newCondition()} is not supported.
 *
 * <p><b>Memory consistency effects:</b> actions of a process before it releases the lock
 * <em>happen-before</em> actions of any process after it acquires the lock (including an acquire
 * that reports {@code OWNER_DIED}: everything the dead holder wrote before it died is visible, but
 * it may not have finished).
 *
 * <p><b>Implementations</b> must keep these contracts; the shared-memory implementation behind
 * {@link dev.weft.ipc.IpcDomain#lock(String)} adds: an uncontended acquire and release make no
 * system call; a dead holder is detected within one liveness slice of a waiter's wait.
 *
 * <p><b>Thread safety:</b> all methods may be called from any thread, platform or virtual; a
 * waiting virtual thread does not hold its carrier.
 *
 * {@snippet :
 * IpcLock lock = domain.lock("accounts");
 * if (lock.acquireForResult().ownerDied()) {
 *     repairAccounts();          // the previous holder died mid-update
 * }
 * try {
 *     updateAccounts();
 * } finally {
 *     lock.release();
 * }
 * }
 *
 * @since 0.1
 */
public interface IpcLock extends ExclusiveLock {

    /**
     * The lock's name in its domain.
     *
     * @return the name
     */
    String name();

    /**
     * Acquires the lock, waiting as long as needed, and tells whether the previous holder died.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks while another participant holds the lock. Wakes when the lock is released, when the
     * holder is found dead (checked once per liveness slice of waiting), spuriously (it then simply
     * waits again), or on interrupt. If the thread is interrupted on entry or while waiting, throws
     * {@link InterruptedException} and clears the status; the lock is then not held by the caller.
     * On the futex back-end a platform thread notices an interrupt within 10 ms; elsewhere at once.
     *
     * @return {@link LockResult#ACQUIRED}, or {@link LockResult#OWNER_DIED} if the lock was taken
     *     over from a dead holder
     * @throws InterruptedException if interrupted before acquiring
     * @throws IllegalStateException if the lock's domain is closed
     */
    @Override
    LockResult acquireForResult() throws InterruptedException;

    /**
     * Acquires the lock if it is free now, or if its holder is provably dead; never waits.
     *
     * <p>When the lock is held by another process, this probes the holder's liveness (one cheap
     * system call), so a lock left by a dead process is recovered even by a non-blocking caller.
     *
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DIED} or
     *     {@link LockResult#NOT_ACQUIRED}
     * @throws IllegalStateException if the lock's domain is closed
     */
    @Override
    LockResult tryAcquireForResult();

    /**
     * Acquires the lock, waiting at most {@code timeout}.
     *
     * <p>Blocks, wakes and reacts to interrupts as {@link #acquireForResult()}. The timeout is a
     * minimum wait (the call may return a little later); zero or negative means
     * {@link #tryAcquireForResult()} (Python treats a negative timeout as zero). Before giving up at
     * the deadline it checks once more whether the holder is dead.
     *
     * @param timeout the longest wait
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DIED}, or
     *     {@link LockResult#NOT_ACQUIRED} if the timeout elapsed (nothing is left behind but possibly
     *     a sleeper flag in the lock word, which costs the next releaser one wake-up call)
     * @throws InterruptedException if interrupted before acquiring
     * @throws IllegalStateException if the lock's domain is closed
     */
    @Override
    LockResult tryAcquireForResult(Duration timeout) throws InterruptedException;

    /**
     * Acquires the lock asynchronously: the future is already complete if the lock could be taken
     * at once (or taken over from a dead holder); otherwise a virtual thread of its own, which holds
     * no carrier while it waits, acquires it and completes the future with the result.
     *
     * <p>Cancelling the future (or completing it any other way) before the lock is granted
     * withdraws the request: the waiting thread is interrupted, and if it had acquired the lock at
     * that moment it releases it at once, so the lock is never lost and never held twice. The
     * future completes exceptionally with {@link IllegalStateException} if the domain is closed.
     *
     * @return a future completed with {@link LockResult#ACQUIRED} or
     *     {@link LockResult#OWNER_DIED}
     * @throws IllegalStateException if the lock's domain is closed
     */
    @Override
    CompletableFuture<LockResult> acquireForResultAsync();

    /**
     * Releases the lock, which any participant may do (as in Python), and wakes one waiter if any
     * may be asleep.
     *
     * @throws IllegalMonitorStateException if the lock is not held (Python raises
     *     {@code ValueError})
     * @throws IllegalStateException if the lock's domain is closed: closing ended this process's
     *     registration, so another process may already have taken the lock over (as from a dead
     *     holder), and a release now would rob it
     */
    @Override
    void release();

    /**
     * Whether some participant holds the lock at this instant (a snapshot, stale at once).
     *
     * @return {@code true} if held
     */
    @Override
    boolean isLocked();
}
