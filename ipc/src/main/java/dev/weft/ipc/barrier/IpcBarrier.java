package dev.weft.ipc.barrier;

import dev.weft.core.sync.PartyBarrier;
import java.time.Duration;

/**
 * A cyclic barrier shared by processes: the counterpart of Python's {@code multiprocessing.Barrier},
 * meeting the {@link PartyBarrier} contract that every Weft barrier meets.
 *
 * <p><b>Semantics</b> (the contract's): each party's {@link #await()} returns, with its arrival
 * index, once {@link #parties()} parties (threads of any processes) have arrived; the barrier then
 * starts its next cycle. {@link #abort()} breaks it until {@link #reset()}. A party that gives up (an
 * interrupt, a timeout, a cancelled future) leaves its cycle without breaking the barrier; this
 * differs from Python, whose {@code wait(timeout)} breaks the barrier on timeout.
 *
 * <p><b>A party that dies breaks the barrier</b> (Weft's addition): a process killed while one of
 * its threads waits at the barrier cannot arrive again, and the others would wait forever for the
 * work it was doing. The waiting parties probe each other's liveness once per liveness slice; when
 * one is found dead, the barrier breaks and every waiting party, in every process, fails with
 * {@link java.util.concurrent.BrokenBarrierException}, as after {@link #abort()}. {@link #reset()}
 * makes it usable again. A party that is alive, even stopped by a debugger or {@code SIGSTOP}, is
 * waited for.
 *
 * <table class="striped">
 *   <caption>Python's multiprocessing.Barrier and IpcBarrier</caption>
 *   <thead><tr><th>Python</th><th>Weft</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code multiprocessing.Barrier(3)}</td><td>{@code domain.barrier("name", 3)}</td></tr>
 *     <tr><td>{@code b.wait()}</td><td>{@link #await()}</td></tr>
 *     <tr><td>{@code b.wait(timeout)}</td><td>{@link #await(Duration)} (leaves on timeout, does not break)</td></tr>
 *     <tr><td>{@code b.abort()}, {@code b.reset()}</td><td>{@link #abort()}, {@link #reset()}</td></tr>
 *     <tr><td>{@code b.parties}, {@code b.n_waiting}, {@code b.broken}</td><td>{@link #parties()}, {@link #waiterCount()}, {@link #isBroken()}</td></tr>
 *     <tr><td>{@code Barrier(n, action=f)}</td><td>no action: run it in the party whose index is {@code parties() - 1}</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2>Blocking and cancellation</h2>
 * A waiting party sleeps until the cycle trips, the barrier is aborted, reset or broken by a dead
 * party, spuriously (it waits again), or it is interrupted or times out; an interrupt or timeout
 * that races with the trip is decided under the barrier's latch: if the trip came first, the index
 * is returned. On the futex back-end a platform thread notices an interrupt within 10 ms.
 * {@link #awaitAsync()} arrives on a virtual thread of its own; cancelling its future makes the
 * party leave unless the cycle tripped first.
 *
 * <p><b>Memory consistency effects:</b> actions of each party before it arrives
 * <em>happen-before</em> the actions of every party of the same cycle, in any process, after its
 * wait returns.
 *
 * <p><b>Thread safety:</b> all methods may be called from any thread, platform or virtual. Every
 * operation throws {@link IllegalStateException} once the domain handle is closed.
 *
 * {@snippet :
 * IpcBarrier phase = domain.barrier("phase", 4);   // four worker processes
 * loadMyShard();
 * phase.await();                                  // nobody starts before every shard is loaded
 * compute();
 * }
 *
 * @since 0.1
 */
public interface IpcBarrier extends PartyBarrier {

    /**
     * The barrier's name in its domain.
     *
     * @return the name
     */
    String name();
}
