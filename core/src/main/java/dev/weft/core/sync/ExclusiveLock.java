package dev.weft.core.sync;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A mutual-exclusion lock that is not owned by a thread: the contract that every Weft lock meets,
 * at every scale. Between threads ({@link Lock}, {@link ReadWriteLock.WriteLock}), between
 * processes on one host (the ipc lock), and between hosts, the same code acquires and releases
 * the same way, so the scale can be chosen later. It is the counterpart of Python's
 * {@code asyncio.Lock} and {@code multiprocessing.Lock}, and it is a
 * {@link java.util.concurrent.locks.Lock}, so it fits code written for the JDK's locks.
 *
 * <h2>Method forms</h2>
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead><tr><th></th><th>Throws</th><th>Special value</th><th>Blocks</th><th>Times out</th>
 *       <th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><th scope="row">acquire</th><td></td><td>{@link #tryAcquire()}</td><td>{@link #acquire()}</td><td>{@link #tryAcquire(Duration)}, {@link #tryAcquire(long, TimeUnit)}</td><td>{@link #acquireAsync()}</td></tr>
 *     <tr><th scope="row">acquire, reporting a dead holder</th><td></td><td>{@link #tryAcquireForResult()}</td><td>{@link #acquireForResult()}</td><td>{@link #tryAcquireForResult(Duration)}, {@link #tryAcquireForResult(long, TimeUnit)}</td><td>{@link #acquireForResultAsync()}</td></tr>
 *     <tr><th scope="row">acquire, JDK form</th><td></td><td>{@link #tryLock()}</td><td>{@link #lockInterruptibly()}</td><td>{@link #tryLock(long, TimeUnit)}</td><td></td></tr>
 *   </tbody>
 * </table>
 * {@link #acquireUninterruptibly()} (and the JDK's {@link #lock()}) blocks ignoring interrupts;
 * {@link #release()} (or {@link #unlock()}) frees the lock.
 *
 * <h2>What every implementation guarantees</h2>
 * <ul>
 *   <li><b>Mutual exclusion.</b> At most one caller holds the lock at any moment. Actions before a
 *       {@link #release()} <i>happen-before</i> the actions after the acquire that it lets
 *       succeed, whichever form that acquire takes (see
 *       {@linkplain dev.weft.core##memory the core rules}).</li>
 *   <li><b>Not owned, not re-entrant</b> (as in Python). The lock records no owner thread: any
 *       thread (any participant) may release a held lock, for example the thread that completes an
 *       {@link #acquireAsync()} future. Acquiring the lock while you hold it waits for yourself.
 *       </li>
 *   <li><b>One misuse exception.</b> Releasing a lock that is not held throws
 *       {@link IllegalMonitorStateException} and changes nothing (Python raises
 *       {@code RuntimeError} or {@code ValueError}).</li>
 *   <li><b>Never lost, never held twice.</b> An interrupted or timed-out acquire, or an
 *       asynchronous acquire whose future is cancelled, withdraws its request and leaves no trace.
 *       If the lock was granted at the very moment the request was withdrawn, exactly one side
 *       wins: either the acquire reports success (the blocking form returns normally with the
 *       interrupt status set again; a timed form returns {@code true}; {@code cancel} returns
 *       {@code false}) and the caller holds the lock, or the lock passes on as if the request had
 *       never been made. See {@linkplain dev.weft.core##cancellation the cancellation rules}.</li>
 *   <li><b>Timeouts</b> follow {@linkplain dev.weft.core##timeouts the core rules}.</li>
 *   <li><b>Fairness</b> is the implementation's to state (strict FIFO, or none).</li>
 * </ul>
 *
 * <h2>What a cross-process or cross-host implementation may add, and may not weaken</h2>
 * It may recover a lock whose holder provably died (a killed process, an expired lease): the next
 * acquirer takes the lock over. The {@code ...ForResult} forms then return
 * {@link LockResult#OWNER_DIED}, so the caller can repair what the lock protects; the plain forms
 * acquire normally and do not say so, so code that must know uses the result forms. It may not
 * take the lock from a holder that is alive, however long it holds it (a stopped or slow holder is
 * waited for), and it may not weaken mutual exclusion among live holders. It may not support
 * {@link #newCondition()} (then it throws {@link UnsupportedOperationException}, as the JDK
 * contract allows). A lock between threads never reports {@code OWNER_DIED}: its result forms
 * return {@link LockResult#ACQUIRED} or {@link LockResult#NOT_ACQUIRED}.
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread, platform or virtual; a waiting virtual thread does
 * not hold its carrier, and no implementation waits inside a monitor.
 *
 * {@snippet :
 * // Written once against the contract; the lock may be in-process or shared between processes.
 * static void transfer(ExclusiveLock accounts) throws InterruptedException {
 *     if (accounts.acquireForResult().ownerDied()) {
 *         repairAccounts();          // the previous holder died mid-update
 *     }
 *     try {
 *         updateAccounts();
 *     } finally {
 *         accounts.release();
 *     }
 * }
 *
 * transfer(new Lock());                     // between threads
 * transfer(domain.lock("accounts"));        // between processes
 * }
 *
 * @since 0.1
 */
public interface ExclusiveLock extends java.util.concurrent.locks.Lock {

    /**
     * Acquires the lock, waiting as long as needed: Python's {@code acquire()}.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if the lock can be taken now. Otherwise blocks (a virtual thread releases its
     * carrier) until a release lets this caller have the lock, until the holder is found dead (for
     * an implementation that recovers), or until the thread is interrupted; spurious wake-ups are
     * absorbed. If the interrupt status is set on entry, throws {@link InterruptedException} at once,
     * clearing it, without queueing. An interrupt while waiting withdraws the request and throws
     * {@code InterruptedException} with the status cleared, unless the lock was granted first: then
     * this method returns normally, the caller holds the lock, and the interrupt status is set
     * again.
     *
     * @throws InterruptedException if interrupted before the lock was acquired (it is then not held)
     */
    void acquire() throws InterruptedException;

    /**
     * Acquires the lock, waiting as long as needed and ignoring interrupts: an interrupt that
     * arrives while waiting is remembered and the interrupt status is set again on return.
     */
    void acquireUninterruptibly();

    /**
     * Acquires the lock if it can be taken now: Python's {@code acquire(blocking=False)}. Never
     * waits.
     *
     * @return {@code true} if the caller now holds the lock
     */
    boolean tryAcquire();

    /**
     * Acquires the lock, waiting at most {@code timeout}: Python's {@code acquire(timeout=t)}.
     * Blocks, wakes and reacts to interrupts as {@link #acquire()}.
     *
     * @param timeout the longest wait; zero or negative: as {@link #tryAcquire()}
     * @return {@code true} if the caller now holds the lock, {@code false} if the timeout elapsed
     *     first (nothing is left behind)
     * @throws InterruptedException if interrupted before the lock was acquired
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    boolean tryAcquire(Duration timeout) throws InterruptedException;

    /**
     * As {@link #tryAcquire(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait, in {@code unit}s; zero or negative: as {@link #tryAcquire()}
     * @param unit the unit of {@code timeout}
     * @return {@code true} if acquired, {@code false} on timeout
     * @throws InterruptedException if interrupted before the lock was acquired
     * @throws NullPointerException if {@code unit} is {@code null}
     */
    boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Acquires the lock asynchronously: the returned future completes (with {@code null}) once the
     * caller holds the lock, without holding a thread of the caller while it waits.
     *
     * <p>Cancelling the future (or completing it any other way, for example with
     * {@link CompletableFuture#orTimeout}) while the request is pending withdraws it: the lock is
     * not taken for it. If the lock was granted first, {@code cancel} returns {@code false} and
     * the caller holds the lock. Release only once the future has completed normally.
     *
     * @return a future completed when the caller holds the lock
     */
    CompletableFuture<@Nullable Void> acquireAsync();

    /**
     * As {@link #acquire()}, telling whether the previous holder died.
     *
     * @return {@link LockResult#ACQUIRED}, or {@link LockResult#OWNER_DIED} if the lock was taken
     *     over from a dead holder
     * @throws InterruptedException if interrupted before the lock was acquired
     */
    LockResult acquireForResult() throws InterruptedException;

    /**
     * As {@link #tryAcquire()}, telling whether the previous holder died. An implementation that
     * recovers checks a holder's liveness here too, so a lock left by a dead holder is recovered
     * even by a caller that does not wait.
     *
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DIED} or
     *     {@link LockResult#NOT_ACQUIRED}
     */
    LockResult tryAcquireForResult();

    /**
     * As {@link #tryAcquire(Duration)}, telling whether the previous holder died.
     *
     * @param timeout the longest wait; zero or negative: as {@link #tryAcquireForResult()}
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DIED}, or
     *     {@link LockResult#NOT_ACQUIRED} if the timeout elapsed first
     * @throws InterruptedException if interrupted before the lock was acquired
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    LockResult tryAcquireForResult(Duration timeout) throws InterruptedException;

    /**
     * As {@link #tryAcquireForResult(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return as {@link #tryAcquireForResult(Duration)}
     * @throws InterruptedException if interrupted before the lock was acquired
     * @throws NullPointerException if {@code unit} is {@code null}
     */
    LockResult tryAcquireForResult(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * As {@link #acquireAsync()}, telling whether the previous holder died.
     *
     * @return a future completed with {@link LockResult#ACQUIRED} or
     *     {@link LockResult#OWNER_DIED} when the caller holds the lock
     */
    CompletableFuture<LockResult> acquireForResultAsync();

    /**
     * Releases the lock: Python's {@code release()}. Any thread or participant may release a held
     * lock; a waiting request, if any, may then take it. Never blocks.
     *
     * @throws IllegalMonitorStateException if the lock is not held (nothing changes)
     */
    void release();

    /**
     * Whether the lock is held by anyone at this instant: Python's {@code locked()}. A snapshot.
     *
     * @return {@code true} if held
     */
    boolean isLocked();

    /**
     * {@link java.util.concurrent.locks.Lock} form of {@link #acquireUninterruptibly()}.
     */
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
     * @param unit the unit of {@code time}
     * @return {@code true} if acquired, {@code false} on timeout
     * @throws InterruptedException as {@link #tryAcquire(long, TimeUnit)}
     */
    @Override
    default boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return tryAcquire(time, unit);
    }

    /**
     * {@link java.util.concurrent.locks.Lock} form of {@link #release()}.
     *
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    default void unlock() {
        release();
    }
}
