/*
 * Goal: the request-only Task.interrupt() racing the body's completion. The request counts in
 * cancelling() exactly when it was made before the body stopped, and its interrupt never
 * outlives the body, even when it was requested before the start (the body then starts
 * interrupted).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.task.Task_04"
 *
 * Observed (-m quick: 10 JVM configurations incl. C2 stress seeds; Temurin 25, 2 CPUs,
 * x86_64 Linux), results across all configurations:
 *   RESULT           SAMPLES  FREQ     EXPECT
 *   0, 0, 0, 1      2,809,627  23.28%   Acceptable
 *   0, 1, 1, 1      9,259,663  76.72%   Acceptable
 */
package dev.weft.stress.task;

import dev.weft.core.task.Task;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * r1: actor1's thread was left interrupted after the body; r2: interrupt() returned true;
 * r3: cancelling(); r4: the task FINISHED with the body's value (the body never blocks, so it
 * always returns normally).
 */
@JCStressTest
@Outcome(id = "0, 1, 1, 1", expect = Expect.ACCEPTABLE,
        desc = "The request came before the body stopped: counted once, interrupt withdrawn after the body.")
@Outcome(id = "0, 0, 0, 1", expect = Expect.ACCEPTABLE,
        desc = "The body had stopped: the request was refused and not counted.")
@Outcome(expect = Expect.FORBIDDEN,
        desc = "Miscounted request, a leaked interrupt, or a task that did not finish normally.")
@State
public class Task_04_InterruptVsCompletion {

    private Runnable runner;
    private final Task<Integer> task = Task.builder().name("t").executor(r -> runner = r).start(() -> 7);

    @Actor
    public void actor1(IIII_Result r) {
        Runnable run = runner;
        if (run != null) {
            run.run();
        }
        r.r1 = Thread.interrupted() ? 1 : 0;
    }

    @Actor
    public void actor2(IIII_Result r) {
        r.r2 = task.interrupt() ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r3 = task.cancelling();
        r.r4 = task.isStopped() && task.status() == Task.Status.FINISHED && task.join() == 7 ? 1 : 0;
    }
}
