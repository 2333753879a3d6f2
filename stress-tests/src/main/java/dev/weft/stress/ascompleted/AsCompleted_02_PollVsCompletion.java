/*
 * Goal: a consumer polls an as_completed iteration while its input completes in another thread.
 * The input is handed out exactly once: to that poll, or to a later one; never to both, never lost.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t AsCompleted_02_PollVsCompletion"
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
import org.openjdk.jcstress.infra.results.LLI_Result;

/** r1 = what the racing poll got, r2 = what the arbiter's poll got, r3 = elements left. */
@JCStressTest
@Outcome(id = "a, -, 0", expect = ACCEPTABLE, desc = "the completion came first: the racing poll took a")
@Outcome(id = "-, a, 0", expect = ACCEPTABLE, desc = "the poll came first and found nothing; a was taken later")
@Outcome(expect = FORBIDDEN, desc = "a handed out twice or never, or the count of remaining elements is wrong")
@State
public class AsCompleted_02_PollVsCompletion {

    final CompletableFuture<Integer> a = new CompletableFuture<>();
    final AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(List.of(a));

    @Actor
    public void complete() {
        a.complete(1);
    }

    @Actor
    public void poller(LLI_Result r) {
        r.r1 = poll();
    }

    @Arbiter
    public void arbiter(LLI_Result r) {
        r.r2 = ac.hasNext() ? poll() : "-";
        r.r3 = ac.remaining();
    }

    private String poll() {
        try {
            CompletableFuture<Integer> f = ac.poll();
            return f == null ? "-" : f == a ? "a" : "?";
        } catch (TimeoutException | RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }
}
