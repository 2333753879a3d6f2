package dev.weft.bench.latency;

import dev.weft.core.task.Task;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Cost of starting a trivial body on a new virtual thread and waiting for its result, from one
 * platform thread (the JMH worker). Task.start(...).join() against what it is built on and what a
 * user would write without it, in the same run:
 *   - virtualThread:          Thread.ofVirtual().start(r) + Thread.join(): the floor.
 *   - futureTaskOnVirtual:    newVirtualThreadPerTaskExecutor().submit(c).get(): FutureTask, the JDK
 *                             future whose cancel(true) also interrupts.
 *   - completableFutureOnVirtual: CompletableFuture.supplyAsync(s, virtual executor).join(): no
 *                             interrupting cancel.
 *
 * Run (short settings):
 *   java -jar benchmarks/target/benchmarks.jar 'latency.TaskStartJoin' -f 1 -wi 3 -w 1s -i 5 -r 1s
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TaskStartJoin {

    private ExecutorService virtualExecutor;

    @Setup(Level.Trial)
    public void setUp() {
        virtualExecutor = Executors.newVirtualThreadPerTaskExecutor();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        virtualExecutor.close();
    }

    @Benchmark
    public Integer task() {
        return Task.start(() -> 42).join();
    }

    @Benchmark
    public Thread virtualThread() throws InterruptedException {
        Thread t = Thread.ofVirtual().start(() -> { });
        t.join();
        return t;
    }

    @Benchmark
    public Integer futureTaskOnVirtual() throws InterruptedException, ExecutionException {
        return virtualExecutor.submit(() -> 42).get();
    }

    @Benchmark
    public Integer completableFutureOnVirtual() {
        return CompletableFuture.supplyAsync(() -> 42, virtualExecutor).join();
    }
}
