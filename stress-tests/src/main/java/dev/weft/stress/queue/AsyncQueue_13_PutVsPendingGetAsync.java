/*
 * Goal: a put that races with a get starting to wait never leaves the element in the queue beside
 * the waiting get (the Dekker pair between the ring's publication and the getters' count of a
 * bounded FIFO queue). The get is asynchronous, so a lost hand-over shows as a pending future
 * instead of a hang.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_13_PutVsPendingGetAsync"
 *
 * Observed (-m quick -sc false with C2's stress options, the build's bounded mode; 2 vCPUs,
 * Temurin 25.0.3, Linux 6.18; one configuration):
 *   RESULT        SAMPLES      EXPECT       DESCRIPTION
 *   1, -1         1,718,291    ACCEPTABLE   the get received the element
 *   (no other outcome was observed)
 */
package dev.weft.stress.queue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.queue.AsyncQueue;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * On an empty fifo(4): A puts 1 (never waits), B calls getAsync(). r1 = the future's element (-1
 * pending), r2 = what a poll finds after both (-1 nothing).
 */
@JCStressTest
@Outcome(id = "1, -1", expect = ACCEPTABLE, desc = "the get received the element")
@Outcome(expect = FORBIDDEN, desc = "the get still waits beside the element, or the element was lost or duplicated")
@State
public class AsyncQueue_13_PutVsPendingGetAsync {

    final AsyncQueue<Integer> q = AsyncQueue.fifo(4);
    volatile CompletableFuture<Integer> got;

    @Actor
    public void putter() {
        q.putNowait(1);
    }

    @Actor
    public void getter() {
        got = q.getAsync();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        CompletableFuture<Integer> f = got;
        r.r1 = f.isDone() ? f.join() : -1;
        Integer left = q.poll();
        r.r2 = left == null ? -1 : left;
    }
}
