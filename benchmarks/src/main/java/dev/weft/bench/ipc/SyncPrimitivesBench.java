package dev.weft.bench.ipc;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.barrier.IpcBarrier;
import dev.weft.ipc.lock.IpcCondition;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.lock.IpcRLock;
import dev.weft.ipc.semaphore.IpcSemaphore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The cross-process semaphore and condition beside their baselines, measured in one run and
 * printed with the ratios.
 *
 * <ul>
 *   <li><b>uncontended semaphore</b>: one thread acquires and releases an {@link IpcSemaphore} of
 *       one permit; ns per pair, best of 5 runs. Beside, in the same run: {@link IpcLock} (the
 *       baseline of the ratios), {@code java.util.concurrent.Semaphore} (in-process),
 *       {@code FileChannel.lock} + release (the JDK's cross-process mutual exclusion), and Python's
 *       {@code multiprocessing.Semaphore} (the script {@code benchmarks/python/mp_sync_bench.py},
 *       run by this harness).</li>
 *   <li><b>uncontended re-entrant lock</b>: one thread acquires and releases an {@link IpcRLock}
 *       (first acquire), and acquires and releases it again while holding it (re-entrant acquire);
 *       ns per pair, best of 5 runs. Beside: {@link IpcLock}, {@link ReentrantLock} (in-process),
 *       {@code FileChannel.lock} and Python's {@code multiprocessing.RLock}, both forms.</li>
 *   <li><b>contended mutual exclusion</b>: two processes (one thread each) acquire and release an
 *       {@code IpcSemaphore(1)} for a fixed time; total pairs per second. Beside
 *       {@code FileChannel.lock} used the same way.</li>
 *   <li><b>barrier round</b>: two processes (one thread each) meet at an {@link IpcBarrier} of 2
 *       parties, round after round; the time from one party's arrival to its return, p50/p90/p99 in
 *       microseconds. Beside: {@link CyclicBarrier} of 2 threads (in-process) and Python's
 *       {@code multiprocessing.Barrier(2)} between two processes. The JDK has no cross-process
 *       barrier to set beside it.</li>
 *   <li><b>condition ping-pong</b>: two processes take turns on a counter in a mapped file under an
 *       {@link IpcLock}: each waits for its turn with {@link IpcCondition#waitFor} and signals the
 *       other; round trip p50/p90/p99 in microseconds. Beside Python's
 *       {@code multiprocessing.Condition} doing the same.</li>
 * </ul>
 *
 * <p>Run, from the repository root: {@code java --enable-native-access=ALL-UNNAMED -cp
 * benchmarks/target/benchmarks.jar dev.weft.bench.ipc.SyncPrimitivesBench} ({@code -Dbench.seconds},
 * {@code -Dbench.roundTrips} (also the barrier's rounds), {@code -Dbench.python=python3},
 * {@code -Dweft.ipc.wait=backoff}).
 */
public final class SyncPrimitivesBench {

    private static final double SECONDS = Double.parseDouble(System.getProperty("bench.seconds", "2"));
    private static final int ROUND_TRIPS = Integer.getInteger("bench.roundTrips", 20_000);
    private static final int PAIRS = 2_000_000;

    private SyncPrimitivesBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Path root = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(root, "weft-syncbench-");
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            System.out.println("wait back-end: " + domain.waitBackend() + ", CPUs: " + Runtime.getRuntime().availableProcessors());
            Map<String, String> python = python();
            System.out.println("python: " + python.getOrDefault("version", "not run"));

            double lockNs = uncontendedIpcLock(domain);
            double weftNs = uncontendedIpcSemaphore(domain);
            double jdkNs = uncontendedJdkSemaphore();
            double fileNs = uncontendedFileLock(dir);
            double pyNs = pythonNs(python, "semaphore_ns");
            System.out.printf(Locale.ROOT, "uncontended acquire+release, IpcLock:                      %8.1f ns%n", lockNs);
            System.out.printf(Locale.ROOT, "uncontended acquire+release, IpcSemaphore:                 %8.1f ns  (%.1fx IpcLock)%n",
                    weftNs, weftNs / lockNs);
            System.out.printf(Locale.ROOT, "uncontended acquire+release, j.u.c.Semaphore (in-process): %8.1f ns%n", jdkNs);
            System.out.printf(Locale.ROOT, "uncontended acquire+release, FileChannel.lock:             %8.1f ns  (%.1fx IpcSemaphore)%n",
                    fileNs, fileNs / weftNs);
            System.out.printf(Locale.ROOT, "uncontended acquire+release, multiprocessing.Semaphore:    %8.1f ns  (%.1fx IpcSemaphore)%n",
                    pyNs, pyNs / weftNs);

            double[] rlockNs = uncontendedIpcRLock(domain);
            double[] reentrantNs = uncontendedReentrantLock();
            double pyRlockNs = pythonNs(python, "rlock_ns");
            double pyReentryNs = pythonNs(python, "rlock_reentry_ns");
            System.out.printf(Locale.ROOT, "uncontended acquire+release, IpcRLock:                     %8.1f ns  (%.1fx IpcLock)%n",
                    rlockNs[0], rlockNs[0] / lockNs);
            System.out.printf(Locale.ROOT, "uncontended acquire+release, ReentrantLock (in-process):   %8.1f ns%n", reentrantNs[0]);
            System.out.printf(Locale.ROOT, "uncontended acquire+release, FileChannel.lock:             %8.1f ns  (%.1fx IpcRLock)%n",
                    fileNs, fileNs / rlockNs[0]);
            System.out.printf(Locale.ROOT, "uncontended acquire+release, multiprocessing.RLock:        %8.1f ns  (%.1fx IpcRLock)%n",
                    pyRlockNs, pyRlockNs / rlockNs[0]);
            System.out.printf(Locale.ROOT, "re-entrant acquire+release, IpcRLock:                      %8.1f ns  (%.1fx IpcLock)%n",
                    rlockNs[1], rlockNs[1] / lockNs);
            System.out.printf(Locale.ROOT, "re-entrant acquire+release, ReentrantLock (in-process):    %8.1f ns%n", reentrantNs[1]);
            System.out.printf(Locale.ROOT, "re-entrant acquire+release, multiprocessing.RLock:         %8.1f ns  (%.1fx IpcRLock)%n",
                    pyReentryNs, pyReentryNs / rlockNs[1]);

            double weftOps = contended(dir, "semaphore");
            double fileOps = contended(dir, "filelock");
            System.out.printf(Locale.ROOT, "contended 2 processes, IpcSemaphore(1):  %,12.0f pairs/s%n", weftOps);
            System.out.printf(Locale.ROOT, "contended 2 processes, FileChannel.lock: %,12.0f pairs/s  (IpcSemaphore %.1fx)%n",
                    fileOps, weftOps / fileOps);

            double[] b = barrierRounds(dir, domain);
            double[] jb = jdkBarrierRounds();
            System.out.printf(Locale.ROOT, "barrier round, 2 processes, IpcBarrier:               p50 %7.1f us, p90 %7.1f us, p99 %8.1f us%n",
                    b[0], b[1], b[2]);
            System.out.printf(Locale.ROOT, "barrier round, 2 threads, CyclicBarrier (in-process): p50 %7.1f us, p90 %7.1f us, p99 %8.1f us%n",
                    jb[0], jb[1], jb[2]);
            if (python.containsKey("barrier_round")) {
                double[] p = Arrays.stream(python.get("barrier_round").split(" ")).mapToDouble(Double::parseDouble).toArray();
                System.out.printf(Locale.ROOT, "barrier round, 2 processes, multiprocessing.Barrier:  p50 %7.1f us, p90 %7.1f us, p99 %8.1f us"
                        + "  (p50 %.1fx IpcBarrier)%n", p[0], p[1], p[2], p[0] / b[0]);
            }

            double[] w = conditionPingPong(dir, domain);
            System.out.printf(Locale.ROOT, "condition ping-pong RTT, IpcCondition:              p50 %7.1f us, p90 %7.1f us, p99 %8.1f us%n",
                    w[0], w[1], w[2]);
            if (python.containsKey("condition_rtt")) {
                double[] p = Arrays.stream(python.get("condition_rtt").split(" ")).mapToDouble(Double::parseDouble).toArray();
                System.out.printf(Locale.ROOT, "condition ping-pong RTT, multiprocessing.Condition: p50 %7.1f us, p90 %7.1f us, p99 %8.1f us"
                        + "  (p50 %.1fx IpcCondition)%n", p[0], p[1], p[2], p[0] / w[0]);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Runs the Python script; returns its "key value..." lines, or nothing if it cannot run. */
    private static Map<String, String> python() {
        Map<String, String> results = new HashMap<>();
        Path script = Path.of(System.getProperty("bench.pythonScript", "benchmarks/python/mp_sync_bench.py"));
        if (!Files.isRegularFile(script)) {
            return results;
        }
        try {
            Process p = new ProcessBuilder(System.getProperty("bench.python", "python3"), script.toString(),
                    Integer.toString(ROUND_TRIPS)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    int space = line.indexOf(' ');
                    if (space > 0) {
                        results.put(line.startsWith("python ") ? "version" : line.substring(0, space), line.substring(space + 1));
                    }
                }
            }
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
        } catch (Exception e) {
            results.put("version", "failed: " + e);
        }
        return results;
    }

    private static double pythonNs(Map<String, String> python, String key) {
        return python.containsKey(key) ? Double.parseDouble(python.get(key)) : Double.NaN;
    }

    private static double uncontendedIpcLock(IpcDomain domain) throws Exception {
        IpcLock l = domain.lock("uncontended");
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < PAIRS; i++) {
                l.acquire();
                l.release();
            }
            best = Math.min(best, (System.nanoTime() - t) / (double) PAIRS);
        }
        return best;
    }

    /** Best ns per pair: {first acquire + release, re-entrant acquire + release while held}. */
    private static double[] uncontendedIpcRLock(IpcDomain domain) throws Exception {
        IpcRLock l = domain.rlock("uncontended");
        double first = Double.MAX_VALUE;
        double again = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < PAIRS; i++) {
                l.acquire();
                l.release();
            }
            first = Math.min(first, (System.nanoTime() - t) / (double) PAIRS);
            l.acquire();
            try {
                t = System.nanoTime();
                for (int i = 0; i < PAIRS; i++) {
                    l.acquire();
                    l.release();
                }
                again = Math.min(again, (System.nanoTime() - t) / (double) PAIRS);
            } finally {
                l.release();
            }
        }
        return new double[] {first, again};
    }

    /**
     * As {@link #uncontendedIpcRLock}, for {@link ReentrantLock}. Each row has a loop of its own, not
     * one shared loop over an interface, so that every loop's calls stay monomorphic.
     */
    private static double[] uncontendedReentrantLock() {
        ReentrantLock l = new ReentrantLock();
        double first = Double.MAX_VALUE;
        double again = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < PAIRS; i++) {
                l.lock();
                l.unlock();
            }
            first = Math.min(first, (System.nanoTime() - t) / (double) PAIRS);
            l.lock();
            try {
                t = System.nanoTime();
                for (int i = 0; i < PAIRS; i++) {
                    l.lock();
                    l.unlock();
                }
                again = Math.min(again, (System.nanoTime() - t) / (double) PAIRS);
            } finally {
                l.unlock();
            }
        }
        return new double[] {first, again};
    }

    private static double uncontendedIpcSemaphore(IpcDomain domain) throws Exception {
        IpcSemaphore s = domain.semaphore("uncontended", 1);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < PAIRS; i++) {
                s.acquire();
                s.release();
            }
            best = Math.min(best, (System.nanoTime() - t) / (double) PAIRS);
        }
        return best;
    }

    private static double uncontendedJdkSemaphore() throws Exception {
        Semaphore s = new Semaphore(1);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < PAIRS; i++) {
                s.acquire();
                s.release();
            }
            best = Math.min(best, (System.nanoTime() - t) / (double) PAIRS);
        }
        return best;
    }

    private static double uncontendedFileLock(Path dir) throws Exception {
        int pairs = PAIRS / 20;
        double best = Double.MAX_VALUE;
        try (FileChannel ch = FileChannel.open(dir.resolve("filelock-u"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int round = 0; round < 5; round++) {
                long t = System.nanoTime();
                for (int i = 0; i < pairs; i++) {
                    FileLock l = ch.lock(0, 1, false);
                    l.release();
                }
                best = Math.min(best, (System.nanoTime() - t) / (double) pairs);
            }
        }
        return best;
    }

    private static Process startChild(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--enable-native-access") || a.startsWith("-Dweft.") || a.startsWith("-Dbench.")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SyncPrimitivesBench.class.getName());
        cmd.add("child");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static double contended(Path dir, String impl) throws Exception {
        Process child = startChild("contended", dir.toString(), impl);
        BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        OutputStream go = child.getOutputStream();
        if (!"ready".equals(in.readLine())) {
            throw new IllegalStateException("child not ready");
        }
        go.write('\n');
        go.flush();
        long mine = loop(dir, impl);
        long theirs = Long.parseLong(in.readLine());
        child.waitFor();
        return (mine + theirs) / SECONDS;
    }

    private static long loop(Path dir, String impl) throws Exception {
        long end = System.nanoTime() + (long) (SECONDS * 1e9);
        long n = 0;
        if (impl.equals("semaphore")) {
            try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
                IpcSemaphore s = domain.semaphore("contended", 1);
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 100; i++) {
                        s.acquire();
                        s.release();
                    }
                    n += 100;
                }
            }
        } else {
            try (FileChannel ch = FileChannel.open(dir.resolve("filelock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 100; i++) {
                        FileLock l = ch.lock(0, 1, false);
                        l.release();
                    }
                    n += 100;
                }
            }
        }
        return n;
    }

    /** p50/p90/p99 in us of {@code barrier.await()} of 2 parties, the other in a child process. */
    private static double[] barrierRounds(Path dir, IpcDomain domain) throws Exception {
        IpcBarrier barrier = domain.barrier("rounds", 2);
        int warmup = ROUND_TRIPS / 10;
        int total = warmup + ROUND_TRIPS;
        Process child = startChild("barrier", dir.toString(), Integer.toString(total));
        BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        if (!"ready".equals(in.readLine())) {
            throw new IllegalStateException("child not ready");
        }
        long[] round = new long[ROUND_TRIPS];
        for (int i = 0; i < total; i++) {
            long t = System.nanoTime();
            barrier.await();
            if (i >= warmup) {
                round[i - warmup] = System.nanoTime() - t;
            }
        }
        child.waitFor();
        return percentilesMicros(round);
    }

    /** As {@link #barrierRounds}, for a {@link CyclicBarrier} of 2 threads of this process. */
    private static double[] jdkBarrierRounds() throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        int warmup = ROUND_TRIPS / 10;
        int total = warmup + ROUND_TRIPS;
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    barrier.await();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long[] round = new long[ROUND_TRIPS];
        for (int i = 0; i < total; i++) {
            long t = System.nanoTime();
            barrier.await();
            if (i >= warmup) {
                round[i - warmup] = System.nanoTime() - t;
            }
        }
        other.join();
        return percentilesMicros(round);
    }

    private static double[] percentilesMicros(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return new double[] {s[s.length / 2] / 1e3, s[(int) (s.length * 0.9)] / 1e3, s[(int) (s.length * 0.99)] / 1e3};
    }

    private static MappedByteBuffer turnCounter(Path dir) throws Exception {
        try (FileChannel ch = FileChannel.open(dir.resolve("turn"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, 8);
        }
    }

    private static double[] conditionPingPong(Path dir, IpcDomain domain) throws Exception {
        IpcLock lock = domain.lock("pp");
        IpcCondition cond = domain.condition("pp-turn", lock);
        MappedByteBuffer turn = turnCounter(dir);
        int warmup = ROUND_TRIPS / 10;
        int total = warmup + ROUND_TRIPS;
        Process child = startChild("ponger", dir.toString(), Integer.toString(total));
        BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        if (!"ready".equals(in.readLine())) {
            throw new IllegalStateException("child not ready");
        }
        long[] rtt = new long[ROUND_TRIPS];
        for (int i = 0; i < total; i++) {
            long target = 2L * i + 2;
            long t = System.nanoTime();
            lock.acquire();
            try {
                turn.putLong(0, turn.getLong(0) + 1);
                cond.signal();
                cond.waitFor(() -> turn.getLong(0) == target);
            } finally {
                lock.release();
            }
            if (i >= warmup) {
                rtt[i - warmup] = System.nanoTime() - t;
            }
        }
        child.waitFor();
        return percentilesMicros(rtt);
    }

    private static void child(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "contended" -> {
                out.println("ready");
                if (System.in.read() < 0) {
                    return;
                }
                out.println(loop(dir, args[2]));
            }
            case "barrier" -> {
                int n = Integer.parseInt(args[2]);
                try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
                    IpcBarrier barrier = domain.barrier("rounds", 2);
                    out.println("ready");
                    for (int i = 0; i < n; i++) {
                        barrier.await();
                    }
                }
            }
            case "ponger" -> {
                int n = Integer.parseInt(args[2]);
                try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
                    IpcLock lock = domain.lock("pp");
                    IpcCondition cond = domain.condition("pp-turn", lock);
                    MappedByteBuffer turn = turnCounter(dir);
                    out.println("ready");
                    for (int i = 0; i < n; i++) {
                        long target = 2L * i + 1;
                        lock.acquire();
                        try {
                            cond.waitFor(() -> turn.getLong(0) == target);
                            turn.putLong(0, turn.getLong(0) + 1);
                            cond.signal();
                        } finally {
                            lock.release();
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
