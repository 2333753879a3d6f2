package dev.weft.stress.locks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.sync.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/*
 * Goal: a blocking acquire() that is interrupted while a permit is handed to it never loses the
 * permit. Semaphore(0); one actor blocks in acquire(), the other releases a permit and then
 * interrupts it. The acquirer either throws InterruptedException and the permit stays in the
 * pool, or returns normally holding the permit with the interrupt status set (when the interrupt
 * arrived during or after the hand-off) or clear (when the interrupt was skipped because the
 * acquirer had already finished).
 *
 * The interrupt must not leak into the next sample run on the same jcstress thread: the
 * interrupter claims the right to interrupt with a CAS on 'phase' and reports when it is done;
 * the acquirer, when it finishes, either claims "no interrupt will come" or waits for that
 * report, and then clears its interrupt status.
 *
 * Run: java -jar stress-tests/target/jcstress.jar -t Semaphore_02_InterruptVsRelease
 *
 * Observed (the build's bounded run: -m quick -sc false, C2 stress options; 2 shared CPUs,
 * loaded, x86_64, Linux, Temurin 25.0.3):
 *           RESULT       SAMPLES     FREQ  EXPECT
 *          0, 0, 1           349    2.69%  Acceptable
 *          1, 0, 0         5,375   41.44%  Acceptable
 *          1, 1, 0         7,247   55.87%  Acceptable
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "Acquired and finished before the interrupter looked: no interrupt sent.")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "Acquired; the interrupt came during or after the hand-off and is set again.")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "Interrupted before the hand-off (or on entry): InterruptedException, the permit stays available.")
@Outcome(expect = FORBIDDEN, desc = "The permit was lost (interrupted, none available) or duplicated (acquired, one still available).")
@State
public class Semaphore_02_InterruptVsRelease {

    private static final int OPEN = 0;       // must be the initial value
    private static final int SENDING = 1;    // the interrupter claimed the right to interrupt
    private static final int CLOSED = 2;     // the acquirer finished first: no interrupt will come
    private static final int SENT = 3;       // the interrupt was delivered

    private final Semaphore sem = new Semaphore(0);
    private final AtomicInteger phase = new AtomicInteger(OPEN);
    private volatile Thread acquirer;
    private int acquired;
    private int flag;

    @Actor
    public void acquirer() {
        acquirer = Thread.currentThread();
        try {
            sem.acquire();
            acquired = 1;
        } catch (InterruptedException e) {
            acquired = 0;
        }
        if (!phase.compareAndSet(OPEN, CLOSED)) {
            while (phase.get() != SENT) {
                Thread.onSpinWait();
            }
        }
        flag = Thread.interrupted() ? 1 : 0;
    }

    @Actor
    public void releaserAndInterrupter() {
        sem.release();
        Thread t;
        while ((t = acquirer) == null) {
            Thread.onSpinWait();
        }
        if (phase.compareAndSet(OPEN, SENDING)) {
            t.interrupt();
            phase.set(SENT);
        }
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = acquired;
        r.r2 = flag;
        r.r3 = sem.availablePermits();
    }
}
