/*
 * Goal: shutdown always wakes a getter blocked on an empty queue (it throws QueueShutDownException);
 * a get that starts after the shutdown fails at once. No lost wake-up.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_06_ShutdownWakesBlockedGetter"
 *
 * Observed (-m quick, 2 vCPUs shared with other builds, load 3-5, Temurin 25.0.3, Linux 6.18;
 * 4 JVM/compilation configurations, samples summed):
 *   RESULT         SAMPLES      EXPECT       DESCRIPTION
 *   TERMINATED     2,986        ACCEPTABLE   shutdown woke the blocked get
 *   (no other outcome was observed)
 */
package dev.weft.stress.queue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.queue.AsyncQueue;
import dev.weft.core.queue.QueueShutDownException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/** A blocking get on an empty queue vs shutdown: the get must end. */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "shutdown woke the blocked get (or the get saw the shutdown on entry); it threw QueueShutDownException")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "the get stayed blocked after shutdown: lost wake-up")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class AsyncQueue_06_ShutdownWakesBlockedGetter {

    final AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();

    @Actor
    public void getter() {
        try {
            q.get();
            throw new IllegalStateException("get returned an element from an empty queue");
        } catch (QueueShutDownException expected) {
            // woken by shutdown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Signal
    public void shutdown() {
        q.shutdown(false);
    }
}
