/*
 * Goal: the last party of an ipc barrier of 2 arrives while the first one times out and leaves
 * (two "processes": separate mappings, different tokens; each waits 1 ns, so each that is listed
 * times out at once). Under the latch either the arrival trips the cycle first, and then both
 * parties get their index even if the first one's timeout fired (it finds its slot passed), or the
 * first one leaves first, and then the arrival is listed alone and times out in turn. Never one
 * index and one timeout, never the same index twice, and the barrier is left intact with nobody
 * listed.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests -Dweft.jcstress.args="-m quick -t IpcBarrier"
 *
 * Observed (2 vCPU VM shared with other builds, Temurin 25, the test command's bounded preset: -m
 * quick, C2 with its scheduling randomizers): all three ACCEPTABLE outcomes, the trips rare (13 of
 * 7,469: the window is the few instructions between listing and leaving), FORBIDDEN 0.
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
import org.openjdk.jcstress.infra.results.III_Result;

@JCStressTest
@Outcome(id = "0, 1, 0", expect = Expect.ACCEPTABLE, desc = "A was listed, B arrived last and tripped the cycle before A's timeout left it.")
@Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "B was listed, A arrived last and tripped the cycle before B's timeout left it.")
@Outcome(id = "-1, -1, 0", expect = Expect.ACCEPTABLE, desc = "Each was listed alone and left on its timeout before the other arrived.")
@Outcome(expect = Expect.FORBIDDEN, desc = "One index and one timeout, an index twice, a broken barrier, or a party left listed.")
@State
public class IpcBarrier_01_TripVersusTimeout {

    /** Returned for a timeout. */
    static final int TIMED_OUT = -1;
    /** Returned for a broken barrier. */
    static final int BROKEN = -2;
    /** Returned for an interrupt (never expected). */
    static final int INTERRUPTED = -3;
    private static final Duration ONE_NANO = Duration.ofNanos(1);

    final MappedBarrier a;
    final MappedBarrier b;

    public IpcBarrier_01_TripVersusTimeout() {
        int slot = BarrierMappings.freshSlot(2);
        a = BarrierMappings.barrier(BarrierMappings.a(slot), TwoMappings.TOKEN_A);
        b = BarrierMappings.barrier(BarrierMappings.b(slot), TwoMappings.TOKEN_B);
    }

    private static int arrive(MappedBarrier barrier) {
        try {
            return barrier.await(ONE_NANO);
        } catch (TimeoutException e) {
            return TIMED_OUT;
        } catch (BrokenBarrierException e) {
            return BROKEN;
        } catch (InterruptedException e) {
            return INTERRUPTED;
        }
    }

    @Actor
    public void processA(III_Result r) {
        r.r1 = arrive(a);
    }

    @Actor
    public void processB(III_Result r) {
        r.r2 = arrive(b);
    }

    @Arbiter
    public void cycle(III_Result r) {
        r.r3 = a.waiterCount() + (a.isBroken() ? 100 : 0);
    }
}
