/*
 * Goal: two concurrent puts on a bounded queue with room for both keep both elements, in one of the
 * two orders, and count two unfinished tasks.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_09_ConcurrentPutters"
 *
 * Observed (-m quick, 2 vCPUs shared with other builds, load 3-5, Temurin 25.0.3, Linux 6.18;
 * 14 JVM/compilation configurations, samples summed):
 *   RESULT         SAMPLES      EXPECT       DESCRIPTION
 *   1, 2, 2        11,871,686   ACCEPTABLE   putter 1 linearized first
 *   2, 1, 2        7,934,788    ACCEPTABLE   putter 2 linearized first
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
import org.openjdk.jcstress.infra.results.III_Result;

/** Two putters on fifo(2): r1, r2 = the elements in queue order (-1 none), r3 = unfinished tasks. */
@JCStressTest
@Outcome(id = "1, 2, 2", expect = ACCEPTABLE, desc = "putter 1 linearized first")
@Outcome(id = "2, 1, 2", expect = ACCEPTABLE, desc = "putter 2 linearized first")
@Outcome(expect = FORBIDDEN, desc = "an element lost or duplicated, or the unfinished count is wrong")
@State
public class AsyncQueue_09_ConcurrentPutters {

    final AsyncQueue<Integer> q = AsyncQueue.fifo(2);

    @Actor
    public void putter1() {
        q.putNowait(1);
    }

    @Actor
    public void putter2() {
        q.putNowait(2);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = (int) q.unfinishedTasks();
        Integer a = q.poll();
        Integer b = q.poll();
        r.r1 = a == null ? -1 : a;
        r.r2 = b == null ? -1 : b;
        if (q.poll() != null) {
            r.r3 = 99;
        }
    }
}
