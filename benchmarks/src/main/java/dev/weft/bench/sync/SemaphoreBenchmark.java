package dev.weft.bench.sync;

import dev.weft.core.sync.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of acquiring and releasing one permit: Weft's {@link Semaphore} (blocking and
 * asynchronous forms) against {@link java.util.concurrent.Semaphore} in its default unfair mode
 * and in fair mode, all in the same run.
 *
 * <p>With one thread the permits never run out (the fast paths). With more threads than
 * {@code permits} the threads contend and queue; the work while holding a permit is a few
 * nanoseconds of {@link Blackhole#consumeCPU(long)}:
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'dev.weft.bench.sync.SemaphoreBenchmark' -t 1
 * java -jar benchmarks/target/benchmarks.jar 'dev.weft.bench.sync.SemaphoreBenchmark' -t 2
 * java -jar benchmarks/target/benchmarks.jar 'dev.weft.bench.sync.SemaphoreBenchmark' -t 4
 * </pre>
 * Results are average time per operation per thread; compare each Weft row with the JDK rows of
 * the same run, thread count and {@code permits}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class SemaphoreBenchmark {

    /** Tokens of {@link Blackhole#consumeCPU(long)} spent while holding a permit. */
    private static final long WORK_TOKENS = 10;

    @Param({"1"})
    public int permits;

    private Semaphore weft;
    private java.util.concurrent.Semaphore unfair;
    private java.util.concurrent.Semaphore fair;

    @Setup
    public void setUp() {
        weft = new Semaphore(permits);
        unfair = new java.util.concurrent.Semaphore(permits);
        fair = new java.util.concurrent.Semaphore(permits, true);
    }

    /** Weft {@link Semaphore#acquire()} and {@link Semaphore#release()}. */
    @Benchmark
    public void weftSemaphore() throws InterruptedException {
        weft.acquire();
        try {
            Blackhole.consumeCPU(WORK_TOKENS);
        } finally {
            weft.release();
        }
    }

    /** Weft {@link Semaphore#acquireAsync()}, joined. */
    @Benchmark
    public void weftSemaphoreAsyncJoin() {
        weft.acquireAsync().join();
        try {
            Blackhole.consumeCPU(WORK_TOKENS);
        } finally {
            weft.release();
        }
    }

    /** Baseline: {@link java.util.concurrent.Semaphore}, unfair (the default). */
    @Benchmark
    public void jdkSemaphore() throws InterruptedException {
        unfair.acquire();
        try {
            Blackhole.consumeCPU(WORK_TOKENS);
        } finally {
            unfair.release();
        }
    }

    /** Baseline: {@link java.util.concurrent.Semaphore}, fair (the same FIFO promise as Weft's). */
    @Benchmark
    public void jdkSemaphoreFair() throws InterruptedException {
        fair.acquire();
        try {
            Blackhole.consumeCPU(WORK_TOKENS);
        } finally {
            fair.release();
        }
    }
}
