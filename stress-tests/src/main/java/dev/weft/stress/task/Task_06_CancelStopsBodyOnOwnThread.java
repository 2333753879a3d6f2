/*
 * Goal: liveness of cancellation for a task on a virtual thread that Task.start made itself,
 * where the thread claims the task with a plain write instead of a compare-and-set. A body
 * blocked forever ends once the task is cancelled, wherever the cancel lands: before the thread
 * claimed the task, between the claim and the move to RUNNING (the body then never runs), or
 * while the body blocks (the canceller must see the runner to interrupt it).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t dev.weft.stress.task.Task_06"
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
        desc = "The cancel stopped the body (or kept it from starting); the task stopped.")
@Outcome(id = "STALE", expect = Expect.FORBIDDEN,
        desc = "The cancelled body kept blocking: the cancel's interrupt was lost.")
@State
public class Task_06_CancelStopsBodyOnOwnThread {

    private final CountDownLatch never = new CountDownLatch(1);
    private final Task<Void> task = Task.start(() -> never.await());

    @Actor
    public void actor() throws InterruptedException {
        task.awaitStopped();
    }

    @Signal
    public void signal() {
        task.cancel(true);
    }
}
