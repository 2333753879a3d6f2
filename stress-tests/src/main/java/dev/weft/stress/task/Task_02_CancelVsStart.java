/*
 * Goal: a cancel racing the start of the body. A task cancelled before its body started never
 * runs the body; whatever the interleaving, the body has stopped once both are over.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.task.Task_02"
 *
 * Observed (-m quick: 10 JVM configurations incl. C2 stress seeds; Temurin 25, 2 CPUs,
 * x86_64 Linux), results across all configurations:
 *   RESULT           SAMPLES  FREQ     EXPECT
 *   0, 1, 1           764,928  10.09%   Acceptable
 *   1, 0, 1         6,777,431  89.38%   Acceptable
 *   1, 1, 1            40,527  0.53%    Acceptable
 */
package dev.weft.stress.task;

import dev.weft.core.task.Task;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/** r1: the body ran; r2: the task is cancelled; r3: the body has stopped (arbiter). */
@JCStressTest
@Outcome(id = "0, 1, 1", expect = Expect.ACCEPTABLE,
        desc = "Cancelled before the start: the body never ran.")
@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE,
        desc = "Cancelled while the body ran: it ran, its value was discarded.")
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE,
        desc = "The body finished before the cancel.")
@Outcome(expect = Expect.FORBIDDEN,
        desc = "The body neither ran nor was cancelled, or had not stopped after both sides returned.")
@State
public class Task_02_CancelVsStart {

    private Runnable runner;
    private volatile boolean ran;
    private final Task<Integer> task = Task.builder().name("t").executor(r -> runner = r).start(() -> {
        ran = true;
        return 1;
    });

    @Actor
    public void actor1() {
        Runnable run = runner;
        if (run != null) {
            run.run();
        }
        Thread.interrupted(); // Task_01 checks for a leaked interrupt; here just keep the actor clean
    }

    @Actor
    public void actor2() {
        task.cancel(true);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = ran ? 1 : 0;
        r.r2 = task.isCancelled() ? 1 : 0;
        r.r3 = task.isStopped() ? 1 : 0;
    }
}
