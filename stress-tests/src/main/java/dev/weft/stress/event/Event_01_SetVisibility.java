/*
 * Goal: set() publishes. A plain write made before set() is visible to a thread that sees the
 * event set.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.event.Event_01"
 *
 * Observed (-m quick: 10 JVM configurations incl. C2 stress seeds; Temurin 25, 2 CPUs,
 * x86_64 Linux), results across all configurations:
 *   RESULT           SAMPLES  FREQ     EXPECT
 *   0, 0            3,411,778  52.97%   Acceptable
 *   0, 1                7,196  0.11%    Acceptable
 *   1, 1            3,022,550  46.92%   Acceptable
 */
package dev.weft.stress.event;

import dev.weft.core.sync.Event;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/** r1: the reader saw the event set; r2: the value it read. */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "The reader came after set(): it sees the event and the write.")
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "The reader came before the write and the set().")
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "The reader came between the write and the set().")
@Outcome(expect = Expect.FORBIDDEN, desc = "The event was seen set but the write before set() was not seen.")
@State
public class Event_01_SetVisibility {

    private final Event event = new Event();
    private int value;

    @Actor
    public void writer() {
        value = 1;
        event.set();
    }

    @Actor
    public void reader(II_Result r) {
        r.r1 = event.isSet() ? 1 : 0;
        r.r2 = value;
    }
}
