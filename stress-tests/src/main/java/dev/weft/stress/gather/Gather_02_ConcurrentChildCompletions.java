/*
 * Goal: two children of a gather complete at the same time in two threads. The countdown of
 * pending children must see both: the gather completes exactly once, with both values in argument
 * order, whichever thread brings the count to zero (for the fail-fast and the settled form).
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t Gather_02_ConcurrentChildCompletions"
 *
 * Observed: see the table in docs/composition.md (jcstress -m quick, 2 shared CPUs, JDK 25).
 */
package dev.weft.stress.gather;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.task.Gather;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/** r1 = the fail-fast gather's value, r2 = the settled gather's value. */
@JCStressTest
@Outcome(id = "[1, 2], [Success[value=1], Success[value=2]]", expect = ACCEPTABLE,
        desc = "both completions counted, in either order; results in argument order")
@Outcome(expect = FORBIDDEN, desc = "a completion lost (gather pending), values out of argument order, or a value missing")
@State
public class Gather_02_ConcurrentChildCompletions {

    final CompletableFuture<Integer> a = new CompletableFuture<>();
    final CompletableFuture<Integer> b = new CompletableFuture<>();
    final CompletableFuture<List<Integer>> all = Gather.all(a, b);
    final CompletableFuture<List<dev.weft.core.task.Outcome<Integer>>> settled = Gather.allSettled(a, b);

    @Actor
    public void first() {
        a.complete(1);
    }

    @Actor
    public void second() {
        b.complete(2);
    }

    @Arbiter
    public void arbiter(LL_Result r) {
        r.r1 = all.isDone() ? String.valueOf(all.join()) : "PENDING";
        r.r2 = settled.isDone() ? String.valueOf(settled.join()) : "PENDING";
    }
}
