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
import org.openjdk.jcstress.infra.results.IIIII_Result;

/*
 * Goal (default mode): a barging tryAcquire() that races a release and the cancel of a queued
 * acquireAsync() never makes two owners and never loses the lock. The lock is held and a request
 * is queued in the state's constructor; one actor releases, the other first barges with
 * tryAcquire() and then cancels the request. The release grants the queued future (a future
 * cannot claim by itself) unless the barger took the free lock first; either way the lock ends
 * with at most one owner, it is held if and only if someone owns it, and the queue is empty.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Lock_07_BargeVsCancelVsRelease
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *    0, 0, 1, 0, 0        93,932   18.80%  Acceptable
 *    0, 1, 0, 1, 0       400,239   80.09%  Acceptable
 *    1, 0, 1, 1, 0         5,560    1.11%  Acceptable
 */
@JCStressTest
@Outcome(id = "0, 1, 0, 1, 0", expect = ACCEPTABLE, desc = "The release granted the queued request; the barge and the cancel failed.")
@Outcome(id = "0, 0, 1, 0, 0", expect = ACCEPTABLE, desc = "Barge before the release, cancel before the grant: the lock ends free.")
@Outcome(id = "1, 0, 1, 1, 0", expect = ACCEPTABLE, desc = "The barger took the released lock ahead of the queue; the request was then cancelled.")
@Outcome(expect = FORBIDDEN, desc = "Two owners, a lost lock, a held lock without owner, or a stale queue entry.")
@State
public class Lock_07_BargeVsCancelVsRelease {

    private final Lock lock = new Lock();
    private final CompletableFuture<?> pending;
    private int barged;
    private int cancelled;

    public Lock_07_BargeVsCancelVsRelease() {
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
    public void bargerThenCanceller() {
        barged = lock.tryAcquire() ? 1 : 0;
        cancelled = pending.cancel(false) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
        r.r1 = barged;
        r.r2 = pending.isDone() && !pending.isCompletedExceptionally() ? 1 : 0;
        r.r3 = cancelled;
        r.r4 = lock.isLocked() ? 1 : 0;
        r.r5 = lock.waiterCount();
    }
}
