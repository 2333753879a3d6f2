/*
 * Goal: a get that frees a slot always wakes a putter blocked on a full queue (its put completes),
 * whatever the interleaving of the put's check-then-wait with the get. No lost wake-up.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_12_GetWakesBlockedPutter"
 *
 * Observed (-m quick, 2 vCPUs shared with other builds, load 3-5, Temurin 25.0.3, Linux 6.18;
 * 4 JVM/compilation configurations, samples summed):
 *   RESULT         SAMPLES      EXPECT       DESCRIPTION
 *   TERMINATED     2,915        ACCEPTABLE   the get made room and admitted the waiting put
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

/** A blocking put on a full fifo(1) vs a get: the put must return. */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the get made room and admitted the waiting put (or the put found room on entry)")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "the put stayed blocked although a slot was freed: lost wake-up")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class AsyncQueue_12_GetWakesBlockedPutter {

    final AsyncQueue<Integer> q = AsyncQueue.fifo(1);

    public AsyncQueue_12_GetWakesBlockedPutter() {
        q.putNowait(0);
    }

    @Actor
    public void putter() {
        try {
            q.put(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Signal
    public void getter() {
        if (q.getNowait() != 0) {
            throw new IllegalStateException("wrong element");
        }
    }
}
