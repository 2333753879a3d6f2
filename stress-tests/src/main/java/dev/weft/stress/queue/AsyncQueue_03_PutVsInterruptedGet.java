/*
 * Goal: a blocking get interrupted while an element arrives either returns the element (and the
 * queue is empty) or throws InterruptedException (and the element is still queued). The getter is
 * a virtual thread started by the state (blocked in get(), or about to be); the two actors put and
 * interrupt; the arbiter joins the getter and looks.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_03_PutVsInterruptedGet"
 *
 * Observed (-m quick, 2 vCPUs shared with other builds, load 3-5, Temurin 25.0.3, Linux 6.18;
 * 14 JVM/compilation configurations, samples summed):
 *   RESULT         SAMPLES      EXPECT       DESCRIPTION
 *   0, 1           2,157,772    ACCEPTABLE   the interrupt ended the get
 *   1, 0           9,395,262    ACCEPTABLE   the put handed 1 to the get before the interrupt was seen
 *   (no other outcome was observed)
 */
package dev.weft.stress.queue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.queue.AsyncQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/** Put vs interrupt of a blocking get: r1 = what the get returned (1, or 0 for InterruptedException), r2 = size(). */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the put handed 1 to the get before the interrupt was seen (or the interrupt came after); get returned 1")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the interrupt ended the get (on entry or while waiting) before the put; 1 stayed queued")
@Outcome(expect = FORBIDDEN, desc = "element lost (IE and empty queue) or duplicated (returned and still queued), or the get failed otherwise")
@State
public class AsyncQueue_03_PutVsInterruptedGet {

    final AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
    /** 1 = got the element, 0 = InterruptedException, -1 = something else; written before the getter ends. */
    int got = -1;
    final Thread getter = Thread.ofVirtual().start(() -> {
        try {
            got = q.get();
        } catch (InterruptedException e) {
            got = 0;
        }
    });

    @Actor
    public void putter() {
        q.putNowait(1);
    }

    @Actor
    public void interrupter() {
        getter.interrupt();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        try {
            getter.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        r.r1 = got;
        r.r2 = q.size();
    }
}
