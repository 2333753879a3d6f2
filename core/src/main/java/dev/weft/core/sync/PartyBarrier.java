package dev.weft.core.sync;

import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A cyclic barrier for a fixed number of parties: the contract that every Weft barrier meets, at
 * every scale. Between threads ({@link Barrier}) and between processes on one host (the ipc
 * barrier), the same code arrives and waits the same way. It is the counterpart of Python's
 * {@code asyncio.Barrier}, {@code threading.Barrier} and {@code multiprocessing.Barrier}.
 *
 * <h2>Method forms</h2>
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead><tr><th></th><th>Throws</th><th>Special value</th><th>Blocks</th><th>Times out</th>
 *       <th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><th scope="row">arrive and wait</th><td></td><td></td><td>{@link #await()}</td><td>{@link #await(Duration)}, {@link #await(long, TimeUnit)}</td><td>{@link #awaitAsync()}</td></tr>
 *   </tbody>
 * </table>
 * {@link #abort()} and {@link #reset()} never block. Python's {@code wait()}, {@code abort()},
 * {@code reset()}, {@code parties}, {@code n_waiting} and {@code broken} are {@code await},
 * {@code abort}, {@code reset}, {@link #parties()}, {@link #waiterCount()} and
 * {@link #isBroken()}.
 *
 * <h2>What every implementation guarantees</h2>
 * <ul>
 *   <li><b>Cycles.</b> Each party's wait returns once {@link #parties()} parties have arrived in
 *       the current cycle, with its <i>arrival index</i>, unique in the cycle: 0 for the first,
 *       {@code parties() - 1} for the last, which passes without waiting and releases the others.
 *       The barrier then starts its next cycle at once.</li>
 *   <li><b>Broken state.</b> {@link #abort()} fails every waiting party and every later arrival
 *       with {@link BrokenBarrierException} until {@link #reset()}; {@code reset()} fails the
 *       waiting parties the same way and leaves the barrier empty and usable.</li>
 *   <li><b>Leaving is not breaking</b> (as in asyncio). A party whose wait is interrupted, times
 *       out ({@link TimeoutException}) or whose future is cancelled leaves its cycle, which then
 *       needs one more arrival. A party cannot leave a cycle that has tripped: the trip is atomic,
 *       and a party it released returns its index even if interrupted at that moment (with the
 *       interrupt status set again).</li>
 *   <li><b>Timeouts</b> follow {@linkplain dev.weft.core##timeouts the core rules}; a zero or
 *       negative timeout succeeds only if this arrival trips the barrier.</li>
 * </ul>
 *
 * <h2>What a cross-process or cross-host implementation may add, and may not weaken</h2>
 * A party that dies while it waits (a killed process) cannot leave cleanly, and the others would
 * wait for work that will never be done: the implementation breaks the barrier, so the waiting
 * parties fail with {@link BrokenBarrierException} instead of waiting forever. It may not break the
 * barrier for a party that is alive, however slow.
 *
 * <h2>Memory consistency effects</h2>
 * Actions of each party before it arrives <i>happen-before</i> the actions of every party of the
 * same cycle after its wait returns.
 *
 * {@snippet :
 * // Written once against the contract; the barrier may be in-process or shared between processes.
 * static void step(PartyBarrier phase) throws Exception {
 *     computeMyPart();
 *     if (phase.await(Duration.ofMinutes(1)) == 0) {
 *         log("first to finish");
 *     }
 * }
 * }
 *
 * @since 0.1
 */
public interface PartyBarrier {

    /**
     * Arrives and waits for the other parties: Python's {@code wait()}.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns {@code parties() - 1} at once for the last party of the cycle. Otherwise blocks until
     * the last party arrives (returns this party's index), the barrier is aborted or reset, or (in
     * a cross-process implementation) a waiting party dies (both throw
     * {@link BrokenBarrierException}), or the thread is interrupted. Spurious wake-ups are absorbed.
     * An interrupt on entry throws {@link InterruptedException} at once without arriving; an
     * interrupt while waiting makes the party leave and throws it with the status cleared, unless the
     * cycle tripped or broke first (then the index is returned, or the broken barrier reported, with
     * the status set again).
     *
     * @return the arrival index, from 0 (first) to {@code parties() - 1} (last)
     * @throws InterruptedException if interrupted before or while waiting (the party left)
     * @throws BrokenBarrierException if the barrier is broken on arrival or breaks while waiting
     */
    int await() throws InterruptedException, BrokenBarrierException;

    /**
     * Arrives and waits at most {@code timeout}: Python's {@code wait(timeout)}, except that a
     * timeout makes the party leave instead of breaking the barrier. Otherwise as {@link #await()}.
     *
     * @param timeout the longest wait; zero or negative: succeed only if this arrival trips it
     * @return the arrival index
     * @throws InterruptedException if interrupted before or while waiting (the party left)
     * @throws BrokenBarrierException if the barrier is broken on arrival or breaks while waiting
     * @throws TimeoutException if the timeout elapsed before the trip (the party left)
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException;

    /**
     * As {@link #await(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return the arrival index
     * @throws InterruptedException if interrupted before or while waiting (the party left)
     * @throws BrokenBarrierException if the barrier is broken on arrival or breaks while waiting
     * @throws TimeoutException if the timeout elapsed before the trip (the party left)
     * @throws NullPointerException if {@code unit} is {@code null}
     */
    int await(long timeout, TimeUnit unit) throws InterruptedException, BrokenBarrierException, TimeoutException;

    /**
     * Arrives without blocking a thread; the future completes with the arrival index when the
     * barrier trips, or exceptionally with {@link BrokenBarrierException} if it is or becomes
     * broken. Cancelling the future before the trip makes the party leave.
     *
     * @return a future of the arrival index
     */
    CompletableFuture<Integer> awaitAsync();

    /**
     * Breaks the barrier: waiting parties and later arrivals fail with
     * {@link BrokenBarrierException} until {@link #reset()}. Idempotent; never blocks.
     */
    void abort();

    /**
     * Fails the waiting parties with {@link BrokenBarrierException} and returns the barrier to its
     * initial, unbroken, empty state. Never blocks.
     */
    void reset();

    /**
     * The number of parties needed to trip the barrier.
     *
     * @return the parties
     */
    int parties();

    /**
     * The number of parties waiting in the current cycle: Python's {@code n_waiting}. A snapshot.
     *
     * @return the waiting parties
     */
    int waiterCount();

    /**
     * Whether the barrier is broken: Python's {@code broken}. A snapshot.
     *
     * @return {@code true} if broken
     */
    boolean isBroken();
}
