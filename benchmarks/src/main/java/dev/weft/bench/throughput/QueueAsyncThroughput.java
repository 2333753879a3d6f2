package dev.weft.bench.throughput;

import dev.weft.core.queue.AsyncQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/*
 * Throughput of the asynchronous forms: producers call putAsync, consumers getAsync, on
 * AsyncQueue.fifo(1024). A request that is not complete at once is waited for (get with a 1 ms
 * limit, repeated until JMH ends the iteration; then it is cancelled, and if the cancel fails the
 * result is taken, so no element is lost). That is the cost of the future-based path: a
 * CompletableFuture per call, and a waiter node whenever the request has to wait.
 *
 * Baseline in the same run: kind=ArrayBlockingQueue runs the same loop over the blocking
 * ArrayBlockingQueue put/take path (timed, 1 ms), and kind=AsyncQueue-blocking runs it over
 * AsyncQueue's blocking path, so the price of the futures can be read off directly.
 *
 * Run (short settings):
 *   java -jar benchmarks/target/benchmarks.jar 'throughput.QueueAsyncThroughput' -f 1 -wi 2 -w 1s -i 3 -r 1s
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Group)
public class QueueAsyncThroughput {

    static final Integer ITEM = 42;
    static final long WAIT_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    @Param({"AsyncQueue-async", "AsyncQueue-blocking", "ArrayBlockingQueue"})
    public String kind;

    AsyncQueue<Integer> weft;
    QueueKind blocking;
    boolean async;

    @Setup(Level.Trial)
    public void setUp() {
        switch (kind) {
            case "AsyncQueue-async" -> {
                async = true;
                weft = AsyncQueue.fifo(QueueKind.CAPACITY);
            }
            case "AsyncQueue-blocking" -> blocking = QueueKind.create("AsyncQueue");
            case "ArrayBlockingQueue" -> blocking = QueueKind.create("ArrayBlockingQueue");
            default -> throw new IllegalArgumentException("unknown kind: " + kind);
        }
    }

    /** Waits for {@code f} until it completes or the iteration ends; never loses its result. */
    private static <T> T await(CompletableFuture<T> f, Control control) throws InterruptedException {
        if (f.isDone()) {
            return f.join();
        }
        while (!control.stopMeasurement) {
            try {
                return f.get(WAIT_LIMIT_NANOS, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // look at the control flag again
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        return f.cancel(false) ? null : f.join();
    }

    private Object put(Control control) throws InterruptedException {
        if (async) {
            return await(weft.putAsync(ITEM), control);
        }
        return blocking.put(ITEM, WAIT_LIMIT_NANOS);
    }

    private Object take(Control control) throws InterruptedException {
        if (async) {
            return await(weft.getAsync(), control);
        }
        return blocking.take(WAIT_LIMIT_NANOS);
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public Object p1c1_put(Control control) throws InterruptedException {
        return put(control);
    }

    @Benchmark
    @Group("p1c1")
    @GroupThreads(1)
    public Object p1c1_take(Control control) throws InterruptedException {
        return take(control);
    }

    @Benchmark
    @Group("p2c2")
    @GroupThreads(2)
    public Object p2c2_put(Control control) throws InterruptedException {
        return put(control);
    }

    @Benchmark
    @Group("p2c2")
    @GroupThreads(2)
    public Object p2c2_take(Control control) throws InterruptedException {
        return take(control);
    }
}
