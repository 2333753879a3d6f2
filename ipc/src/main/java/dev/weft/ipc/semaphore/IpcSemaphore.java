package dev.weft.ipc.semaphore;

import dev.weft.core.sync.CountingSemaphore;
import dev.weft.core.sync.LockResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A counting semaphore shared by processes: the counterpart of Python's
 * {@code multiprocessing.Semaphore}, with recovery of the permits of dead holders. It meets the
 * {@link CountingSemaphore} contract that every Weft semaphore meets, so code written against that
 * contract runs unchanged on it.
 *
 * <p><b>Semantics</b> (Python's, weighted): the semaphore holds a number of permits; an acquire of
 * {@code k} takes all {@code k} at once or waits; any process or thread may release. There is no
 * fairness guarantee among waiters: a large request may wait while smaller ones are served.
 *
 * <p><b>Holdings and recovery</b> (Weft's addition). The semaphore records, per process, how many
 * permits it holds: acquires add to the caller's process, releases take from it. When a process
 * dies (killed, crashed, or closed its domain) holding permits, they return to the pool, exactly as
 * many as it held, and the {@code ...ForResult} forms of the acquires that take them return
 * {@link LockResult#OWNER_DIED}. A process that releases more than it holds releases the rest
 * <em>on behalf of</em> the holders (Python allows that, for example a producer that releases what
 * a consumer acquired): those permits are counted, and when a holder dies only its permits beyond
 * that count return, so no permit is ever counted twice. A live holder, even one stopped by a
 * debugger or {@code SIGSTOP}, keeps its permits however long it holds them.
 *
 * <table class="striped">
 *   <caption>Python's multiprocessing.Semaphore and IpcSemaphore</caption>
 *   <thead><tr><th>Python</th><th>Weft</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code multiprocessing.Semaphore(3)}</td><td>{@code domain.semaphore("name", 3)}</td></tr>
 *     <tr><td>{@code sem.acquire()}</td><td>{@link #acquire()}, or {@link #acquireForResult()} to learn of a dead holder</td></tr>
 *     <tr><td>{@code sem.acquire(False)}</td><td>{@link #tryAcquire()}</td></tr>
 *     <tr><td>{@code sem.acquire(timeout=t)}</td><td>{@link #tryAcquire(Duration)}</td></tr>
 *     <tr><td>{@code sem.release()}</td><td>{@link #release()}</td></tr>
 *     <tr><td>{@code sem.get_value()}</td><td>{@link #availablePermits()}</td></tr>
 *     <tr><td>(no counterpart)</td><td>{@link #acquire(int)}, {@link #release(int)}: weighted; {@link #acquireAsync()}</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Blocking and cancellation</h2>
 * A waiting acquire sleeps until a release (in any process) adds permits, until the liveness probe
 * it makes once per liveness slice finds a dead holder whose permits it returns, spuriously, or on
 * interrupt; the permits are taken only by the waiter itself, so an interrupted or timed-out acquire
 * has taken nothing. On the futex back-end a platform thread notices an interrupt within 10 ms;
 * elsewhere at once. A non-blocking {@link #tryAcquire()} that finds too few permits probes the
 * holders' liveness too (one cheap system call per holder), so dead holders' permits are recovered
 * even by callers that never wait. The asynchronous forms run a virtual thread of their own when
 * the permits are not available at once; cancelling the future interrupts it, and permits it took
 * at that moment are released at once.
 *
 * <p><b>Memory consistency effects:</b> actions of a process before it releases permits
 * <em>happen-before</em> actions of any process after an acquire that takes them.
 *
 * <p><b>Implementation</b> (shared memory, {@link dev.weft.ipc.IpcDomain#semaphore(String, int)}):
 * an uncontended acquire and release make no system call; a release wakes sleepers only if some
 * announced themselves. Every operation updates the pool and the caller's holding in one short
 * critical section, journalled so that a process killed inside it is rolled back.
 *
 * <p><b>Thread safety:</b> all methods may be called from any thread, platform or virtual; a
 * waiting virtual thread does not hold its carrier. Every operation throws
 * {@link IllegalStateException} once the domain handle is closed.
 *
 * {@snippet :
 * IpcSemaphore gpus = domain.semaphore("gpus", 2);   // at most two processes on the GPUs
 * if (gpus.acquireForResult().ownerDied()) {
 *     resetGpu();                                    // a previous user died while it held one
 * }
 * try {
 *     train();
 * } finally {
 *     gpus.release();
 * }
 * }
 *
 * @see IpcBoundedSemaphore
 * @since 0.1
 */
public interface IpcSemaphore extends CountingSemaphore {

    /**
     * The semaphore's name in its domain.
     *
     * @return the name
     */
    String name();

    /**
     * How many permits this process holds now (acquired and not released by it).
     *
     * @return the permits held by this process; a snapshot
     */
    int heldByThisProcess();

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the domain is closed
     */
    @Override
    LockResult acquireForResult(int permits) throws InterruptedException;

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the domain is closed
     */
    @Override
    LockResult tryAcquireForResult(int permits);

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the domain is closed
     */
    @Override
    LockResult tryAcquireForResult(int permits, Duration timeout) throws InterruptedException;

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the domain is closed
     */
    @Override
    LockResult tryAcquireForResult(int permits, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the domain is closed
     */
    @Override
    CompletableFuture<LockResult> acquireForResultAsync(int permits);

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException also if the domain is closed: closing ended this process's
     *     registration, so its holding may already have been returned to the pool by another
     *     process, and a release now would count it twice
     */
    @Override
    void release(int permits);
}
