/*
 * Goal: on a full queue, a blocked put interrupted while a get frees the slot either completes
 * (its element is queued) or throws InterruptedException (its element is not queued, no slot is
 * taken). The putter is a virtual thread started by the state.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_05_GetVsInterruptedPut"
 *
 * Observed (-m quick, 2 vCPUs shared with other builds, load 3-5, Temurin 25.0.3, Linux 6.18;
 * 14 JVM/compilation configurations, samples summed):
 *   RESULT         SAMPLES      EXPECT       DESCRIPTION
 *   0, -1          1,957,279    ACCEPTABLE   the interrupt ended the put
 *   1, 2           9,703,360    ACCEPTABLE   the get admitted 2 before the interrupt was seen
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

/** Get vs interrupt of a blocked put on fifo(1): r1 = put completed (1) or was interrupted (0), r2 = what is left queued (-1 none). */
@JCStressTest
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "the get admitted 2 before the interrupt was seen (or the interrupt came after); 2 is queued")
@Outcome(id = "0, -1", expect = ACCEPTABLE, desc = "the interrupt ended the put (on entry or while waiting) first; the get emptied the queue")
@Outcome(expect = FORBIDDEN, desc = "element lost (put completed, nothing queued) or slot taken by an interrupted put, or the put failed otherwise")
@State
public class AsyncQueue_05_GetVsInterruptedPut {

    final AsyncQueue<Integer> q = AsyncQueue.fifo(1);
    /** 1 = put completed, 0 = InterruptedException, -1 = something else. */
    int put = -1;
    final Thread putter;

    public AsyncQueue_05_GetVsInterruptedPut() {
        q.putNowait(0);
        putter = Thread.ofVirtual().start(() -> {
            try {
                q.put(2);
                put = 1;
            } catch (InterruptedException e) {
                put = 0;
            }
        });
    }

    @Actor
    public void getter() {
        q.poll();
    }

    @Actor
    public void interrupter() {
        putter.interrupt();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        try {
            putter.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        r.r1 = put;
        Integer left = q.poll();
        r.r2 = left == null ? -1 : left;
    }
}
