/*
 * Goal: a put racing with a graceful shutdown, while a get waits on the empty queue, either hands
 * its element to the waiting get or fails with QueueShutDownException; it never slips into the
 * queue after the shutdown has sent the waiting get away empty-handed.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_15_PutVsShutdownWithWaitingGetter"
 *
 * Observed (-m quick -sc false with C2's stress options, the build's bounded mode; 2 vCPUs,
 * Temurin 25.0.3, Linux 6.18; one configuration):
 *   RESULT        SAMPLES      EXPECT       DESCRIPTION
 *   1, 1, 0       215,155      ACCEPTABLE   put first: the waiting get received the element
 *   0, 0, 0       83,648       ACCEPTABLE   shutdown first: the put was refused, the get sent away
 *   (no other outcome was observed)
 */
package dev.weft.stress.queue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.queue.AsyncQueue;
import dev.weft.core.queue.QueueShutDownException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * On an empty fifo(4) with a pending getAsync(): A puts 1 (never waits), B shuts down. r1 = 1 if
 * the put succeeded, 0 if it was refused; r2 = the get's element, 0 if it failed with
 * QueueShutDownException, -1 if still pending; r3 = the elements left in the queue.
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "put first: the waiting get received the element")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "shutdown first: the put was refused, the get sent away")
@Outcome(expect = FORBIDDEN, desc = "an element stranded after shutdown, a get left waiting, or an element lost")
@State
public class AsyncQueue_15_PutVsShutdownWithWaitingGetter {

    final AsyncQueue<Integer> q = AsyncQueue.fifo(4);
    final CompletableFuture<Integer> got = q.getAsync();
    int put;

    @Actor
    public void putter() {
        try {
            q.putNowait(1);
            put = 1;
        } catch (QueueShutDownException refused) {
            put = 0;
        }
    }

    @Actor
    public void closer() {
        q.shutdown();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = put;
        if (!got.isDone()) {
            r.r2 = -1;
        } else {
            try {
                r.r2 = got.join();
            } catch (CompletionException e) {
                r.r2 = e.getCause() instanceof QueueShutDownException ? 0 : -2;
            }
        }
        r.r3 = q.size();
    }
}
