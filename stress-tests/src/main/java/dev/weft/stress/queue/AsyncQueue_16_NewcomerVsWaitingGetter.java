/*
 * Goal: strict FIFO hand-off. While a get waits, a put's element goes to it, never to a newcomer
 * that polls at the same moment: the poll finds the waiting get ahead of it and returns nothing.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_16_NewcomerVsWaitingGetter"
 *
 * Observed (-m quick -sc false with C2's stress options, the build's bounded mode; 2 vCPUs,
 * Temurin 25.0.3, Linux 6.18; one configuration):
 *   RESULT        SAMPLES      EXPECT       DESCRIPTION
 *   1, -1, 0      1,472,531    ACCEPTABLE   the waiting get received the element; the newcomer found none
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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * On an empty fifo(4) with a pending getAsync(): A puts 1, B polls. r1 = the waiting get's element
 * (-1 pending), r2 = B's element (-1 none), r3 = the elements left in the queue.
 */
@JCStressTest
@Outcome(id = "1, -1, 0", expect = ACCEPTABLE, desc = "the waiting get received the element; the newcomer found none")
@Outcome(expect = FORBIDDEN, desc = "the newcomer overtook the waiting get, or the element was lost or duplicated")
@State
public class AsyncQueue_16_NewcomerVsWaitingGetter {

    final AsyncQueue<Integer> q = AsyncQueue.fifo(4);
    final CompletableFuture<Integer> waiting = q.getAsync();
    int polled;

    @Actor
    public void putter() {
        q.putNowait(1);
    }

    @Actor
    public void newcomer() {
        Integer x = q.poll();
        polled = x == null ? -1 : x;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = waiting.isDone() ? waiting.join() : -1;
        r.r2 = polled;
        r.r3 = q.size();
    }
}
