package dev.weft.bench.task;

import dev.weft.core.task.AsCompleted;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/*
 * as_completed over N futures: is the total cost linear in N? Each iteration creates N incomplete
 * CompletableFutures (setup, not measured), then the benchmark builds the iteration, completes
 * the futures in a shuffled order and hands all N out in completion order.
 *
 *   asCompletedInputs      AsCompleted.of(futures): poll() N times (the 3.13 form).
 *   inCompletionOrder      AsCompleted.inCompletionOrder(futures): join() the N ordered futures.
 *   completeOnly           baseline: only complete the N futures (no iteration), to subtract.
 *
 * Linear means the score divided by N (time per element) stays about the same from 10k to 1M.
 * The futures are completed either in a shuffled order (each completion then touches objects
 * scattered over the heap, so once N outgrows the CPU caches every element costs a few cache
 * misses) or in the order they were created (sequential), which separates the algorithm's cost
 * from the memory system's.
 *
 * Run (short settings, as used for docs/composition.md):
 *   java -jar benchmarks/target/benchmarks.jar 'task.AsCompletedBenchmark' -f 1 -wi 5 -i 15 -gc true -rf json
 * (scores quoted as medians of the single shots: on a shared machine the mean is skewed by pauses)
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 20)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@State(Scope.Benchmark)
public class AsCompletedBenchmark {

    @Param({"10000", "100000", "1000000"})
    public int n;

    @Param({"shuffled", "sequential"})
    public String completionOrder;

    int[] order;
    List<CompletableFuture<Integer>> futures;

    @Setup(Level.Trial)
    public void shuffle() {
        List<Integer> idx = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        if (completionOrder.equals("shuffled")) {
            Collections.shuffle(idx, new Random(42));
        }
        order = idx.stream().mapToInt(Integer::intValue).toArray();
    }

    @Setup(Level.Iteration)
    public void freshFutures() {
        futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            futures.add(new CompletableFuture<>());
        }
    }

    @Benchmark
    public long asCompletedInputs() throws TimeoutException {
        AsCompleted<CompletableFuture<Integer>> ac = AsCompleted.of(futures);
        completeAll();
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += ac.poll().join();
        }
        return sum;
    }

    @Benchmark
    public long inCompletionOrder() {
        List<CompletableFuture<Integer>> ordered = AsCompleted.inCompletionOrder(futures);
        completeAll();
        long sum = 0;
        for (CompletableFuture<Integer> f : ordered) {
            sum += f.join();
        }
        return sum;
    }

    @Benchmark
    public long completeOnly() {
        completeAll();
        long sum = 0;
        for (CompletableFuture<Integer> f : futures) {
            sum += f.join();
        }
        return sum;
    }

    private void completeAll() {
        for (int i : order) {
            futures.get(i).complete(i);
        }
    }
}
