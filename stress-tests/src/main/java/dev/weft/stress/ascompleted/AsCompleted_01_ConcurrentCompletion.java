/*
 * Goal: two inputs of an as_completed iteration complete at the same time in two threads. Each is
 * handed out exactly once, in one of the two orders; nothing is lost or duplicated. Checked for both
 * forms: the inputs themselves (3.13 form) and results in completion order.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsCompleted_01_ConcurrentCompletion"
 *
 * Observed: see the table in docs/composition.md (jcstress -m quick, 2 shared CPUs, JDK 25).
 */
package dev.weft.stress.ascompleted;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.task.AsCompleted;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/** r1 = the inputs in the order handed out, then whether more remain; r2 = the ordered results. */
@JCStressTest
@Outcome(id = "ab., [1, 2]", expect = ACCEPTABLE, desc = "a's completion claimed the first place, b's the second")
@Outcome(id = "ba., [2, 1]", expect = ACCEPTABLE, desc = "b's completion claimed the first place, a's the second")
@Outcome(id = "ab., [2, 1]", expect = ACCEPTABLE, desc = "the two forms raced independently: a first for one, b first for the other")
@Outcome(id = "ba., [1, 2]", expect = ACCEPTABLE, desc = "the two forms raced independently: b first for one, a first for the other")
@Outcome(expect = FORBIDDEN, desc = "an input lost, handed out twice, or an element left over")
@State
public class AsCompleted_01_ConcurrentCompletion {

    final CompletableFuture<Integer> a = new CompletableFuture<>();
    final CompletableFuture<Integer> b = new CompletableFuture<>();
    final AsCompleted<CompletableFuture<Integer>> inputs = AsCompleted.of(List.of(a, b));
    final List<CompletableFuture<Integer>> results = AsCompleted.inCompletionOrder(List.of(a, b));

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
        StringBuilder sb = new StringBuilder();
        try {
            for (int i = 0; i < 2; i++) {
                CompletableFuture<Integer> f = inputs.poll();
                sb.append(f == null ? "-" : f == a ? "a" : f == b ? "b" : "?");
            }
        } catch (TimeoutException | RuntimeException e) {
            sb.append("!").append(e.getClass().getSimpleName());
        }
        sb.append(inputs.hasNext() ? "+" : ".");
        r.r1 = sb.toString();
        r.r2 = "[" + valueOf(results.get(0)) + ", " + valueOf(results.get(1)) + "]";
    }

    private static String valueOf(CompletableFuture<Integer> f) {
        return f.isDone() ? String.valueOf(f.join()) : "PENDING";
    }
}
