/*
 * Goal: a FIRST_COMPLETED wait over two futures that complete at the same time in two threads.
 * The answer holds each future exactly once: nothing both done and pending, nothing lost; done
 * is never empty; and it may hold both (asyncio's test_wait_really_done).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t Wait_01_FirstCompletedSimultaneous"
 *
 * Observed: see the table in docs/composition.md (jcstress -m quick, 2 shared CPUs, JDK 25).
 */
package dev.weft.stress.wait;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.task.Wait;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/** r1 = names in done, r2 = names in pending (a, b; "-" for none). */
@JCStressTest
@Outcome(id = "a, b", expect = ACCEPTABLE, desc = "a completed first and decided the answer before b's completion was seen")
@Outcome(id = "b, a", expect = ACCEPTABLE, desc = "b completed first and decided the answer before a's completion was seen")
@Outcome(id = "ab, -", expect = ACCEPTABLE_INTERESTING, desc = "both completions were seen by the snapshot: done holds both")
@Outcome(expect = FORBIDDEN, desc = "a future in both sets or in neither, an empty done set, or no answer at all")
@State
public class Wait_01_FirstCompletedSimultaneous {

    final CompletableFuture<Integer> a = new CompletableFuture<>();
    final CompletableFuture<Integer> b = new CompletableFuture<>();
    final CompletableFuture<Wait.Result<CompletableFuture<Integer>>> answer =
            Wait.awaitAsync(List.of(a, b), Wait.ReturnWhen.FIRST_COMPLETED);

    @Actor
    public void completeA() {
        a.complete(1);
    }

    @Actor
    public void completeB() {
        b.complete(2);
    }

    @Arbiter
    public void arbiter(LL_Result r) {
        if (!answer.isDone()) {
            r.r1 = "PENDING";
            r.r2 = "PENDING";
            return;
        }
        Wait.Result<CompletableFuture<Integer>> res = answer.join();
        r.r1 = names(res.done());
        r.r2 = names(res.pending());
    }

    private String names(Set<CompletableFuture<Integer>> set) {
        StringBuilder sb = new StringBuilder();
        for (CompletableFuture<Integer> f : set) {
            sb.append(f == a ? "a" : f == b ? "b" : "?");
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }
}
