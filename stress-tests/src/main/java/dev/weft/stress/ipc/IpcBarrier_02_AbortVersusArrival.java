/*
 * Goal: one party of an ipc barrier of 2 arrives while another process aborts the barrier (two
 * "processes": separate mappings, different tokens). The arrival waits 1 ns, so once listed it
 * times out at once unless the abort breaks the barrier under it first. Under the latch either the
 * abort comes first (the arrival finds the barrier broken), or the arrival is listed first and then
 * either the abort breaks the barrier under it (it sees the barrier broken) or its timeout leaves
 * first (it times out; the abort then breaks an empty barrier). Never an index (nobody else
 * arrived), and the barrier ends broken with nobody listed: a party woken by the abort is unlisted
 * by it, and one that left on its timeout unlisted itself.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t IpcBarrier"
 */
package dev.weft.stress.ipc;

import dev.weft.ipc.internal.MappedBarrier;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

@JCStressTest
@Outcome(id = "-2, 100", expect = Expect.ACCEPTABLE,
        desc = "The abort came first, or broke the barrier under the listed arrival.")
@Outcome(id = "-1, 100", expect = Expect.ACCEPTABLE,
        desc = "The arrival was listed and left on its timeout before the abort.")
@Outcome(expect = Expect.FORBIDDEN,
        desc = "An index without a second party, an interrupt, an intact barrier after the abort, or a party left listed.")
@State
public class IpcBarrier_02_AbortVersusArrival {

    private static final Duration ONE_NANO = Duration.ofNanos(1);

    final MappedBarrier a;
    final MappedBarrier b;

    public IpcBarrier_02_AbortVersusArrival() {
        int slot = BarrierMappings.freshSlot(2);
        a = BarrierMappings.barrier(BarrierMappings.a(slot), TwoMappings.TOKEN_A);
        b = BarrierMappings.barrier(BarrierMappings.b(slot), TwoMappings.TOKEN_B);
    }

    @Actor
    public void processA(II_Result r) {
        try {
            r.r1 = a.await(ONE_NANO);
        } catch (TimeoutException e) {
            r.r1 = IpcBarrier_01_TripVersusTimeout.TIMED_OUT;
        } catch (BrokenBarrierException e) {
            r.r1 = IpcBarrier_01_TripVersusTimeout.BROKEN;
        } catch (InterruptedException e) {
            r.r1 = IpcBarrier_01_TripVersusTimeout.INTERRUPTED;
        }
    }

    @Actor
    public void processB() {
        b.abort();
    }

    @Arbiter
    public void end(II_Result r) {
        r.r2 = a.waiterCount() + (a.isBroken() ? 100 : 0);
    }
}
