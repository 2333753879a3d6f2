package dev.weft.stress.locks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.sync.Lock;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/*
 * Goal (fair mode: the strict FIFO hand-off path; Lock_02_CancelVsRelease covers the default
 * barging mode): cancelling a queued acquireAsync() while the holder releases never loses the lock and
 * never gives it to two owners. The lock is held and a request is queued in the state's
 * constructor; one actor releases (handing the lock to the request), the other cancels the
 * request. Exactly one of them must win: either cancel() returns false and the request's future
 * holds the lock, or cancel() returns true and the lock ends up free. The arbiter also checks
 * that the queue is empty.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Lock_05_FairCancelVsRelease
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *       0, 1, 1, 0        97,565   79.98%  Acceptable
 *       1, 0, 0, 0        24,428   20.02%  Acceptable
 */
@JCStressTest
@Outcome(id = "1, 0, 0, 0", expect = ACCEPTABLE, desc = "Cancel won (before the release, or racing the hand-off): nobody holds the lock.")
@Outcome(id = "0, 1, 1, 0", expect = ACCEPTABLE, desc = "The release handed the lock over first: cancel failed, the request holds the lock.")
@Outcome(expect = FORBIDDEN, desc = "Lock lost (cancelled but still locked), held twice, or a stale queue entry.")
@State
public class Lock_05_FairCancelVsRelease {

    private final Lock lock = Lock.fair();
    private final CompletableFuture<?> pending;
    private int cancelled;

    public Lock_05_FairCancelVsRelease() {
        if (!lock.tryAcquire()) {
            throw new IllegalStateException("a new lock must be free");
        }
        pending = lock.acquireAsync();
    }

    @Actor
    public void releaser() {
        lock.release();
    }

    @Actor
    public void canceller() {
        cancelled = pending.cancel(false) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = cancelled;
        r.r2 = pending.isDone() && !pending.isCompletedExceptionally() ? 1 : 0;
        r.r3 = lock.isLocked() ? 1 : 0;
        r.r4 = lock.waiterCount();
    }
}
