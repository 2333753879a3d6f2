/*
 * Goal: cancelling a shield races with the value of the shielded work. Either the shield carries
 * the value (the cancel failed) or it is cancelled (the value is dropped silently, as asyncio does).
 * The inner work is never cancelled and no value is ever reported as a failure.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t Shield_02_CancelVsInnerValue"
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
@Outcome(id = "false, v, 0", expect = ACCEPTABLE, desc = "the value arrived first; the shield carries it and the cancel failed")
@Outcome(id = "true, CANCELLED, 0", expect = ACCEPTABLE, desc = "the cancel won; the later value was dropped silently")
@Outcome(expect = FORBIDDEN, desc = "the inner work cancelled, a value reported as a failure, or a contradictory cancel result")
@State
public class Shield_02_CancelVsInnerValue {

    final CompletableFuture<String> inner = new CompletableFuture<>();
    final AtomicInteger reported = new AtomicInteger();
    final CompletableFuture<String> outer = Shield.shield(inner, e -> reported.incrementAndGet());

    @Actor
    public void innerCompletes() {
        inner.complete("v");
    }

    @Actor
    public void canceller(ZLI_Result r) {
        r.r1 = outer.cancel(true);
    }

    @Arbiter
    public void arbiter(ZLI_Result r) {
        r.r2 = inner.isCancelled() ? "INNER_CANCELLED"
                : !outer.isDone() ? "PENDING"
                : outer.isCancelled() ? "CANCELLED" : outer.join();
        r.r3 = reported.get();
    }
}
