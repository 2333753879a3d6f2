package dev.weft.bench.sync;

import dev.weft.core.sync.Lock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one acquire, a one-increment critical section and a release: Weft's {@link Lock}
 * (blocking and asynchronous forms) against {@link ReentrantLock} in its default unfair mode and
 * in fair mode, all in the same run.
 *
 * <p>Run the same benchmarks with one thread (uncontended: the fast paths) and with as many
 * threads as cores or more (contended: every thread hammers one lock with no work outside it, the
 * worst case for a fair lock, which must hand the lock over in FIFO order instead of letting the
 * releasing thread take it straight back):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'dev.weft.bench.sync.LockBenchmark' -t 1
 * java -jar benchmarks/target/benchmarks.jar 'dev.weft.bench.sync.LockBenchmark' -t 2
 * java -jar benchmarks/target/benchmarks.jar 'dev.weft.bench.sync.LockBenchmark' -t 4
 * </pre>
 * Results are average time per operation per thread; compare each Weft row with the JDK rows of
 * the same run and thread count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class LockBenchmark {

    private final Lock weft = new Lock();
    private final ReentrantLock unfair = new ReentrantLock();
    private final ReentrantLock fair = new ReentrantLock(true);
    private long counter;

    /** Weft {@link Lock#acquire()} (interruptible) and {@link Lock#release()}. */
    @Benchmark
    public long weftLock() throws InterruptedException {
        weft.acquire();
        try {
            return ++counter;
        } finally {
            weft.release();
        }
    }

    /** Weft {@link Lock#lock()} (uninterruptible, like {@link ReentrantLock#lock()}). */
    @Benchmark
    public long weftLockUninterruptibly() {
        weft.lock();
        try {
            return ++counter;
        } finally {
            weft.unlock();
        }
    }

    /** Weft {@link Lock#acquireAsync()}, joined; the future is already complete when uncontended. */
    @Benchmark
    public long weftLockAsyncJoin() {
        weft.acquireAsync().join();
        try {
            return ++counter;
        } finally {
            weft.release();
        }
    }

    /** Baseline: {@link ReentrantLock}, unfair (the default). */
    @Benchmark
    public long jdkReentrantLock() {
        unfair.lock();
        try {
            return ++counter;
        } finally {
            unfair.unlock();
        }
    }

    /** Baseline: {@link ReentrantLock}, fair (the same FIFO promise as Weft's lock). */
    @Benchmark
    public long jdkReentrantLockFair() {
        fair.lock();
        try {
            return ++counter;
        } finally {
            fair.unlock();
        }
    }
}
