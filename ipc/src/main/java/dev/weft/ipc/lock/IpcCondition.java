package dev.weft.ipc.lock;

import dev.weft.core.sync.ConditionVariable;
import dev.weft.core.sync.LockResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A condition variable shared by processes, bound to an {@link IpcLock}: the counterpart of
 * Python's {@code multiprocessing.Condition}, and a {@link ConditionVariable}, the contract that
 * core's {@link dev.weft.core.sync.Condition} meets between threads.
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
 * state the lock protects. The timed {@link #awaitForResult(Duration)} tells both whether a signal
 * came and how the lock was re-acquired, in one {@link AwaitResult}. The other forms re-acquire the
 * lock the same way but do not say whether its holder died.
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
 * On the futex back-end a platform thread notices an interrupt within 10 ms. The
 * {@link ConditionVariable} contract states each form in full; {@link #awaitAsync()} waits on a
 * virtual thread of its own, which completes the future.
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
public interface IpcCondition extends ConditionVariable {

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
    @Override
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
     * As {@link #await(Duration)}, telling both whether a signal came before the timeout and how
     * the lock was re-acquired.
     *
     * <h4>Blocking and cancellation</h4>
     * The lock must be held. The caller is listed, the lock is released, and the thread blocks
     * until a signal chooses this waiter, the timeout elapses, the thread is interrupted, or
     * spuriously. In every case the lock is then re-acquired, waiting for it as long as needed
     * (the timeout bounds only the wait for a signal) and ignoring interrupts; if its holder died,
     * the lock is taken over from it. A timeout or interrupt that races with a signal is decided
     * atomically: if the signal chose this waiter first, the result says signalled (and an
     * interrupt is re-asserted instead of thrown); otherwise the waiter is withdrawn and the signal
     * goes to another waiter. An interrupt on entry throws at once, with the lock still held and
     * nothing listed.
     *
     * @param timeout the longest wait for a signal; zero or negative: release and re-acquire the
     *     lock without waiting for a signal
     * @return {@link AwaitResult#SIGNALLED} or {@link AwaitResult#TIMED_OUT}, or
     *     {@link AwaitResult#SIGNALLED_OWNER_DIED} or {@link AwaitResult#TIMED_OUT_OWNER_DIED} if
     *     the lock was taken over from a holder that died; the lock is held in every case
     * @throws InterruptedException as {@link #awaitForResult()}
     * @throws IllegalMonitorStateException if the lock is not held
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    AwaitResult awaitForResult(Duration timeout) throws InterruptedException;

    /**
     * As {@link #awaitForResult(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait for a signal, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return as {@link #awaitForResult(Duration)}
     * @throws InterruptedException as {@link #awaitForResult()}
     * @throws IllegalMonitorStateException if the lock is not held
     * @throws NullPointerException if {@code unit} is {@code null}
     */
    AwaitResult awaitForResult(long timeout, TimeUnit unit) throws InterruptedException;
}
