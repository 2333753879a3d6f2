/*
 * Goal: cancelling an asynchronous wait racing set(). Exactly one of them completes the future;
 * either way the waiter is gone from the event afterwards (no leak from a cancelled wait, no
 * double completion).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.event.Event_05"
 *
 * Observed (-m quick: 10 JVM configurations incl. C2 stress seeds; Temurin 25, 2 CPUs,
 * x86_64 Linux), results across all configurations:
 *   RESULT           SAMPLES  FREQ     EXPECT
 *   0, 0, 1, 0      8,443,185  93.32%   Acceptable
 *   1, 1, 1, 0        603,979  6.68%    Acceptable
 */
package dev.weft.stress.event;

import dev.weft.core.sync.Event;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/** r1: cancel() returned true; r2: the future is cancelled; r3: it is done; r4: waiterCount(). */
@JCStressTest
@Outcome(id = "1, 1, 1, 0", expect = Expect.ACCEPTABLE,
        desc = "The cancel came first: the wait is withdrawn, set() finds nobody.")
@Outcome(id = "0, 0, 1, 0", expect = Expect.ACCEPTABLE,
        desc = "set() came first: the wait completed normally, the cancel fails.")
@Outcome(expect = Expect.FORBIDDEN,
        desc = "Both or neither completed the wait, or the cancelled waiter stayed registered.")
@State
public class Event_05_CancelVsSet {

    private final Event event = new Event();
    private final CompletableFuture<Void> wait = event.awaitAsync();

    @Actor
    public void setter() {
        event.set();
    }

    @Actor
    public void canceller(IIII_Result r) {
        r.r1 = wait.cancel(true) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r2 = wait.isCancelled() ? 1 : 0;
        r.r3 = wait.isDone() ? 1 : 0;
        r.r4 = event.waiterCount();
    }
}
