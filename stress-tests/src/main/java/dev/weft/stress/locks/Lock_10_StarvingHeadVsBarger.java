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
 * Goal (default mode, switch to hand-off): when the head of the queue has waited past the
 * starvation bound, the release that notices it switches the lock to FIFO hand-off; that switch,
 * racing a barger and a cancel, still ends with exactly one owner or none, never two, and an
 * empty queue. The state's constructor holds the lock, queues a request and then lets more than
 * the 1 ms bound pass; one actor releases, the other barges with tryAcquire() and then cancels
 * the request. (Each sample costs over a millisecond, so this test collects fewer samples.)
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Lock_10_StarvingHeadVsBarger
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *    0, 0, 1, 0, 0            41   83.67%  Acceptable
 *    0, 1, 0, 1, 0             8   16.33%  Acceptable
 */
@JCStressTest
@Outcome(id = "0, 1, 0, 1, 0", expect = ACCEPTABLE, desc = "The release handed the lock to the starving request; the barge and the cancel failed.")
@Outcome(id = "0, 0, 1, 0, 0", expect = ACCEPTABLE, desc = "Barge before the release, cancel before the hand-off: the lock ends free.")
@Outcome(id = "1, 0, 1, 1, 0", expect = ACCEPTABLE, desc = "The barger took the lock between the release and the switch; the request was then cancelled.")
@Outcome(expect = FORBIDDEN, desc = "Two owners, a lost lock, a held lock without owner, or a stale queue entry.")
@State
public class Lock_10_StarvingHeadVsBarger {

    /** More than the starvation bound of the locks (1 ms). */
    private static final long STARVED_NANOS = 1_100_000L;

    private final Lock lock = new Lock();
    private final CompletableFuture<?> pending;
    private int barged;
    private int cancelled;

    public Lock_10_StarvingHeadVsBarger() {
        if (!lock.tryAcquire()) {
            throw new IllegalStateException("a new lock must be free");
        }
        pending = lock.acquireAsync();
        long start = System.nanoTime();
        while (System.nanoTime() - start < STARVED_NANOS) {
            Thread.onSpinWait();
        }
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
