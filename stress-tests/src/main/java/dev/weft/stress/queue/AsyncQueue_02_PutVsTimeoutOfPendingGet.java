/*
 * Goal: the same as AsyncQueue_01 for the path that CompletableFuture.orTimeout takes: the pending
 * get's future is completed exceptionally (a TimeoutException) while an element arrives. The
 * element is delivered XOR stays queued.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_02_PutVsTimeoutOfPendingGet"
 *
 * Observed (-m quick, 2 vCPUs shared with other builds, load 3-5, Temurin 25.0.3, Linux 6.18;
 * 14 JVM/compilation configurations, samples summed):
 *   RESULT         SAMPLES      EXPECT       DESCRIPTION
 *   0, 1, 0        11,411,817   ACCEPTABLE   put handed 1 over first
 *   1, -1, 1       663,457      ACCEPTABLE   the timeout withdrew the get first
 *   (no other outcome was observed)
 */
package dev.weft.stress.queue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.queue.AsyncQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/** Put vs exceptional completion of a pending getAsync: r1 = timeout took effect, r2 = value (-1 failed), r3 = size(). */
@JCStressTest
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "put handed 1 over first; the timeout then failed and the future holds 1")
@Outcome(id = "1, -1, 1", expect = ACCEPTABLE, desc = "the timeout withdrew the get first; the put then stored 1 in the queue")
@Outcome(expect = FORBIDDEN, desc = "element lost or duplicated, or completion result contradicts the future")
@State
public class AsyncQueue_02_PutVsTimeoutOfPendingGet {

    final AsyncQueue<Integer> q = AsyncQueue.unboundedFifo();
    final CompletableFuture<Integer> pending = q.getAsync();

    @Actor
    public void putter() {
        q.putNowait(1);
    }

    @Actor
    public void timer(III_Result r) {
        r.r1 = pending.completeExceptionally(new TimeoutException()) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = pending.isCompletedExceptionally() ? -1 : pending.getNow(-2);
        r.r3 = q.size();
    }
}
