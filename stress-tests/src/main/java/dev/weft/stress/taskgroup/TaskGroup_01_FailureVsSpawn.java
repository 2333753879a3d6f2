/*
 * Goal: a task of a group fails (its runner runs in one thread) while another thread starts a new
 * task in the group. Either the start is refused (the abort came first), or it is admitted and the
 * new task is stopped by the abort before its body can run: no task escapes the abort, and the
 * group reports the one failure. The group runs its tasks on an executor that holds their runners,
 * so that the failure is processed in the actor's own thread.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t TaskGroup_01_FailureVsSpawn"
 *
 * Observed: see the table in docs/composition.md (jcstress -m quick, 2 shared CPUs, JDK 25).
 */
package dev.weft.stress.taskgroup;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.task.Task;
import dev.weft.core.task.TaskGroup;
import dev.weft.core.task.TaskGroupException;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLI_Result;

/** r1 = the start's fate, r2 = whether the new body ran, r3 = failures reported by close(). */
@JCStressTest
@Outcome(id = "refused, not run, 1", expect = ACCEPTABLE, desc = "the failure aborted the group first; the start was refused")
@Outcome(id = "admitted, not run, 1", expect = ACCEPTABLE,
        desc = "the start was admitted before the abort (or during it); the abort cancelled the new task before it ran")
@Outcome(expect = FORBIDDEN, desc = "a task escaped the abort and ran, or the failure was lost or counted twice")
@State
public class TaskGroup_01_FailureVsSpawn {

    final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
    final TaskGroup group = TaskGroup.builder().executor(held::add).open();
    final Runnable failingRunner;
    final AtomicBoolean laterRan = new AtomicBoolean();

    public TaskGroup_01_FailureVsSpawn() {
        group.start(() -> {
            throw new IOException("boom");
        });
        failingRunner = Objects.requireNonNull(held.poll());
    }

    @Actor
    public void fail() {
        failingRunner.run();
    }

    @Actor
    public void spawn(LLI_Result r) {
        try {
            Task<Boolean> later = group.start(() -> laterRan.getAndSet(true));
            r.r1 = later != null ? "admitted" : "null";
        } catch (IllegalStateException refused) {
            r.r1 = "refused";
        }
    }

    @Arbiter
    public void arbiter(LLI_Result r) {
        Runnable next;
        while ((next = held.poll()) != null) {
            next.run();
        }
        r.r2 = laterRan.get() ? "ran" : "not run";
        try {
            group.close();
            r.r3 = 0;
        } catch (TaskGroupException e) {
            r.r3 = e.failures().size();
        }
    }
}
