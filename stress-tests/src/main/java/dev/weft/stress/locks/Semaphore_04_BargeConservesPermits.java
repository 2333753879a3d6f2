package dev.weft.stress.locks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.sync.Semaphore;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/*
 * Goal (default mode): permits are conserved when a barger, two releases and the cancel of a
 * queued request for two permits race. Semaphore(0) with acquireAsync(2) queued in the state's
 * constructor; one actor releases one permit twice, the other barges with tryAcquire() (one
 * permit) and then cancels the request. At the end the request is either granted (cancel failed)
 * or withdrawn, the queue is empty, and available + barged + 2 * granted = 2.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Semaphore_04_BargeConservesPermits
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *    0, 0, 1, 2, 0        53,792   21.71%  Acceptable
 *    0, 1, 0, 0, 0       192,604   77.74%  Acceptable
 *    1, 0, 1, 1, 0         1,343    0.54%  Acceptable
 */
@JCStressTest
@Outcome(id = "0, 1, 0, 0, 0", expect = ACCEPTABLE, desc = "Both releases reached the request first: it holds both permits.")
@Outcome(id = "0, 0, 1, 2, 0", expect = ACCEPTABLE, desc = "The barge found nothing, the cancel came before the second release: both permits stay available.")
@Outcome(id = "1, 0, 1, 1, 0", expect = ACCEPTABLE, desc = "The barger took one released permit; the request was cancelled; one permit available.")
@Outcome(expect = FORBIDDEN, desc = "A permit was lost or duplicated, or a request stayed queued.")
@State
public class Semaphore_04_BargeConservesPermits {

    private final Semaphore sem = new Semaphore(0);
    private final CompletableFuture<?> pending = sem.acquireAsync(2);
    private int barged;
    private int cancelled;

    @Actor
    public void releaser() {
        sem.release();
        sem.release();
    }

    @Actor
    public void bargerThenCanceller() {
        barged = sem.tryAcquire() ? 1 : 0;
        cancelled = pending.cancel(false) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
        r.r1 = barged;
        r.r2 = pending.isDone() && !pending.isCompletedExceptionally() ? 1 : 0;
        r.r3 = cancelled;
        r.r4 = sem.availablePermits();
        r.r5 = sem.waiterCount();
    }
}
