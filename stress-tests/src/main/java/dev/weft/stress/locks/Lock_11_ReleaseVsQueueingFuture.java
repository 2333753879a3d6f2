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
import org.openjdk.jcstress.infra.results.III_Result;

/*
 * Goal (default mode): a release that races an acquireAsync() being queued never strands it. The
 * lock is held from the state's constructor; one actor releases, the other requests the lock
 * asynchronously. The request either finds the lock free, or queues and is granted by the
 * release; it must end up holding the lock, with the queue empty. The release may see the
 * queue's flag before the request is linked in; it must then look under the queue lock.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Lock_11_ReleaseVsQueueingFuture
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *          1, 1, 0       287,163  100.00%  Acceptable
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "The request holds the lock (taken at once, or granted by the release).")
@Outcome(expect = FORBIDDEN, desc = "The request was stranded (pending while the lock is free), or the lock state is wrong.")
@State
public class Lock_11_ReleaseVsQueueingFuture {

    private final Lock lock = new Lock();
    private volatile CompletableFuture<?> request;

    public Lock_11_ReleaseVsQueueingFuture() {
        lock.acquireUninterruptibly();
    }

    @Actor
    public void releaser() {
        lock.release();
    }

    @Actor
    public void requester() {
        request = lock.acquireAsync();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        CompletableFuture<?> f = request;
        r.r1 = f.isDone() && !f.isCompletedExceptionally() ? 1 : 0;
        r.r2 = lock.isLocked() ? 1 : 0;
        r.r3 = lock.waiterCount();
    }
}
