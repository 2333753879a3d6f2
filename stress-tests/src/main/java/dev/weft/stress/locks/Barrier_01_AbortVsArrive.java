package dev.weft.stress.locks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.sync.Barrier;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/*
 * Goal: the trip of a barrier and an abort are atomic with respect to each other: a cycle either
 * completes for all its parties or fails for all of them. Barrier(2) with one party already
 * waiting (asynchronously, from the state's constructor); one actor arrives as the last party,
 * the other aborts. Either the arrival tripped first (the waiting party gets 0, the arrival 1,
 * and the abort only breaks the barrier for later arrivals) or the abort came first (both fail
 * with BrokenBarrierException). In asyncio, an abort during the "draining" window can fail a
 * party of a cycle that already completed; here that mixed outcome is forbidden.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Barrier_01_AbortVsArrive
 *
 * Observed (-m quick, one fork per JVM mode, all compilation modes summed; 2 shared CPUs, x86_64,
 * Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *        -1, -1, 1     1,244,101   11.09%  Acceptable
 *          0, 1, 1     9,971,013   88.91%  Acceptable
 */
@JCStressTest
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "The arrival tripped the barrier first; then the abort broke it for later arrivals.")
@Outcome(id = "-1, -1, 1", expect = ACCEPTABLE, desc = "The abort came first: the waiting party and the arrival both failed.")
@Outcome(expect = FORBIDDEN, desc = "A mixed cycle (one party passed, the other failed), or the barrier is not broken after abort.")
@State
public class Barrier_01_AbortVsArrive {

    private final Barrier barrier = new Barrier(2);
    private final CompletableFuture<Integer> waiting = barrier.awaitAsync();
    private int arrival;

    @Actor
    public void arrive() {
        try {
            arrival = barrier.await();   // never blocks: it trips, or the barrier is broken
        } catch (BrokenBarrierException e) {
            arrival = -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            arrival = -2;
        }
    }

    @Actor
    public void abort() {
        barrier.abort();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = waiting.isDone() ? (waiting.isCompletedExceptionally() ? -1 : waiting.join()) : -3;
        r.r2 = arrival;
        r.r3 = barrier.isBroken() ? 1 : 0;
    }
}
