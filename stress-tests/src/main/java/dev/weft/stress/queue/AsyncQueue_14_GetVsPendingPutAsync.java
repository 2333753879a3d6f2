/*
 * Goal: a get that frees a slot while a put starts to wait on the full queue never leaves the put
 * waiting beside free room (the Dekker pair between the ring's slot release and the putters' count
 * of a bounded FIFO queue), and the put's element enters behind the one already queued.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_14_GetVsPendingPutAsync"
 *
 * Observed (-m quick -sc false with C2's stress options, the build's bounded mode; 2 vCPUs,
 * Temurin 25.0.3, Linux 6.18; one configuration):
 *   RESULT        SAMPLES      EXPECT       DESCRIPTION
 *   1, 1, 2       1,482,771    ACCEPTABLE   the poll freed the slot and the put's element took it
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
 * On fifo(1) holding 1: A calls putAsync(2), B polls. r1 = B's element (-1 none), r2 = whether the
 * put's future is done (1) or pending (0), r3 = what a poll finds after both (-1 nothing).
 */
@JCStressTest
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "the poll freed the slot and the put's element took it")
@Outcome(expect = FORBIDDEN, desc = "the put still waits beside free room, or an element was lost, duplicated or reordered")
@State
public class AsyncQueue_14_GetVsPendingPutAsync {

    final AsyncQueue<Integer> q = AsyncQueue.fifo(1);
    volatile CompletableFuture<Void> put;
    int polled;

    public AsyncQueue_14_GetVsPendingPutAsync() {
        q.putNowait(1);
    }

    @Actor
    public void putter() {
        put = q.putAsync(2);
    }

    @Actor
    public void getter() {
        Integer x = q.poll();
        polled = x == null ? -1 : x;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = polled;
        r.r2 = put.isDone() && !put.isCompletedExceptionally() ? 1 : 0;
        Integer left = q.poll();
        r.r3 = left == null ? -1 : left;
    }
}
