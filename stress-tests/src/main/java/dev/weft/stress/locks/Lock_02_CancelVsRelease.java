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
 * Goal (default mode, bounded barging; the fair mode has its own copy of this test): cancelling a queued acquireAsync() while the holder releases never loses the lock and
 * never gives it to two owners. The lock is held and a request is queued in the state's
 * constructor; one actor releases (handing the lock to the request), the other cancels the
 * request. Exactly one of them must win: either cancel() returns false and the request's future
 * holds the lock, or cancel() returns true and the lock ends up free. The arbiter also checks
 * that the queue is empty.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Lock_02_CancelVsRelease
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *       0, 1, 1, 0       120,522   78.58%  Acceptable
 *       1, 0, 0, 0        32,851   21.42%  Acceptable
 */
@JCStressTest
@Outcome(id = "1, 0, 0, 0", expect = ACCEPTABLE, desc = "Cancel won (before the release, or racing the hand-off): nobody holds the lock.")
@Outcome(id = "0, 1, 1, 0", expect = ACCEPTABLE, desc = "The release handed the lock over first: cancel failed, the request holds the lock.")
@Outcome(expect = FORBIDDEN, desc = "Lock lost (cancelled but still locked), held twice, or a stale queue entry.")
@State
public class Lock_02_CancelVsRelease {

    private final Lock lock = new Lock();
    private final CompletableFuture<?> pending;
    private int cancelled;

    public Lock_02_CancelVsRelease() {
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
