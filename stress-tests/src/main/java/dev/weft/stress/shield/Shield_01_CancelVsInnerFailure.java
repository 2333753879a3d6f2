/*
 * Goal: cancelling a shield races with a failure of the shielded work. The failure must be seen
 * exactly once: either through the shield (which then cannot be cancelled any more) or, if the
 * cancel won, by the late-failure reporter. Never lost, never reported twice.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t Shield_01_CancelVsInnerFailure"
 *
 * Observed: see the table in docs/composition.md (jcstress -m quick, 2 shared CPUs, JDK 25).
 */
package dev.weft.stress.shield;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.task.Shield;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZLI_Result;

/** r1 = outer.cancel() returned, r2 = the outer future's end, r3 = failures reported. */
@JCStressTest
@Outcome(id = "false, FAILED, 0", expect = ACCEPTABLE,
        desc = "the inner work failed first; the shield carries the failure, the cancel failed, nothing reported")
@Outcome(id = "true, CANCELLED, 1", expect = ACCEPTABLE,
        desc = "the cancel won; the inner failure came after it and was reported once")
@Outcome(expect = FORBIDDEN, desc = "the failure lost (cancelled, not reported), seen twice, or the inner work cancelled")
@State
public class Shield_01_CancelVsInnerFailure {

    static final IllegalStateException BOOM = new IllegalStateException("boom");

    final CompletableFuture<String> inner = new CompletableFuture<>();
    final AtomicInteger reported = new AtomicInteger();
    final CompletableFuture<String> outer = Shield.shield(inner, e -> reported.incrementAndGet());

    @Actor
    public void innerFails() {
        inner.completeExceptionally(BOOM);
    }

    @Actor
    public void canceller(ZLI_Result r) {
        r.r1 = outer.cancel(true);
    }

    @Arbiter
    public void arbiter(ZLI_Result r) {
        r.r2 = inner.isCancelled() ? "INNER_CANCELLED"
                : !outer.isDone() ? "PENDING"
                : outer.isCancelled() ? "CANCELLED"
                : outer.isCompletedExceptionally() ? "FAILED" : "VALUE";
        r.r3 = reported.get();
    }
}
