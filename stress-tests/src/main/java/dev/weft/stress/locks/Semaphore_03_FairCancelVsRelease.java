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
import org.openjdk.jcstress.infra.results.IIII_Result;

/*
 * Goal (fair mode: the strict FIFO hand-off path; Semaphore_01_CancelVsRelease covers the default
 * barging mode): permits are conserved when a queued acquireAsync() is cancelled while a permit is
 * released to it (the race of CPython gh-90155). Semaphore(0) with two queued requests, made in
 * the state's constructor; one actor releases one permit, the other cancels the first request.
 * The permit must end up with exactly one owner: the first request (cancel failed), or the
 * second request (the cancel came first, or won against the hand-off and passed the permit on).
 * It may never stay in the pool while a request is queued, nor vanish.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Semaphore_03_FairCancelVsRelease
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *       0, 1, 0, 0       190,835   78.82%  Acceptable
 *       1, 0, 1, 0        51,272   21.18%  Acceptable
 */
@JCStressTest
@Outcome(id = "0, 1, 0, 0", expect = ACCEPTABLE, desc = "The release granted the first request before the cancel: cancel failed, the first holds the permit.")
@Outcome(id = "1, 0, 1, 0", expect = ACCEPTABLE, desc = "The cancel withdrew the first request (or beat the hand-off); the permit went to the second.")
@Outcome(expect = FORBIDDEN, desc = "A permit was lost or duplicated, or left in the pool while a request waits.")
@State
public class Semaphore_03_FairCancelVsRelease {

    private final Semaphore sem = Semaphore.fair(0);
    private final CompletableFuture<?> first = sem.acquireAsync();
    private final CompletableFuture<?> second = sem.acquireAsync();
    private int cancelled;

    @Actor
    public void releaser() {
        sem.release();
    }

    @Actor
    public void canceller() {
        cancelled = first.cancel(false) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = cancelled;
        r.r2 = holds(first);
        r.r3 = holds(second);
        r.r4 = sem.availablePermits();
    }

    private static int holds(CompletableFuture<?> f) {
        return f.isDone() && !f.isCompletedExceptionally() ? 1 : 0;
    }
}
