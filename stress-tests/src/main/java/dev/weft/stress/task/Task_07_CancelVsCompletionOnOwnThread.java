/*
 * Goal: a cancel racing the completion of a task on a virtual thread that Task.start made
 * itself (claimed with a plain write, completed without a listener, so the completion marks the
 * listener slot by compare-and-exchange). Exactly one of them decides the task, the cancel's
 * answer agrees with the outcome, and a listener installed while the task completes is either
 * called by the completion or refused (its caller then falls back to whenComplete), never lost.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.task.Task_07"
 */
package dev.weft.stress.task;

import dev.weft.core.task.Gather;
import dev.weft.core.task.Outcome;
import dev.weft.core.task.Task;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * r1 = what cancel returned, r2 = the task's outcome, r3 = the outcome a settled gather made over
 * the task (which installs its listener on the task, racing the completion) reports.
 */
@JCStressTest
@org.openjdk.jcstress.annotations.Outcome(id = "true, CANCELLED, CANCELLED", expect = Expect.ACCEPTABLE, desc = "the cancel decided the task")
@org.openjdk.jcstress.annotations.Outcome(id = "false, 7, 7", expect = Expect.ACCEPTABLE, desc = "the body's completion decided the task")
@org.openjdk.jcstress.annotations.Outcome(expect = Expect.FORBIDDEN, desc = "cancel's answer disagrees with the outcome, or the gather missed it")
@State
public class Task_07_CancelVsCompletionOnOwnThread {

    private final Task<Integer> task = Task.start(() -> 7);
    private volatile boolean cancelled;
    private volatile CompletableFuture<List<Outcome<Integer>>> gather;

    @Actor
    public void canceller() {
        cancelled = task.cancel(true);
    }

    @Actor
    public void gatherer() {
        gather = Gather.allSettled(List.of(task));
    }

    @Arbiter
    public void arbiter(LLL_Result r) {
        try {
            task.awaitStopped();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        r.r1 = cancelled;
        r.r2 = task.isCancelled() ? "CANCELLED" : String.valueOf(task.join());
        // The task's thread calls the gather's listener after it completes the task (and after
        // the state says STOPPED), so the gather may complete a moment after the task: wait for
        // it, bounded; a listener that was lost would never complete it.
        List<Outcome<Integer>> outcomes;
        try {
            outcomes = gather.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            r.r3 = "LOST";
            return;
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
        Outcome<Integer> o = outcomes.get(0);
        r.r3 = o.isSuccess() ? String.valueOf(o.valueOrThrow()) : o instanceof Outcome.Cancelled ? "CANCELLED" : "FAILED " + o;
    }
}
