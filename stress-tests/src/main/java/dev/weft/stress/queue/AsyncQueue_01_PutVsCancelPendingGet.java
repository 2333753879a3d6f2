/*
 * Goal: a pending asynchronous get that is cancelled while an element arrives leaves that element
 * in exactly one place: delivered to the future (then the cancel fails) XOR still in the queue (then
 * the cancel succeeds). Nothing is lost, nothing is duplicated.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_01_PutVsCancelPendingGet"
 *
 * Observed (-m quick, 2 vCPUs shared with other builds, load 3-5, Temurin 25.0.3, Linux 6.18;
 * 14 JVM/compilation configurations, samples summed):
 *   RESULT         SAMPLES      EXPECT       DESCRIPTION
 *   0, 1, 0        19,121,405   ACCEPTABLE   put handed 1 to the waiting get first
 *   1, -1, 1       1,053,709    ACCEPTABLE   cancel withdrew the get first
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

/** Put vs cancel of a pending getAsync: r1 = cancel succeeded, r2 = future's value (-1 cancelled), r3 = size(). */
@JCStressTest
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "put handed 1 to the waiting get first; the cancel then failed and the future holds 1")
@Outcome(id = "1, -1, 1", expect = ACCEPTABLE, desc = "cancel withdrew the get first; the put then stored 1 in the queue")
@Outcome(expect = FORBIDDEN, desc = "element lost (nowhere) or duplicated (future and queue), or cancel result contradicts the future")
@State
public class AsyncQueue_01_PutVsCancelPendingGet {

    final AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
    final CompletableFuture<Integer> pending = q.getAsync();

    @Actor
    public void putter() {
        q.putNowait(1);
    }

    @Actor
    public void canceller(III_Result r) {
        r.r1 = pending.cancel(false) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = pending.isCancelled() ? -1 : pending.getNow(-2);
        r.r3 = q.size();
    }
}
