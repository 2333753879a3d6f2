package dev.weft.stress.locks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.sync.Barrier;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/*
 * Goal: a party that leaves (its future is cancelled) while the last party arrives never breaks
 * the barrier and never leaves the count wrong. Barrier(2) with one party waiting
 * asynchronously; one actor arrives asynchronously, the other cancels the waiting party.
 * Either the cancel came first (the party left, the arrival now waits alone) or the trip came
 * first (the cancel fails, both pass). A third order is allowed and documented: the trip chose
 * the waiting party and the cancel won its future before the trip completed it; the arrival
 * still passes, the cancelled party was counted.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Barrier_02_CancelVsArrive
 *
 * Observed (-m quick, one fork per JVM mode, all compilation modes summed; 2 shared CPUs, x86_64,
 * Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *       0, 1, 0, 0     7,025,154   86.44%  Acceptable
 *      1, -1, 1, 0       625,555    7.70%  Acceptable
 *       1, 1, 0, 0       476,856    5.87%  Interesting
 */
@JCStressTest
@Outcome(id = "1, -1, 1, 0", expect = ACCEPTABLE, desc = "The cancel came first: the party left, the arrival waits alone.")
@Outcome(id = "0, 1, 0, 0", expect = ACCEPTABLE, desc = "The trip came first: cancel failed, both parties passed (index 0 and 1).")
@Outcome(id = "1, 1, 0, 0", expect = ACCEPTABLE_INTERESTING, desc = "The trip chose the party, then the cancel won its future: the arrival passed, the party was counted.")
@Outcome(expect = FORBIDDEN, desc = "Broken barrier, wrong count, or an arrival that neither waits nor passes.")
@State
public class Barrier_02_CancelVsArrive {

    private final Barrier barrier = new Barrier(2);
    private final CompletableFuture<Integer> waiting = barrier.awaitAsync();
    private CompletableFuture<Integer> arrival;
    private int cancelled;

    @Actor
    public void arrive() {
        arrival = barrier.awaitAsync();
    }

    @Actor
    public void cancel() {
        cancelled = waiting.cancel(false) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = cancelled;
        r.r2 = arrival.isDone() ? (arrival.isCompletedExceptionally() ? -2 : arrival.join()) : -1;
        r.r3 = barrier.waiterCount();
        r.r4 = barrier.isBroken() ? 1 : 0;
    }
}
