package dev.weft.ipc.lock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A mutual-exclusion lock shared by processes: the counterpart of Python's
 * {@code multiprocessing.Lock}, with recovery from dead holders.
 *
 * <p><b>Semantics</b> (Python's): the lock is either free or held. It is not re-entrant: a holder
 * that acquires again blocks (or gets {@link LockResult#NOT_ACQUIRED} from a try). Any process or
 * thread may release it, not only the one that acquired it; releasing a free lock is an error. There
 * is no fairness guarantee among waiters.
 *
 * <p><b>Recovery</b> (Weft's addition): a holder that dies without releasing (killed, crashed, or
 * closed its domain) does not leave the lock held forever. The next acquirer that can
 * <em>prove</em> the holder is gone takes the lock over and receives {@link LockResult#OWNER_DIED},
 * so it can repair what the lock protects. A holder that is alive (stopped by a debugger or
 * {@code SIGSTOP}, paused by GC, merely slow) is never robbed, however long it holds the lock:
 * waiters wait, and timed waits time out.
 *
 * <table class="striped">
 *   <caption>Method forms</caption>
 *   <thead><tr><th>Python</th><th>Weft</th><th>returns</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code acquire()}</td><td>{@link #acquire()}</td><td>{@code ACQUIRED} or {@code OWNER_DIED}; blocks</td></tr>
 *     <tr><td>{@code acquire(False)}</td><td>{@link #tryAcquire()}</td><td>any {@link LockResult}; never blocks</td></tr>
 *     <tr><td>{@code acquire(timeout=t)}</td><td>{@link #tryAcquire(Duration)}</td><td>any {@link LockResult}; blocks at most about {@code t}</td></tr>
 *     <tr><td>{@code release()}</td><td>{@link #release()}</td><td>throws {@link IllegalStateException} if free (Python: {@code ValueError})</td></tr>
 *   </tbody>
 * </table>
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
 * if (lock.acquire().ownerDied()) {
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
public interface IpcLock {

    /**
     * The lock's name in its domain.
     *
     * @return the name
     */
    String name();

    /**
     * Acquires the lock, waiting as long as needed.
     *
     * <h4>Blocking</h4>
     * Blocks while another participant holds the lock. Wakes when the lock is released, when the
     * holder is found dead (checked once per liveness slice of waiting), spuriously (it then simply
     * waits again), or on interrupt.
     *
     * <h4>Interrupts</h4>
     * If the thread is interrupted on entry or while waiting, throws {@link InterruptedException}
     * and clears the status; the lock is then not held by the caller. On the futex back-end a
     * platform thread notices an interrupt within 10 ms; elsewhere at once.
     *
     * @return {@link LockResult#ACQUIRED}, or {@link LockResult#OWNER_DIED} if the lock was taken
     *     over from a dead holder
     * @throws InterruptedException if interrupted before acquiring
     * @throws IllegalStateException if the lock's domain is closed
     */
    LockResult acquire() throws InterruptedException;

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
    LockResult tryAcquire();

    /**
     * Acquires the lock, waiting at most {@code timeout}.
     *
     * <p>Blocks, wakes and reacts to interrupts as {@link #acquire()}. The timeout is a minimum wait
     * (the call may return a little later); zero or negative means {@link #tryAcquire()} (Python
     * treats a negative timeout as zero). Before giving up at the deadline it checks once more whether
     * the holder is dead.
     *
     * @param timeout the longest wait
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DIED}, or
     *     {@link LockResult#NOT_ACQUIRED} if the timeout elapsed (nothing is left behind but possibly
     *     a sleeper flag in the lock word, which costs the next releaser one wake-up call)
     * @throws InterruptedException if interrupted before acquiring
     * @throws IllegalStateException if the lock's domain is closed
     */
    LockResult tryAcquire(Duration timeout) throws InterruptedException;

    /**
     * As {@link #tryAcquire(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait
     * @param unit the unit of {@code timeout}
     * @return as {@link #tryAcquire(Duration)}
     * @throws InterruptedException if interrupted before acquiring
     * @throws IllegalStateException if the lock's domain is closed
     */
    LockResult tryAcquire(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Releases the lock, which any participant may do (as in Python), and wakes one waiter if any
     * may be asleep.
     *
     * @throws IllegalStateException if the lock is not held (Python raises {@code ValueError})
     */
    void release();

    /**
     * Whether some participant holds the lock at this instant (a snapshot, stale at once).
     *
     * @return {@code true} if held
     */
    boolean isLocked();
}
