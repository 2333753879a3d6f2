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
 * Goal (default mode): a queued acquireAsync() is never stranded while the lock is free. The lock
 * is held and a request queued in the state's constructor; one actor releases, the other barges
 * with tryAcquire() and, if it got the lock, releases it at once. Whatever the interleaving, the
 * request must end up holding the lock (its future complete, the lock held, the queue empty): a
 * barger's release must grant a future head as a holder's release does.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Lock_09_BargerNeverStrandsFuture
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *       0, 1, 1, 0       520,095   99.98%  Acceptable
 *       1, 1, 1, 0           116    0.02%  Acceptable
 */
@JCStressTest
@Outcome(id = "0, 1, 1, 0", expect = ACCEPTABLE, desc = "The barge failed; the release granted the request.")
@Outcome(id = "1, 1, 1, 0", expect = ACCEPTABLE, desc = "The barger took the lock first; its release granted the request.")
@Outcome(expect = FORBIDDEN, desc = "The request was stranded (pending while the lock is free), or the lock state is wrong.")
@State
public class Lock_09_BargerNeverStrandsFuture {

    private final Lock lock = new Lock();
    private final CompletableFuture<?> pending;
    private int barged;

    public Lock_09_BargerNeverStrandsFuture() {
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
    public void barger() {
        if (lock.tryAcquire()) {
            barged = 1;
            lock.release();
        }
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = barged;
        r.r2 = pending.isDone() && !pending.isCompletedExceptionally() ? 1 : 0;
        r.r3 = lock.isLocked() ? 1 : 0;
        r.r4 = lock.waiterCount();
    }
}
