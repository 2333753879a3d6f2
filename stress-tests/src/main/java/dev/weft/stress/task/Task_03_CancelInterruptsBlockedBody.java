/*
 * Goal: liveness of cancellation. A body blocked forever (on a latch nobody counts down) ends
 * once the task is cancelled, wherever the cancel lands: before the start (the body never runs),
 * or while the body runs or blocks (the interrupt wakes it).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.task.Task_03"
 *
 * Observed (-m quick: 10 JVM configurations incl. C2 stress seeds; Temurin 25, 2 CPUs,
 * x86_64 Linux), results across all configurations:
 *   RESULT           SAMPLES  FREQ     EXPECT
 *   STALE                   0  0.00%    Forbidden
 *   TERMINATED          2,628  100.00%  Acceptable
 */
package dev.weft.stress.task;

import dev.weft.core.task.Task;
import java.util.concurrent.CountDownLatch;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = Expect.ACCEPTABLE,
        desc = "The cancel stopped the body (or kept it from starting); the runner returned.")
@Outcome(id = "STALE", expect = Expect.FORBIDDEN,
        desc = "The cancelled body kept blocking: the cancel's interrupt was lost.")
@State
public class Task_03_CancelInterruptsBlockedBody {

    private Runnable runner;
    private final CountDownLatch never = new CountDownLatch(1);
    private final Task<Void> task = Task.builder().name("t").executor(r -> runner = r).start(() -> never.await());

    @Actor
    public void actor() {
        Runnable run = runner;
        if (run != null) {
            run.run();
        }
    }

    @Signal
    public void signal() {
        task.cancel(true);
    }
}
