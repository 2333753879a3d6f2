/*
 * Goal: whenStopped() racing the body's end. The stop signal is made by the first caller that
 * needs it and installed by CAS, while the runner moves the phase to STOPPED and then completes
 * the signal if one is installed: whichever order the two take, the future whenStopped()
 * returned must be complete once the body has stopped (a waiter is never left behind).
 *
 * The body runs inline in actor1 (the task's executor hands the runner over, actor1 runs it).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.task.Task_05"
 */
package dev.weft.stress.task;

import dev.weft.core.task.Task;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * r1: the future from whenStopped() was already complete when actor2 got it (1) or not (0);
 * r2: that future is complete once both actors are done (1) or not (0).
 */
@JCStressTest
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE,
        desc = "actor2 asked while the body ran: the runner completed the installed signal.")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE,
        desc = "The body had stopped when actor2 asked: the future was complete at once.")
@Outcome(expect = Expect.FORBIDDEN, desc = "The body stopped but the future whenStopped() returned never completed.")
@State
public class Task_05_StopSignalVsStop {

    private Runnable runner;
    private final Task<Integer> task = Task.builder().name("t").executor(r -> runner = r).start(() -> 42);
    private CompletableFuture<?> signal;

    @Actor
    public void actor1() {
        Runnable run = runner;
        if (run != null) {
            run.run();
        }
    }

    @Actor
    public void actor2(II_Result r) {
        CompletableFuture<?> f = task.whenStopped();
        signal = f;
        r.r1 = f.isDone() ? 1 : 0;
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r2 = task.isStopped() && signal.isDone() ? 1 : 0;
    }
}
