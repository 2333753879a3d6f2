package dev.weft.ipc.lock;

import dev.weft.core.sync.LockResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A condition variable shared by processes, bound to an {@link IpcLock}: the counterpart of
 * Python's {@code multiprocessing.Condition}, with the forms of core's
 * {@link dev.weft.core.sync.Condition}.
 *
 * <p>A thread that holds the lock waits for some state to change with {@link #await()} (Python's
 * {@code wait()}): the lock is released, the thread waits to be signalled, and it acquires the
 * lock again before it returns. A thread (of any process) that changes the state while holding the
 * lock wakes waiters with {@link #signal()}, {@link #signal(int)} or {@link #signalAll()} (Python's
 * {@code notify(n)} and {@code notify_all()}). Waiters are signalled oldest first; a woken waiter
 * then competes for the lock like any acquirer, so it must check its state again: use
 * {@link #waitFor(BooleanSupplier)}, which loops for you. Spurious returns are permitted.
 *
 * <p><b>The lock has no owner</b> (it is Python's {@code Lock}): {@code await} and {@code signal}
 * check only that the lock is held by someone, and throw {@link IllegalMonitorStateException}
 * otherwise. Every process must bind the condition to the same lock (the file records its name).
 *
 * <p><b>No lost signals.</b> A signal goes to a waiter that is still waiting, and the choice is
 * atomic with that waiter's giving up: a waiter interrupted or timed out after it was signalled
 * returns as signalled (with the interrupt status set again); an asynchronous waiter whose future
 * is cancelled after it was signalled passes the signal on to the next waiter. A waiter that dies
 * after it was signalled does not swallow the signal: the other waiters find it dead within one
 * liveness slice and pass its signal on.
 *
 * <p><b>Dead lock holders.</b> A waiter re-acquires the lock with
 * {@link IpcLock#acquireForResult()}; if the holder died, the lock is taken over and
 * {@link #awaitForResult()} returns {@link LockResult#OWNER_DIED}, so the caller can repair the
 * state the lock protects.
 *
 * <table class="striped">
 *   <caption>Python's multiprocessing.Condition and IpcCondition</caption>
 *   <thead><tr><th>Python</th><th>Weft</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code multiprocessing.Condition(lock)}</td><td>{@code domain.condition("name", lock)}</td></tr>
 *     <tr><td>{@code with cond:}</td><td>{@code lock.acquire(); try { ... } finally { lock.release(); }}</td></tr>
 *     <tr><td>{@code cond.wait()} / {@code cond.wait(t)}</td><td>{@link #await()} / {@link #await(Duration)}</td></tr>
 *     <tr><td>{@code cond.wait_for(pred)} / {@code wait_for(pred, t)}</td><td>{@link #waitFor(BooleanSupplier)} / {@link #waitFor(BooleanSupplier, Duration)}</td></tr>
 *     <tr><td>{@code cond.notify(n)} / {@code notify_all()}</td><td>{@link #signal(int)} / {@link #signalAll()}</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Blocking and cancellation</h2>
 * A waiter sleeps until a signal chooses it, spuriously, on interrupt or at its timeout; in every
 * case it re-acquires the lock before it returns or throws, waiting for it as long as needed and
 * ignoring interrupts while it does. An interrupt on entry throws {@link InterruptedException}
 * without releasing the lock. A timed wait that times out returns {@code false} holding the lock.
 * On the futex back-end a platform thread notices an interrupt within 10 ms.
 *
 * <p><b>Memory consistency effects:</b> actions before a {@code signal} that wakes a waiter, and
 * before the release of the lock that the waiter then acquires, <em>happen-before</em> the actions
 * after the waiter's return, in any process.
 *
 * <p><b>Thread safety:</b> all methods may be called from any thread, platform or virtual. Every
 * operation throws {@link IllegalStateException} once the domain handle is closed.
 *
 * {@snippet :
 * IpcLock lock = domain.lock("jobs");
 * IpcCondition ready = domain.condition("jobs-ready", lock);
 * lock.acquire();
 * try {
 *     ready.waitFor(() -> jobsWaiting() > 0);   // consumer process
 *     takeJob();
 * } finally {
 *     lock.release();
 * }
 * }
 *
 * @since 0.1
 */
public interface IpcCondition extends java.util.concurrent.locks.Condition {

    /**
     * The condition's name in its domain.
     *
     * @return the name
     */
    String name();

    /**
     * The lock this condition is bound to.
     *
     * @return the lock
     */
    IpcLock lock();

    /**
     * As {@link #await()}, telling how the lock was re-acquired.
     *
     * @return {@link LockResult#ACQUIRED}, or {@link LockResult#OWNER_DIED} if the lock was taken
     *     over from a holder that died
     * @throws InterruptedException if interrupted on entry (the lock still held) or while waiting
     *     before a signal chose this waiter (the lock re-acquired)
     * @throws IllegalMonitorStateException if the lock is not held
     */
    LockResult awaitForResult() throws InterruptedException;

    /**
     * Waits at most {@code timeout} for a signal: Python's {@code wait(timeout)}.
     *
     * @param timeout the longest wait; zero or negative: release and re-acquire without waiting
     * @return {@code false} if the timeout elapsed before a signal (the lock is held again)
     * @throws InterruptedException as {@link #awaitForResult()}
     * @throws IllegalMonitorStateException if the lock is not held
     */
    boolean await(Duration timeout) throws InterruptedException;

    /**
     * Waits until {@code predicate} is true, re-checking it (with the lock held) after each wake-up:
     * Python's {@code wait_for(predicate)}.
     *
     * @param predicate evaluated with the lock held
     * @throws InterruptedException as {@link #awaitForResult()}
     * @throws IllegalMonitorStateException if the lock is not held
     */
    void waitFor(BooleanSupplier predicate) throws InterruptedException;

    /**
     * As {@link #waitFor(BooleanSupplier)}, waiting at most {@code timeout} in all.
     *
     * @param predicate evaluated with the lock held
     * @param timeout the longest wait in all
     * @return the predicate's last value
     * @throws InterruptedException as {@link #awaitForResult()}
     * @throws IllegalMonitorStateException if the lock is not held
     */
    boolean waitFor(BooleanSupplier predicate, Duration timeout) throws InterruptedException;

    /**
     * As {@link #waitFor(BooleanSupplier, Duration)}, with the timeout in {@code unit}s.
     *
     * @param predicate evaluated with the lock held
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit
     * @return the predicate's last value
     * @throws InterruptedException as {@link #awaitForResult()}
     */
    boolean waitFor(BooleanSupplier predicate, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Releases the lock and waits for a signal on a virtual thread of its own; the future completes
     * once a signal chose this waiter and the lock is held again (on the caller's behalf: release it
     * after the future completes). Cancelling the future before then withdraws the wait: a signal
     * that chose it is passed on, and a lock it re-acquired is released.
     *
     * @return the future
     * @throws IllegalMonitorStateException if the lock is not held
     */
    CompletableFuture<@Nullable Void> awaitAsync();

    /**
     * Wakes the oldest waiter, if any: Python's {@code notify()}.
     *
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    void signal();

    /**
     * Wakes the {@code n} oldest waiters (all of them if fewer): Python's {@code notify(n)}.
     *
     * @param n how many, from 0
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalMonitorStateException if the lock is not held
     */
    void signal(int n);

    /**
     * Wakes every waiter: Python's {@code notify_all()}.
     *
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    void signalAll();

    /**
     * The number of waiters (in every process). A snapshot.
     *
     * @return the waiters
     */
    int waiterCount();
}
