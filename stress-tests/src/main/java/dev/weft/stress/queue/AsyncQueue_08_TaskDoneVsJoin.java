/*
 * Goal: a join blocked on one unfinished task always returns once taskDone brings the count to zero,
 * whatever the interleaving of the join's check-then-wait and the taskDone. No lost wake-up.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_08_TaskDoneVsJoin"
 *
 * Observed (-m quick, 2 vCPUs shared with other builds, load 3-5, Temurin 25.0.3, Linux 6.18;
 * 4 JVM/compilation configurations, samples summed):
 *   RESULT         SAMPLES      EXPECT       DESCRIPTION
 *   TERMINATED     2,941        ACCEPTABLE   taskDone released the waiting join
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

/** join vs the taskDone that ends the last task: join must return. */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "taskDone released the waiting join (or join found the count already zero)")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "join stayed blocked with no unfinished task: lost wake-up")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class AsyncQueue_08_TaskDoneVsJoin {

    final AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();

    public AsyncQueue_08_TaskDoneVsJoin() {
        q.putNowait(1);
        q.getNowait();
    }

    @Actor
    public void joiner() {
        try {
            q.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Signal
    public void done() {
        q.taskDone();
    }
}
