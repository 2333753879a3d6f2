package dev.weft.bench.task;

import dev.weft.core.task.Gather;
import dev.weft.core.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Gather over N pieces of work, each on its own virtual thread, against the raw JDK form in the
 * same run:
 *
 *   weftGatherTasks        Gather.start(bodies).join(): one Task per body (virtual thread,
 *                          interrupting cancel, stop tracking), results as a List in order.
 *   rawVirtualThreadsAllOf one CompletableFuture per body, completed by a plain virtual thread;
 *                          CompletableFuture.allOf(...).join(), then join() each into a List.
 *   weftGatherFutures      the combinator alone: N incomplete CompletableFutures gathered, then
 *                          completed in the benchmark thread.
 *   rawAllOfFutures        the same with CompletableFuture.allOf and a join() per future.
 *
 * Breakdown of the gap between the first two (where the time of a Task goes):
 *   taskStartAllOf         Task.start per body, then allOf and join() each: Gather left out.
 *   rawVirtualThreadsNamedWithThreadLocal
 *                          the raw form plus a generated thread name and a ThreadLocal set and
 *                          removed around the body: the plain way to make a task visible on its
 *                          thread, which Task avoids (its threads are unnamed, and Task.current()
 *                          is a ScopedValue on Java 25+, a shared map on Java 21-24).
 *
 * Each body returns its index (no work), so the scores are the overhead of starting, tracking and
 * collecting. benchmarks/python/asyncio_gather_bench.py runs the same workload with asyncio.gather
 * over N coroutines, for the Weft/Python ratio.
 *
 * Run (as used for docs/composition.md; the scores there are medians of the 18 iterations):
 *   java -jar benchmarks/target/benchmarks.jar 'task.GatherBenchmark' -f 3 -wi 4 -w 1s -i 6 -r 1s -rf json
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class GatherBenchmark {

    @Param({"100000"})
    public int n;

    List<Callable<Integer>> bodies;

    @Setup(Level.Trial)
    public void setUp() {
        bodies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Integer value = i;
            bodies.add(() -> value);
        }
    }

    @Benchmark
    public List<Integer> weftGatherTasks() {
        return Gather.start(bodies).join();
    }

    @Benchmark
    public List<Integer> rawVirtualThreadsAllOf() {
        return virtualThreadsAllOf(bodies);
    }

    /**
     * The raw form, as a user writes it without Weft: a virtual thread per body completing a
     * {@link CompletableFuture}, {@code allOf}, then a {@code join()} per future (also the peer of
     * {@code PlainBench gather}).
     *
     * @param bodies the bodies
     * @return their values, in order
     */
    public static List<Integer> virtualThreadsAllOf(List<Callable<Integer>> bodies) {
        int n = bodies.size();
        @SuppressWarnings("unchecked")
        CompletableFuture<Integer>[] fs = new CompletableFuture[n];
        for (int i = 0; i < n; i++) {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            Callable<Integer> body = bodies.get(i);
            fs[i] = f;
            Thread.ofVirtual().start(() -> {
                try {
                    f.complete(body.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        }
        CompletableFuture.allOf(fs).join();
        List<Integer> results = new ArrayList<>(n);
        for (CompletableFuture<Integer> f : fs) {
            results.add(f.join());
        }
        return results;
    }

    @Benchmark
    public List<Integer> taskStartAllOf() {
        @SuppressWarnings("unchecked")
        CompletableFuture<Integer>[] fs = new CompletableFuture[n];
        for (int i = 0; i < n; i++) {
            fs[i] = Task.start(bodies.get(i));
        }
        CompletableFuture.allOf(fs).join();
        List<Integer> results = new ArrayList<>(n);
        for (CompletableFuture<Integer> f : fs) {
            results.add(f.join());
        }
        return results;
    }

    static final ThreadLocal<Object> CURRENT = new ThreadLocal<>();
    static final AtomicLong SEQUENCE = new AtomicLong();

    @Benchmark
    public List<Integer> rawVirtualThreadsNamedWithThreadLocal() {
        @SuppressWarnings("unchecked")
        CompletableFuture<Integer>[] fs = new CompletableFuture[n];
        for (int i = 0; i < n; i++) {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            Callable<Integer> body = bodies.get(i);
            fs[i] = f;
            Thread.ofVirtual().name("Task-" + SEQUENCE.incrementAndGet()).start(() -> {
                CURRENT.set(f);
                try {
                    f.complete(body.call());
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                } finally {
                    CURRENT.remove();
                }
            });
        }
        CompletableFuture.allOf(fs).join();
        List<Integer> results = new ArrayList<>(n);
        for (CompletableFuture<Integer> f : fs) {
            results.add(f.join());
        }
        return results;
    }

    @Benchmark
    public List<Integer> weftGatherFutures() {
        List<CompletableFuture<Integer>> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fs.add(new CompletableFuture<>());
        }
        CompletableFuture<List<Integer>> gather = Gather.all(fs);
        for (int i = 0; i < n; i++) {
            fs.get(i).complete(i);
        }
        return gather.join();
    }

    @Benchmark
    public List<Integer> rawAllOfFutures() {
        @SuppressWarnings("unchecked")
        CompletableFuture<Integer>[] fs = new CompletableFuture[n];
        for (int i = 0; i < n; i++) {
            fs[i] = new CompletableFuture<>();
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(fs);
        for (int i = 0; i < n; i++) {
            fs[i].complete(i);
        }
        all.join();
        List<Integer> results = new ArrayList<>(n);
        for (CompletableFuture<Integer> f : fs) {
            results.add(f.join());
        }
        return results;
    }
}
