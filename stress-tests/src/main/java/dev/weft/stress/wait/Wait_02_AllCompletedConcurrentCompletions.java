/*
 * Goal: an ALL_COMPLETED wait over two futures that complete at the same time in two threads
 * returns once, with both done and nothing pending: the countdown loses no completion.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t Wait_02_AllCompletedConcurrentCompletions"
 *
 * Observed: see the table in docs/composition.md (jcstress -m quick, 2 shared CPUs, JDK 25).
 */
package dev.weft.stress.wait;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.task.Wait;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/** r1 = size of done, r2 = size of pending (-1, -1 if the wait never answered). */
@JCStressTest
@Outcome(id = "2, 0", expect = ACCEPTABLE, desc = "both completions counted: the wait answered once, all done")
@Outcome(expect = FORBIDDEN, desc = "a completion lost: the wait never answered, or answered with a pending future")
@State
public class Wait_02_AllCompletedConcurrentCompletions {

    final CompletableFuture<Integer> a = new CompletableFuture<>();
    final CompletableFuture<Integer> b = new CompletableFuture<>();
    final CompletableFuture<Wait.Result<CompletableFuture<Integer>>> answer =
            Wait.awaitAsync(List.of(a, b), Wait.ReturnWhen.ALL_COMPLETED);

    @Actor
    public void completeA() {
        a.complete(1);
    }

    @Actor
    public void completeB() {
        b.complete(2);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        if (!answer.isDone()) {
            r.r1 = -1;
            r.r2 = -1;
            return;
        }
        r.r1 = answer.join().done().size();
        r.r2 = answer.join().pending().size();
    }
}
