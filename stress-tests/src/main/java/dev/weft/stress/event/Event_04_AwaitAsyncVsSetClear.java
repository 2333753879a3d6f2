/*
 * Goal: an asynchronous wait racing set(); clear(). The wait is either completed (it joined
 * before the set, or saw the event set) or still registered for the next set (it joined after
 * the clear): never lost, never both completed and registered.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.event.Event_04"
 *
 * Observed (-m quick: 10 JVM configurations incl. C2 stress seeds; Temurin 25, 2 CPUs,
 * x86_64 Linux), results across all configurations:
 *   RESULT           SAMPLES  FREQ     EXPECT
 *   0, 1, 0         1,566,549  27.04%   Acceptable
 *   1, 0, 0         4,226,208  72.96%   Acceptable
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
import org.openjdk.jcstress.infra.results.III_Result;

/** r1: the wait's future is done; r2: waiterCount(); r3: the event is set (arbiter). */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE,
        desc = "The wait joined before set() (woken by it) or came between set() and clear() (saw it set).")
@Outcome(id = "0, 1, 0", expect = Expect.ACCEPTABLE,
        desc = "The wait joined after clear(): it waits for the next set().")
@Outcome(expect = Expect.FORBIDDEN,
        desc = "A lost wait (not done, not registered), a leaked waiter (done and registered), or a wrong flag.")
@State
public class Event_04_AwaitAsyncVsSetClear {

    private final Event event = new Event();
    private CompletableFuture<Void> wait;

    @Actor
    public void waiter() {
        wait = event.awaitAsync();
    }

    @Actor
    public void setter() {
        event.set();
        event.clear();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        CompletableFuture<Void> w = wait;
        r.r1 = w != null && w.isDone() ? 1 : 0;
        r.r2 = event.waiterCount();
        r.r3 = event.isSet() ? 1 : 0;
    }
}
