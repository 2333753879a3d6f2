/*
 * Goal: a cancel racing the body's completion. Exactly one of them decides the task; both sides
 * see a consistent, completed task the moment their call returns; and the interrupt that a
 * cancel delivers never outlives the body (the thread that ran the body is not left
 * interrupted).
 *
 * The body runs inline in actor1 (the task's executor hands the runner over, actor1 runs it), so
 * actor1's thread is the body's thread and can check for a stray interrupt afterwards.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.task.Task_01"
 *
 * Observed (-m quick: 10 JVM configurations incl. C2 stress seeds; Temurin 25, 2 CPUs,
 * x86_64 Linux), results across all configurations:
 *   RESULT           SAMPLES  FREQ     EXPECT
 *   0, 1, 0, 1, 1   6,021,994  90.11%   Acceptable
 *   0, 1, 1, 1, 2     660,859  9.89%    Acceptable
 */
package dev.weft.stress.task;

import dev.weft.core.task.Task;
import java.util.concurrent.CancellationException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * r1: actor1's thread was left interrupted after running the body (1) or not (0);
 * r2: actor1 saw the task done right after running it;
 * r3: cancel() returned true (1) or false (0);
 * r4: actor2 saw isDone() and isCancelled() == cancel's answer right after cancel returned;
 * r5: final outcome: 1 result 42 (FINISHED), 2 CancellationException (CANCELLED), 0 other.
 */
@JCStressTest
@Outcome(id = "0, 1, 0, 1, 1", expect = Expect.ACCEPTABLE,
        desc = "The body returned before the cancel decided: cancel() returns false, the task is FINISHED with 42.")
@Outcome(id = "0, 1, 1, 1, 2", expect = Expect.ACCEPTABLE,
        desc = "The cancel decided first (before the start or while running): the task is CANCELLED, the value is discarded.")
@Outcome(expect = Expect.FORBIDDEN,
        desc = "Both or neither decided, a side saw an incomplete or inconsistent task, or an interrupt leaked.")
@State
public class Task_01_CancelVsCompletion {

    private Runnable runner;
    private final Task<Integer> task = Task.builder().name("t").executor(r -> runner = r).start(() -> 42);

    @Actor
    public void actor1(IIIII_Result r) {
        Runnable run = runner;
        if (run != null) {
            run.run();
        }
        r.r1 = Thread.interrupted() ? 1 : 0;
        r.r2 = task.isDone() ? 1 : 0;
    }

    @Actor
    public void actor2(IIIII_Result r) {
        boolean cancelled = task.cancel(true);
        r.r3 = cancelled ? 1 : 0;
        r.r4 = task.isDone() && task.isCancelled() == cancelled ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
        if (!task.isStopped()) {
            r.r5 = 0;
            return;
        }
        try {
            r.r5 = task.join() == 42 && task.status() == Task.Status.FINISHED ? 1 : 0;
        } catch (CancellationException e) {
            r.r5 = task.status() == Task.Status.CANCELLED ? 2 : 0;
        }
    }
}
