package dev.weft.bench.ipc;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.event.IpcEvent;
import dev.weft.ipc.lock.IpcLock;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Two-JVM measurements of the ipc lock and event, beside JDK baselines, printed as a table.
 *
 * <ul>
 *   <li><b>contended</b>: two processes (one thread each) acquire and release one lock in a loop
 *       for a fixed time; total operations per second. Beside {@code FileChannel.lock} used the
 *       same way.</li>
 *   <li><b>pingpong</b>: round trip of an event ping-pong (parent sets "ping", child waits,
 *       clears it and sets "pong", parent waits and clears): both sides are waiters, and between
 *       pings they sleep. Percentiles in microseconds. Beside a one-byte pipe round trip (the JDK
 *       has no cross-process event; {@code FileChannel.lock} cannot express one).</li>
 * </ul>
 *
 * <p>Run: {@code java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar dev.weft.bench.ipc.CrossProcessBench}
 * (add {@code -Dweft.ipc.wait=backoff} to measure the portable back-end). The Python counterpart is
 * {@code benchmarks/python/mp_bench.py}.
 */
public final class CrossProcessBench {

    private static final double SECONDS = Double.parseDouble(System.getProperty("bench.seconds", "3"));
    private static final int ROUND_TRIPS = Integer.getInteger("bench.roundTrips", 20_000);

    private CrossProcessBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Path root = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(root, "weft-xbench-");
        try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
            System.out.println("wait back-end: " + domain.waitBackend() + ", CPUs: " + Runtime.getRuntime().availableProcessors());
            double weft = contended(dir, "weft");
            double file = contended(dir, "filelock");
            System.out.printf(Locale.ROOT, "contended 2 processes, weft IpcLock:     %,12.0f acquire+release/s%n", weft);
            System.out.printf(Locale.ROOT, "contended 2 processes, FileChannel.lock: %,12.0f acquire+release/s%n", file);
            double[] w = pingPongEvent(dir, domain);
            System.out.printf(Locale.ROOT, "event ping-pong RTT, weft IpcEvent: p50 %.1f us, p90 %.1f us, p99 %.1f us (%d round trips)%n",
                    w[0], w[1], w[2], ROUND_TRIPS);
            double[] p = pingPongPipe();
            System.out.printf(Locale.ROOT, "pipe ping-pong RTT (JDK baseline):  p50 %.1f us, p90 %.1f us, p99 %.1f us (%d round trips)%n",
                    p[0], p[1], p[2], ROUND_TRIPS);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static Process startChild(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ProcessHandle.current().info().arguments().isPresent()
                ? jvmFlags() : List.of());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrossProcessBench.class.getName());
        cmd.add("child");
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** This JVM's native-access and weft flags, passed on to the child. */
    private static List<String> jvmFlags() {
        List<String> flags = new ArrayList<>();
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--enable-native-access") || a.startsWith("-Dweft.") || a.startsWith("-Dbench.")) {
                flags.add(a);
            }
        }
        return flags;
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

    /** Acquires and releases for {@link #SECONDS}; returns the count. */
    private static long loop(Path dir, String impl) throws Exception {
        long end = System.nanoTime() + (long) (SECONDS * 1e9);
        long n = 0;
        if (impl.equals("weft")) {
            try (IpcDomain domain = IpcDomain.open(dir.resolve("domain"))) {
                IpcLock lock = domain.lock("contended");
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 100; i++) {
                        lock.acquire();
                        lock.release();
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

    private static double[] pingPongEvent(Path dir, IpcDomain domain) throws Exception {
        IpcEvent ping = domain.event("ping");
        IpcEvent pong = domain.event("pong");
        Process child = startChild("pingpong", dir.toString(), Integer.toString(ROUND_TRIPS + ROUND_TRIPS / 10));
        BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        if (!"ready".equals(in.readLine())) {
            throw new IllegalStateException("child not ready");
        }
        long[] rtt = new long[ROUND_TRIPS];
        int warmup = ROUND_TRIPS / 10;
        for (int i = 0; i < warmup + ROUND_TRIPS; i++) {
            long t = System.nanoTime();
            ping.set();
            pong.await();
            pong.clear();
            if (i >= warmup) {
                rtt[i - warmup] = System.nanoTime() - t;
            }
        }
        child.waitFor();
        return percentiles(rtt);
    }

    private static double[] pingPongPipe() throws Exception {
        Process child = startChild("pipe");
        InputStream in = child.getInputStream();
        OutputStream out = child.getOutputStream();
        long[] rtt = new long[ROUND_TRIPS];
        int warmup = ROUND_TRIPS / 10;
        for (int i = 0; i < warmup + ROUND_TRIPS; i++) {
            long t = System.nanoTime();
            out.write(1);
            out.flush();
            if (in.read() != 1) {
                throw new IllegalStateException("pipe child died");
            }
            if (i >= warmup) {
                rtt[i - warmup] = System.nanoTime() - t;
            }
        }
        out.close();
        child.waitFor();
        return percentiles(rtt);
    }

    private static double[] percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return new double[] {s[s.length / 2] / 1e3, s[(int) (s.length * 0.9)] / 1e3, s[(int) (s.length * 0.99)] / 1e3};
    }

    private static void child(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        switch (args[0]) {
            case "contended" -> {
                Path dir = Path.of(args[1]);
                out.println("ready");
                if (System.in.read() < 0) {
                    return;
                }
                out.println(loop(dir, args[2]));
            }
            case "pingpong" -> {
                int n = Integer.parseInt(args[2]);
                try (IpcDomain domain = IpcDomain.open(Path.of(args[1]).resolve("domain"))) {
                    IpcEvent ping = domain.event("ping");
                    IpcEvent pong = domain.event("pong");
                    out.println("ready");
                    for (int i = 0; i < n; i++) {
                        ping.await();
                        ping.clear();
                        pong.set();
                    }
                }
            }
            case "pipe" -> {
                InputStream in = System.in;
                for (int b; (b = in.read()) >= 0; ) {
                    System.out.write(b);
                    System.out.flush();
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
