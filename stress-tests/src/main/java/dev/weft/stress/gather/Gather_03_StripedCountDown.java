/*
 * Goal: a gather of 64 or more inputs counts its inputs down in stripes (one counter per cache
 * line, inputs dealt round-robin) and counts the emptied stripes down in a second counter. The
 * last two inputs complete at the same time in two threads, once in two different stripes (each
 * thread empties a stripe, both count the stripes down) and once in the same stripe (one thread
 * empties it). Every completion must be counted: each gather completes exactly once, with every
 * value in argument order, whichever thread counts last.
 *
 * Run: mvn -B -ntp -pl stress-tests -am verify -DskipTests \
 *        -Dweft.jcstress.args="-m quick -t Gather_03_StripedCountDown"
 *
 * Observed: see the table in docs/composition.md (jcstress -m quick, 2 shared CPUs, JDK 25).
 */
package dev.weft.stress.gather;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.core.task.Gather;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * r1 = the gather whose last two inputs (0 and 1) lie in different stripes, r2 = the one whose
 * last two (0 and 16) share a stripe: "OK" if complete with every value in order.
 */
@JCStressTest
@Outcome(id = "OK, OK", expect = ACCEPTABLE, desc = "both completions counted; every value in argument order")
@Outcome(expect = FORBIDDEN, desc = "a completion lost (gather pending), or a value missing or out of order")
@State
public class Gather_03_StripedCountDown {

    private static final int N = 80;

    final List<CompletableFuture<Integer>> across = inputs();
    final List<CompletableFuture<Integer>> within = inputs();
    final CompletableFuture<List<Integer>> acrossGather = Gather.all(across);
    final CompletableFuture<List<Integer>> withinGather = Gather.all(within);

    public Gather_03_StripedCountDown() {
        for (int i = 0; i < N; i++) {
            if (i != 0 && i != 1) {
                across.get(i).complete(i);
            }
            if (i != 0 && i != 16) {
                within.get(i).complete(i);
            }
        }
    }

    private static List<CompletableFuture<Integer>> inputs() {
        List<CompletableFuture<Integer>> inputs = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            inputs.add(new CompletableFuture<>());
        }
        return inputs;
    }

    @Actor
    public void first() {
        across.get(0).complete(0);
        within.get(0).complete(0);
    }

    @Actor
    public void second() {
        across.get(1).complete(1);
        within.get(16).complete(16);
    }

    @Arbiter
    public void arbiter(LL_Result r) {
        r.r1 = verdict(acrossGather);
        r.r2 = verdict(withinGather);
    }

    private static String verdict(CompletableFuture<List<Integer>> gather) {
        if (!gather.isDone()) {
            return "PENDING";
        }
        List<Integer> values = gather.join();
        for (int i = 0; i < N; i++) {
            if (values.get(i) != i) {
                return "WRONG at " + i + ": " + values;
            }
        }
        return values.size() == N ? "OK" : "SIZE " + values.size();
    }
}
