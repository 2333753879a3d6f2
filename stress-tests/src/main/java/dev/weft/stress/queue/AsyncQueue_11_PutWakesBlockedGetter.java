/*
 * Goal: a put always wakes a getter blocked on an empty queue (it returns the element), whatever
 * the interleaving of the get's check-then-wait with the put. No lost wake-up.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_11_PutWakesBlockedGetter"
 *
 * Observed (-m quick, 2 vCPUs shared with other builds, load 3-5, Temurin 25.0.3, Linux 6.18;
 * 4 JVM/compilation configurations, samples summed):
 *   RESULT         SAMPLES      EXPECT       DESCRIPTION
 *   TERMINATED     2,993        ACCEPTABLE   the put handed its element to the waiting get
 *   (no other outcome was observed)
 */
package dev.weft.stress.queue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.queue.AsyncQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/** A blocking get on an empty queue vs a put: the get must return. */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the put handed its element to the waiting get (or the get found it on entry)")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "the get stayed blocked although an element was put: lost wake-up")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class AsyncQueue_11_PutWakesBlockedGetter {

    final AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();

    @Actor
    public void getter() {
        try {
            if (q.get() != 1) {
                throw new IllegalStateException("wrong element");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Signal
    public void putter() {
        q.putNowait(1);
    }
}
