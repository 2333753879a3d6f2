/*
 * Goal: no lost wake-up when clear() follows set() at once. The signal waits (yielding) until the
 * waiter has joined, then calls set() and clear() back to back: the waiter must still return,
 * although the event is unset again by the time it runs (asyncio's rule, CPython's
 * test_clear_with_waiters).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.event.Event_03"
 *
 * Observed (-m quick: 10 JVM configurations incl. C2 stress seeds; Temurin 25, 2 CPUs,
 * x86_64 Linux), results across all configurations:
 *   RESULT           SAMPLES  FREQ     EXPECT
 *   STALE                   0  0.00%    Forbidden
 *   TERMINATED          2,501  100.00%  Acceptable
 */
package dev.weft.stress.event;

import dev.weft.core.sync.Event;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = Expect.ACCEPTABLE, desc = "The waiter woken by set() returned despite the clear().")
@Outcome(id = "STALE", expect = Expect.FORBIDDEN, desc = "Lost wake-up: clear() undid the set() for a waiting thread.")
@State
public class Event_03_SetThenClearWakesBlockedWaiter {

    private final Event event = new Event();

    @Actor
    public void waiter() throws InterruptedException {
        event.await();
    }

    @Signal
    public void signal() {
        while (event.waiterCount() == 0) {
            Thread.yield(); // the waiter must be waiting, or the clear() would rightly strand it
        }
        event.set();
        event.clear();
    }
}
