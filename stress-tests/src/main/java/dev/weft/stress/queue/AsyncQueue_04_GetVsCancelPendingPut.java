/*
 * Goal: on a full queue, a get that frees the slot while the waiting putter cancels neither leaks
 * the slot nor duplicates it: either the putter's element was admitted (cancel fails, the element is
 * in the queue, one more unfinished task) or the put was withdrawn (cancel succeeds, the queue is
 * empty, the count unchanged).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_04_GetVsCancelPendingPut"
 *
 * Observed (-m quick, 2 vCPUs shared with other builds, load 3-5, Temurin 25.0.3, Linux 6.18;
 * 14 JVM/compilation configurations, samples summed):
 *   RESULT         SAMPLES      EXPECT       DESCRIPTION
 *   0, 0, 2, 2     19,602,678   ACCEPTABLE   get took 0 and admitted 2 at once
 *   0, 1, -1, 1    1,637,396    ACCEPTABLE   cancel withdrew the put first
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
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Get vs cancel of a pending putAsync on a full fifo(1): r1 = element got (always 0), r2 = cancel
 * succeeded, r3 = what is left in the queue (-1 none), r4 = unfinished tasks.
 */
@JCStressTest
@Outcome(id = "0, 0, 2, 2", expect = ACCEPTABLE, desc = "get took 0 and admitted 2 at once; the cancel then failed; 2 is queued, 2 unfinished")
@Outcome(id = "0, 1, -1, 1", expect = ACCEPTABLE, desc = "cancel withdrew the put first; get took 0; queue empty, 1 unfinished")
@Outcome(expect = FORBIDDEN, desc = "slot leaked or duplicated, element lost or duplicated, or counts wrong")
@State
public class AsyncQueue_04_GetVsCancelPendingPut {

    final AsyncQueue<Integer> q = AsyncQueue.fifo(1);
    final CompletableFuture<Void> pending;

    public AsyncQueue_04_GetVsCancelPendingPut() {
        q.putNowait(0);
        pending = q.putAsync(2);
    }

    @Actor
    public void getter(IIII_Result r) {
        Integer x = q.poll();
        r.r1 = x == null ? -1 : x;
    }

    @Actor
    public void canceller(IIII_Result r) {
        r.r2 = pending.cancel(false) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        Integer left = q.poll();
        r.r3 = left == null ? -1 : left;
        if (q.poll() != null) {
            r.r3 = 99; // a second element: duplicated
        }
        r.r4 = (int) q.unfinishedTasks();
    }
}
