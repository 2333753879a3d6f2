/*
 * Goal: liveness of set(). A thread blocked in await() returns once set() is called, wherever the
 * set() lands relative to the wait (before it, while joining, while parked).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.event.Event_02"
 *
 * Observed (-m quick: 10 JVM configurations incl. C2 stress seeds; Temurin 25, 2 CPUs,
 * x86_64 Linux), results across all configurations:
 *   RESULT           SAMPLES  FREQ     EXPECT
 *   STALE                   0  0.00%    Forbidden
 *   TERMINATED          2,661  100.00%  Acceptable
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
@Outcome(id = "TERMINATED", expect = Expect.ACCEPTABLE, desc = "set() woke the waiter, or came before the wait.")
@Outcome(id = "STALE", expect = Expect.FORBIDDEN, desc = "Lost wake-up: the waiter stayed blocked after set().")
@State
public class Event_02_SetWakesBlockedWaiter {

    private final Event event = new Event();

    @Actor
    public void waiter() throws InterruptedException {
        event.await();
    }

    @Signal
    public void signal() {
        event.set();
    }
}
