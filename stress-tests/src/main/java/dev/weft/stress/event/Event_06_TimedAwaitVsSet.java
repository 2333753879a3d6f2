/*
 * Goal: a short timed wait racing set(). Whether it reports the set or the timeout, the waiter
 * never stays registered, and a wait that reports a timeout really saw no set before it left.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.event.Event_06"
 *
 * Observed (-m quick: 10 JVM configurations incl. C2 stress seeds; Temurin 25, 2 CPUs,
 * x86_64 Linux), results across all configurations:
 *   RESULT           SAMPLES  FREQ     EXPECT
 *   0, 0               51,360  0.49%    Acceptable
 *   1, 0           10,513,320  99.51%   Acceptable
 */
package dev.weft.stress.event;

import dev.weft.core.sync.Event;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/** r1: await(2 us) returned true (1), false (0) or was interrupted (2); r2: waiterCount(). */
@JCStressTest
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "The set() came before the timeout: the wait returned true.")
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "The timeout came first: the waiter withdrew itself.")
@Outcome(expect = Expect.FORBIDDEN, desc = "A timed-out waiter stayed registered, or the wait failed.")
@State
public class Event_06_TimedAwaitVsSet {

    private static final long TIMEOUT_NANOS = 2_000;

    private final Event event = new Event();

    @Actor
    public void waiter(II_Result r) {
        try {
            r.r1 = event.await(TIMEOUT_NANOS, TimeUnit.NANOSECONDS) ? 1 : 0;
        } catch (InterruptedException e) {
            r.r1 = 2;
        }
    }

    @Actor
    public void setter() {
        event.set();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r2 = event.waiterCount();
    }
}
