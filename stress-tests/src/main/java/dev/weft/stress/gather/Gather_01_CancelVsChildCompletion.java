/*
 * Goal: cancelling a gather races with the completion of its last pending child. Either the child's
 * completion completes the gather (and the cancel fails, cancelling nothing), or the cancel wins
 * the gather and cancels the child (which either is cancelled, or had already completed and keeps
 * its value). Never a gather with a value and a cancelled child, never a gather left pending.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t Gather_01_CancelVsChildCompletion"
 *
 * Observed: see the table in docs/composition.md (jcstress -m quick, 2 shared CPUs, JDK 25).
 */
package dev.weft.stress.gather;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.task.Gather;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZLL_Result;

/** r1 = gather.cancel() returned, r2 = the gather's end, r3 = the child's end. */
@JCStressTest
@Outcome(id = "false, [1, 42], 42", expect = ACCEPTABLE,
        desc = "the child completed and its callback completed the gather first; the cancel then failed and touched nothing")
@Outcome(id = "true, CANCELLED, CANCELLED", expect = ACCEPTABLE,
        desc = "the cancel won the gather before the child completed, and cancelled the child")
@Outcome(id = "true, CANCELLED, 42", expect = ACCEPTABLE_INTERESTING,
        desc = "the child completed, but the cancel won the gather before the child's callback did; the child keeps its value")
@Outcome(expect = FORBIDDEN,
        desc = "a gather with a value but a cancelled child, a cancel result that contradicts the gather, or a gather left pending")
@State
public class Gather_01_CancelVsChildCompletion {

    final CompletableFuture<Integer> done = CompletableFuture.completedFuture(1);
    final CompletableFuture<Integer> child = new CompletableFuture<>();
    final CompletableFuture<List<Integer>> gather = Gather.all(done, child);

    @Actor
    public void completer() {
        child.complete(42);
    }

    @Actor
    public void canceller(ZLL_Result r) {
        r.r1 = gather.cancel(true);
    }

    @Arbiter
    public void arbiter(ZLL_Result r) {
        r.r2 = endOf(gather);
        r.r3 = endOf(child);
    }

    static String endOf(CompletableFuture<?> f) {
        if (!f.isDone()) {
            return "PENDING";
        }
        if (f.isCancelled()) {
            return "CANCELLED";
        }
        return String.valueOf(f.join());
    }
}
