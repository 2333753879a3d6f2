/*
 * Goal: two concurrent gets on a queue holding two elements get one each, never the same one, and
 * leave it empty.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsyncQueue_10_ConcurrentGetters"
 *
 * Observed (-m quick, 2 vCPUs shared with other builds, load 3-5, Temurin 25.0.3, Linux 6.18;
 * 14 JVM/compilation configurations, samples summed):
 *   RESULT         SAMPLES      EXPECT       DESCRIPTION
 *   1, 2, 0        9,987,198    ACCEPTABLE   getter 1 linearized first and took 1
 *   2, 1, 0        11,385,996   ACCEPTABLE   getter 2 linearized first and took 1
 *   (no other outcome was observed)
 */
package dev.weft.stress.queue;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.queue.AsyncQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/** Two getters on a queue holding 1, 2: r1, r2 = what each got (-1 nothing), r3 = size() after. */
@JCStressTest
@Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "getter 1 linearized first and took 1")
@Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "getter 2 linearized first and took 1")
@Outcome(expect = FORBIDDEN, desc = "both got the same element, one got nothing, or an element is left")
@State
public class AsyncQueue_10_ConcurrentGetters {

    final AsyncQueue<Integer> q = AsyncQueue.fifo(2);

    public AsyncQueue_10_ConcurrentGetters() {
        q.putNowait(1);
        q.putNowait(2);
    }

    @Actor
    public void getter1(III_Result r) {
        Integer x = q.poll();
        r.r1 = x == null ? -1 : x;
    }

    @Actor
    public void getter2(III_Result r) {
        Integer x = q.poll();
        r.r2 = x == null ? -1 : x;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = q.size();
    }
}
