package dev.weft.bench.ipc;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.lock.IpcLock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
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

/**
 * Uncontended acquire + release of the ipc lock, beside the JDK's cross-process lock
 * ({@code FileChannel.lock}) and, for scale, the in-process {@link ReentrantLock}.
 *
 * <p>Run (short settings, as in docs/ipc.md):
 * {@code java --enable-native-access=ALL-UNNAMED -jar benchmarks/target/benchmarks.jar UncontendedLockBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s}
 * The Python counterpart is {@code benchmarks/python/mp_bench.py uncontended}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class UncontendedLockBenchmark {

    private Path dir;
    private IpcDomain domain;
    private IpcLock lock;
    private FileChannel channel;
    private final ReentrantLock reentrantLock = new ReentrantLock();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path root = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        dir = Files.createTempDirectory(root, "weft-bench-");
        domain = IpcDomain.open(dir.resolve("domain"));
        lock = domain.lock("bench");
        channel = FileChannel.open(dir.resolve("filelock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        channel.close();
        domain.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public void weftIpcLock() throws InterruptedException {
        lock.acquire();
        lock.release();
    }

    @Benchmark
    public void fileChannelLock() throws IOException {
        FileLock l = channel.lock(0, 1, false);
        l.release();
    }

    @Benchmark
    public void reentrantLock() {
        reentrantLock.lock();
        reentrantLock.unlock();
    }
}
