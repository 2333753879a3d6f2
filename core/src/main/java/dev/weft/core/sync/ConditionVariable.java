package dev.weft.core.sync;

import java.time.Duration;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A condition variable bound to an {@link ExclusiveLock}: the contract that every Weft condition
 * meets, at every scale. Between threads ({@link Condition}) and between processes on one host
 * (the ipc condition), the same code waits for a state change and signals it the same way. It is
 * the counterpart of Python's {@code asyncio.Condition}, {@code threading.Condition} and
 * {@code multiprocessing.Condition}, and it is a {@link java.util.concurrent.locks.Condition}, so
 * it fits code written for the JDK's conditions.
 *
 * <h2>Method forms</h2>
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
 *         <td></td></tr>
 *   </tbody>
 * </table>
 * {@link #awaitUninterruptibly()} blocks ignoring interrupts. {@link #signal()},
 * {@link #signal(int)} and {@link #signalAll()} never block. Python's {@code wait()},
 * {@code wait_for()}, {@code notify(n)} and {@code notify_all()} are {@code await},
 * {@code waitFor}, {@code signal(n)} and {@code signalAll}; Python's {@code with cond:} is
 * {@code cond.lock().acquire(); try { ... } finally { cond.lock().release(); }}.
 *
 * <h2>What every implementation guarantees</h2>
 * <ul>
 *   <li><b>Wait releases, return re-acquires.</b> A wait lists the caller as a waiter
 *       <em>before</em> it releases the {@linkplain #lock() lock}, so a signal made by whoever
 *       takes the lock next finds it. Every wait, however it ends (signal, timeout, interrupt,
 *       spurious wake-up), acquires the lock again before it returns or throws, so the caller's
 *       {@code finally} releases a lock that is really held.</li>
 *   <li><b>Signals are not remembered.</b> {@link #signal(int)} wakes up to {@code n} of the
 *       waiters listed at that moment, the longest-waiting first; a signal with no waiter listed
 *       does nothing, and a later wait does not see it. A woken waiter takes the lock back only
 *       after the signaller releases it, and others may hold it in between, so the state must be
 *       checked again: {@link #waitFor(BooleanSupplier)} loops for you. Spurious returns are
 *       permitted.</li>
 *   <li><b>No lost signals.</b> A signal chooses only a waiter that is still waiting, and the
 *       choice is atomic with that waiter's giving up. A blocking waiter that is interrupted or
 *       times out after a signal chose it returns as signalled: normally, with the interrupt
 *       status set again, or {@code true} from a timed form. An asynchronous waiter whose future
 *       is cancelled after a signal chose it passes the signal on to the next waiter.</li>
 *   <li><b>The lock has no owner</b> (as in asyncio and {@code multiprocessing}): waits and signals
 *       check that the lock is held <em>by someone</em>, and throw
 *       {@link IllegalMonitorStateException} otherwise. A caller that waits or signals while
 *       another holds the lock acts on the other's hold, so keep every call inside the section
 *       that holds the lock.</li>
 *   <li><b>Timeouts</b> follow {@linkplain dev.weft.core##timeouts the core rules}, with one
 *       difference: a zero or negative timeout still releases the lock and acquires it again
 *       (which may wait), then reports a timeout.</li>
 * </ul>
 *
 * <h2>What implementations may differ on</h2>
 * <ul>
 *   <li><b>Lock hand-off order.</b> The in-process {@link Condition} queues a woken waiter's
 *       request for the lock at the moment of the signal, so woken waiters take the lock back in
 *       signal order, ahead of acquires that start later; a cross-process condition may let a
 *       woken waiter compete for the lock like any acquirer.</li>
 *   <li><b>Dead holders and dead waiters.</b> A cross-process condition may re-acquire the lock
 *       from a holder that died (the lock's {@link LockResult#OWNER_DIED} recovery) and say so in
 *       forms of its own; it passes on a signal that chose a waiter that died. It may not weaken
 *       the guarantees above among live parties.</li>
 *   <li><b>Extra forms.</b> {@link Condition} adds a predicate wait that returns a future
 *       ({@link Condition#waitForAsync(BooleanSupplier)}) and the lock's acquire and release;
 *       the ipc condition adds forms that report how the lock was re-acquired.</li>
 *   <li><b>Which thread completes {@link #awaitAsync()}</b>: the thread that hands the lock back
 *       (in-process), or a virtual thread of the implementation's (cross-process).</li>
 * </ul>
 *
 * <h2>Memory consistency effects</h2>
 * Actions before a {@code signal} that wakes a waiter, and before the release of the lock that the
 * waiter then acquires, <i>happen-before</i> the actions after the waiter's return (see
 * {@linkplain dev.weft.core##memory the core rules}).
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread, platform or virtual; a waiting virtual thread does
 * not hold its carrier, and no implementation waits inside a monitor.
 *
 * {@snippet :
 * // Written once against the contract; the condition may be in-process or shared between processes.
 * static String take(ConditionVariable ready, Deque<String> jobs) throws InterruptedException {
 *     ready.lock().acquire();
 *     try {
 *         ready.waitFor(() -> !jobs.isEmpty());
 *         return jobs.poll();
 *     } finally {
 *         ready.lock().release();
 *     }
 * }
 *
 * take(new Condition(), jobs);                          // between threads
 * take(domain.condition("ready", domain.lock("jobs")), sharedJobs);  // between processes
 * }
 *
 * @since 0.1
 */
public interface ConditionVariable extends java.util.concurrent.locks.Condition {

    /**
     * The lock this condition is bound to: hold it around every wait and signal.
     *
     * @return the lock
     */
    ExclusiveLock lock();

    /**
     * Releases the lock, waits until signalled, and acquires the lock again: Python's
     * {@code wait()}.
     *
     * <h4>Blocking and cancellation</h4>
     * The lock must be held. The caller is listed as a waiter, the lock is released, and the
     * thread blocks (a virtual thread releases its carrier) until one of these happens:
     * <ul>
     *   <li>a {@link #signal()} or {@link #signal(int)} chooses this waiter (longest-waiting
     *       first), or {@link #signalAll()} is called;</li>
     *   <li>the thread is interrupted;</li>
     *   <li>a spurious wake-up, for example a signal passed on by a waiter that gave up.</li>
     * </ul>
     * In every case the lock is acquired again, ignoring interrupts, before this method returns or
     * throws. If the interrupt status is set on entry, throws {@link InterruptedException} at once,
     * clearing it, with the lock still held and nothing listed. An interrupt while waiting, before
     * any signal chose this waiter, withdraws the waiter and throws {@code InterruptedException}
     * (status cleared) once the lock is held again; an interrupt after a signal chose it returns
     * normally with the interrupt status set again, so the signal is not lost.
     *
     * @throws InterruptedException if interrupted on entry (the lock still held) or while waiting
     *     before a signal chose this waiter (the lock held again)
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    void await() throws InterruptedException;

    /**
     * As {@link #await()}, ignoring interrupts: an interrupt that arrives while waiting does not
     * end the wait, and the interrupt status is set again on return. An interrupt status set on
     * entry is kept and does not end the wait either.
     *
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    void awaitUninterruptibly();

    /**
     * As {@link #await()}, waiting at most {@code nanosTimeout} nanoseconds for a signal.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks, wakes and reacts to interrupts as {@link #await()}; the wait also ends when the
     * timeout elapses, and the lock is then acquired again (without a time limit) before returning.
     * A timeout that races with a signal is decided atomically: either a signal chose this waiter
     * first (it counts as signalled) or the waiter timed out (the signal goes to another waiter).
     *
     * @param nanosTimeout the longest wait, in nanoseconds; zero or negative: release and
     *     re-acquire the lock without waiting for a signal
     * @return an estimate of {@code nanosTimeout} minus the time spent; zero or less if the wait
     *     timed out (a signalled wait may also return zero or less if it took that long)
     * @throws InterruptedException as {@link #await()}
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    long awaitNanos(long nanosTimeout) throws InterruptedException;

    /**
     * As {@link #await()}, waiting at most {@code timeout}: Python's {@code wait(timeout)}. Blocks,
     * wakes and reacts to interrupts and to timeouts as {@link #awaitNanos(long)}.
     *
     * @param timeout the longest wait; zero or negative: release and re-acquire the lock without
     *     waiting for a signal
     * @return {@code true} if a signal chose this waiter, {@code false} if the timeout elapsed
     *     first; the lock is held again either way, and a timed-out waiter is no longer listed
     * @throws InterruptedException as {@link #await()}
     * @throws IllegalMonitorStateException if the lock is not held
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    boolean await(Duration timeout) throws InterruptedException;

    /**
     * As {@link #await(Duration)}, with the timeout in {@code unit}s.
     *
     * @param time the longest wait, in {@code unit}s
     * @param unit the unit of {@code time}
     * @return {@code true} if signalled, {@code false} on timeout (the lock is held again)
     * @throws InterruptedException as {@link #await()}
     * @throws IllegalMonitorStateException if the lock is not held
     * @throws NullPointerException if {@code unit} is {@code null}
     */
    @Override
    boolean await(long time, TimeUnit unit) throws InterruptedException;

    /**
     * As {@link #await(Duration)}, until the wall-clock time {@code deadline}.
     *
     * @param deadline the latest time to wait until; a past deadline: release and re-acquire the
     *     lock without waiting for a signal
     * @return {@code true} if signalled, {@code false} if the deadline passed first (the lock is
     *     held again)
     * @throws InterruptedException as {@link #await()}
     * @throws IllegalMonitorStateException if the lock is not held
     * @throws NullPointerException if {@code deadline} is {@code null}
     */
    @Override
    boolean awaitUntil(Date deadline) throws InterruptedException;

    /**
     * Waits until {@code predicate} is true: Python's {@code wait_for(predicate)}.
     *
     * <h4>Blocking and cancellation</h4>
     * Evaluates the predicate first; if it is true, returns at once without needing the lock.
     * Otherwise the lock must be held, and this loops {@link #await()} and evaluates the predicate
     * again (with the lock held) until it is true. Blocks, wakes and reacts to interrupts as
     * {@link #await()}, round after round; the lock is held whenever this method returns or throws
     * (unless the first evaluation was true and the caller did not hold it). A predicate that
     * throws ends the wait with its exception, the lock held.
     *
     * @param predicate the state to wait for, evaluated by the calling thread
     * @throws InterruptedException as {@link #await()}
     * @throws IllegalMonitorStateException if this has to wait (the predicate is false, and for a
     *     timed form the timeout is positive) and the lock is not held
     * @throws NullPointerException if {@code predicate} is {@code null}
     */
    void waitFor(BooleanSupplier predicate) throws InterruptedException;

    /**
     * As {@link #waitFor(BooleanSupplier)}, waiting at most {@code timeout} in all: Python's
     * {@code wait_for(predicate, timeout)}. The rounds share one deadline, so re-waits do not
     * drift. When the timeout elapses the lock is acquired again and the predicate's last value,
     * {@code false}, is returned.
     *
     * @param predicate the state to wait for
     * @param timeout the longest wait in all; zero or negative: evaluate once
     * @return the predicate's last value: {@code false} if the timeout elapsed while it was false
     * @throws InterruptedException as {@link #await()}
     * @throws IllegalMonitorStateException if this has to wait (the predicate is false, and for a
     *     timed form the timeout is positive) and the lock is not held
     * @throws NullPointerException if an argument is {@code null}
     */
    boolean waitFor(BooleanSupplier predicate, Duration timeout) throws InterruptedException;

    /**
     * As {@link #waitFor(BooleanSupplier, Duration)}, with the timeout in {@code unit}s.
     *
     * @param predicate the state to wait for
     * @param timeout the longest wait in all, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return the predicate's last value
     * @throws InterruptedException as {@link #await()}
     * @throws IllegalMonitorStateException if this has to wait (the predicate is false, and for a
     *     timed form the timeout is positive) and the lock is not held
     * @throws NullPointerException if an argument is {@code null}
     */
    boolean waitFor(BooleanSupplier predicate, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Releases the lock and returns a future that completes with {@code null} once a signal chose
     * this waiter and the lock is held again on the caller's behalf (release it after the future
     * completes). No thread of the caller waits meanwhile.
     *
     * <h4>Cancellation</h4>
     * The future completes normally if and only if the lock is held on the caller's behalf.
     * Cancelling it (or completing it exceptionally) before then withdraws the wait and leaves the
     * lock not held; if a signal had chosen this waiter already, the signal is passed on to the
     * next waiter and a lock re-acquired for it is released again. Unlike {@link #await()}, a
     * cancelled wait does not re-acquire the lock. Do not complete the future normally yourself.
     *
     * @return a future that completes when signalled and the lock is held
     * @throws IllegalMonitorStateException if the lock is not held
     */
    CompletableFuture<@Nullable Void> awaitAsync();

    /**
     * Wakes the longest-waiting waiter, if any: Python's {@code notify()}. The same as
     * {@code signal(1)}. Never blocks; with no waiter listed, does nothing.
     *
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    void signal();

    /**
     * Wakes up to {@code n} waiters, longest-waiting first: Python's {@code notify(n)}. Never
     * blocks; waiters beyond those listed now are not woken, and nothing is remembered for later
     * waits. The woken waiters return once they hold the lock again, after this caller releases
     * it.
     *
     * @param n the most waiters to wake, from 0
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalMonitorStateException if the lock is not held
     */
    void signal(int n);

    /**
     * Wakes every waiter listed now: Python's {@code notify_all()}. Never blocks.
     *
     * @throws IllegalMonitorStateException if the lock is not held
     */
    @Override
    void signalAll();

    /**
     * The number of waiters listed and not yet chosen by a signal (in every process, for a
     * cross-process condition).
     *
     * @return a snapshot
     */
    int waiterCount();
}
