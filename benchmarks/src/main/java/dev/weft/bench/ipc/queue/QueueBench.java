package dev.weft.bench.ipc.queue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Cross-process queue benchmarks, all implementations in one run: Weft's {@code IpcQueue}, an Agrona
 * {@code ManyToOneRingBuffer} on a mapped file and a Chronicle Queue, each with the same child-JVM
 * harness; printed as a table. The Python counterpart is {@code benchmarks/python/mp_queue_bench.py}.
 *
 * <ul>
 *   <li><b>Throughput</b> ({@code 1P1C}, {@code 4P1C}, {@code 1P4C} with 64-byte messages;
 *       {@code 1P1C} with 4 KiB messages): producers and consumers are separate JVMs. The
 *       consumers start taking, the producers first put {@code -Dbench.warmupMessages} messages
 *       between them (default 500,000, so that the JIT has compiled both sides; consumers do not
 *       count them), then are released together; the time runs from the release until the last
 *       consumer has received its poison pill (sent after every producer finished). Messages per
 *       second over all producers; the median of {@code -Dbench.runs} rounds (default 3), in each
 *       of which every implementation runs once, one after the other. A last table gives Weft's
 *       rate over each peer's in the same round (lowest, median and highest over the rounds).</li>
 *   <li><b>Round trip</b> (64 bytes): a pinger JVM sends a message on one channel, an echo JVM
 *       sends it back on another; percentiles of the round trip in microseconds after a warm-up.</li>
 * </ul>
 * Agrona's ring has one consumer, and Chronicle Queue delivers every message to every reader, so
 * neither is a work queue: their {@code 1P4C} cells are "n/a". Neither has a blocking wait; both
 * idle with Agrona's {@code BackoffIdleStrategy}. Weft's put and take block (spin 20 µs, then
 * futex).
 *
 * <p>Run (from the repository root, after {@code mvn -B -ntp package -DskipTests}):
 * {@code java -cp benchmarks/target/benchmarks.jar dev.weft.bench.ipc.queue.QueueBench}. Options:
 * {@code -Dbench.messages=5000000 -Dbench.warmupMessages=500000 -Dbench.runs=3 -Dbench.roundTrips=100000
 * -Dbench.only=WEFT,AGRONA},
 * {@code -Dbench.rttOnly=true}, {@code -Dbench.childOptions="-Dweft.ipc.spinNanos=0"} (added to every child JVM).
 * The child JVMs of Agrona and Chronicle get {@link #THIRD_PARTY_FLAGS} (opens and exports of JDK
 * internals these libraries need on JDK 25); Weft's get only {@code --enable-native-access}.
 */
public final class QueueBench {

    /** JVM flags that Agrona 2 and Chronicle Queue need on JDK 25 (benchmark JVMs only). */
    static final List<String> THIRD_PARTY_FLAGS = List.of(
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-Dchronicle.analytics.disable=true");

    private static final int MESSAGES = Integer.getInteger("bench.messages", 5_000_000);
    private static final int WARMUP_MESSAGES = Integer.getInteger("bench.warmupMessages", 500_000);
    private static final int RUNS = Integer.getInteger("bench.runs", 3);
    private static final int ROUND_TRIPS = Integer.getInteger("bench.roundTrips", 100_000);
    private static final int WARMUP_ROUND_TRIPS = Integer.getInteger("bench.warmupRoundTrips", 20_000);

    private QueueBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            Child.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        List<Transport.Kind> kinds = Arrays.stream(System.getProperty("bench.only", "WEFT,AGRONA,CHRONICLE").split(","))
                .map(s -> Transport.Kind.valueOf(s.trim())).toList();
        Path root = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        System.out.printf(Locale.ROOT, "CPUs: %d; %,d messages per throughput run, median of %d runs; %,d round trips after %,d warm-up%n",
                Runtime.getRuntime().availableProcessors(), MESSAGES, RUNS, ROUND_TRIPS, WARMUP_ROUND_TRIPS);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", "1P1C 64 B (msg/s)", "4P1C 64 B (msg/s)", "1P4C 64 B (msg/s)", "1P1C 4 KiB (msg/s)",
                "RTT 64 B p50 / p90 / p99 / p99.9 (us)"});
        if (Boolean.getBoolean("bench.rttOnly")) {
            for (Transport.Kind kind : kinds) {
                System.out.println(kind + " RTT " + roundTrip(root, kind));
            }
            return;
        }
        // The implementations take turns within each round of each case, so that a ratio compares
        // runs made under the same machine conditions.
        int[][] cases = {{1, 1, 64, 1024, MESSAGES}, {4, 1, 64, 1024, MESSAGES / 4}, {1, 4, 64, 1024, MESSAGES},
                {1, 1, 4096, 256, MESSAGES / 10}};
        String[] caseNames = {"1P1C 64 B", "4P1C 64 B", "1P4C 64 B", "1P1C 4 KiB"};
        double[][][] results = new double[kinds.size()][cases.length][RUNS];
        for (int c = 0; c < cases.length; c++) {
            int[] k = cases[c];
            for (int r = 0; r < RUNS; r++) {
                for (int i = 0; i < kinds.size(); i++) {
                    Transport.Kind kind = kinds.get(i);
                    if (k[1] > 1 && !kind.workQueue()) {
                        results[i][c][r] = Double.NaN;
                        continue;
                    }
                    results[i][c][r] = throughput(root, kind, k[0], k[1], k[2], k[3], k[4]);
                    System.out.printf(Locale.ROOT, "  %s %s run %d: %,.0f msg/s%n", kind, caseNames[c], r + 1,
                            results[i][c][r]);
                }
            }
        }
        for (int i = 0; i < kinds.size(); i++) {
            String[] row = new String[6];
            row[0] = kinds.get(i).name().toLowerCase(Locale.ROOT);
            for (int c = 0; c < cases.length; c++) {
                row[c + 1] = Double.isNaN(results[i][c][0]) ? "n/a" : rate(median(results[i][c]));
            }
            row[5] = roundTrip(root, kinds.get(i));
            rows.add(row);
            System.out.println(String.join(" | ", row));
        }
        System.out.println();
        for (String[] row : rows) {
            System.out.println("| " + String.join(" | ", row) + " |");
        }
        int weft = kinds.indexOf(Transport.Kind.WEFT);
        if (weft >= 0 && kinds.size() > 1) {
            System.out.println();
            System.out.println("Weft / peer, ratio of the runs of the same round: lowest / median / highest");
            for (int i = 0; i < kinds.size(); i++) {
                if (i == weft) {
                    continue;
                }
                StringBuilder line = new StringBuilder("| vs " + kinds.get(i).name().toLowerCase(Locale.ROOT));
                for (int c = 0; c < cases.length; c++) {
                    double[] ratios = new double[RUNS];
                    for (int r = 0; r < RUNS; r++) {
                        ratios[r] = results[weft][c][r] / results[i][c][r];
                    }
                    Arrays.sort(ratios);
                    line.append(Double.isNaN(ratios[0]) ? " | n/a" : String.format(Locale.ROOT, " | %.2f / %.2f / %.2f",
                            ratios[0], median(ratios), ratios[RUNS - 1]));
                }
                System.out.println(line.append(" |"));
            }
        }
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    /** The median of {@code values} (the upper one of the middle two for an even count); does not reorder them. */
    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** One throughput run; messages per second. */
    private static double throughput(Path root, Transport.Kind kind, int producers, int consumers, int size,
            int capacity, int perProducer) throws Exception {
        Path dir = Files.createTempDirectory(root, "weft-qbench-");
        List<ChildJvm> all = new ArrayList<>();
        try {
            kind.prepare(dir, "q", size, capacity);
            List<ChildJvm> cs = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                cs.add(ChildJvm.start(kind, "consume", dir, "q", size, capacity, 0, 0));
            }
            List<ChildJvm> ps = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                ps.add(ChildJvm.start(kind, "produce", dir, "q", size, capacity, p, perProducer));
            }
            all.addAll(cs);
            all.addAll(ps);
            for (ChildJvm c : all) {
                c.expect("READY");
            }
            for (ChildJvm c : cs) {
                c.send("GO");
            }
            for (ChildJvm p : ps) {
                p.send("WARM " + WARMUP_MESSAGES / producers);
            }
            for (ChildJvm p : ps) {
                p.expect("WARMED");
            }
            long start = System.nanoTime();
            for (ChildJvm p : ps) {
                p.send("GO");
            }
            for (ChildJvm p : ps) {
                p.expect("DONE");
            }
            ps.get(0).send("POISON " + consumers);
            long received = 0;
            for (ChildJvm c : cs) {
                received += Long.parseLong(c.expect("DONE").split(" ")[1]);
            }
            long nanos = System.nanoTime() - start;
            long expected = (long) producers * perProducer;
            if (received != expected) {
                throw new IllegalStateException(kind + ": received " + received + " messages, expected " + expected);
            }
            return received * 1e9 / nanos;
        } finally {
            for (ChildJvm c : all) {
                c.close();
            }
            deleteTree(dir);
        }
    }

    private static String roundTrip(Path root, Transport.Kind kind) throws Exception {
        Path dir = Files.createTempDirectory(root, "weft-qbench-");
        try {
            kind.prepare(dir, "ping", 64, 1024);
            kind.prepare(dir, "pong", 64, 1024);
            try (ChildJvm echo = ChildJvm.start(kind, "echo", dir, "ping", 64, 1024, 0, 0);
                    ChildJvm pinger = ChildJvm.start(kind, "ping", dir, "pong", 64, 1024, 0, ROUND_TRIPS)) {
                echo.expect("READY");
                pinger.expect("READY");
                echo.send("GO");
                pinger.send("GO");
                String result = pinger.expect("RTT").substring(4);
                echo.expect("DONE");
                return result;
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A child JVM of this harness, driven by lines. */
    private static final class ChildJvm implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final Writer in;

        private ChildJvm(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        static ChildJvm start(Transport.Kind kind, String role, Path dir, String name, int size, int capacity, int id,
                int count) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.add("-Xmx512m");
            cmd.add("--enable-native-access=ALL-UNNAMED");
            if (kind != Transport.Kind.WEFT) {
                cmd.addAll(THIRD_PARTY_FLAGS);
            }
            String extra = System.getProperty("bench.childOptions", "").trim();
            if (!extra.isEmpty()) {
                cmd.addAll(List.of(extra.split("\\s+")));
            }
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(QueueBench.class.getName());
            cmd.addAll(List.of("child", kind.name(), role, dir.toString(), name, Integer.toString(size),
                    Integer.toString(capacity), Integer.toString(id), Integer.toString(count),
                    Integer.toString(WARMUP_ROUND_TRIPS)));
            return new ChildJvm(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }

        String expect(String prefix) throws IOException {
            while (true) {
                String line = out.readLine();
                if (line == null) {
                    throw new IOException("child exited before printing " + prefix);
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
                System.out.println("  (child) " + line);
            }
        }

        void send(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** The child side: {@code KIND ROLE DIR NAME SIZE CAPACITY ID COUNT WARMUP}. */
    static final class Child {
        private Child() {}

        static void main(String[] a) throws Exception {
            Transport.Kind kind = Transport.Kind.valueOf(a[0]);
            String role = a[1];
            Path dir = Path.of(a[2]);
            String name = a[3];
            int size = Integer.parseInt(a[4]);
            int capacity = Integer.parseInt(a[5]);
            int id = Integer.parseInt(a[6]);
            int count = Integer.parseInt(a[7]);
            int warmup = Integer.parseInt(a[8]);
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            switch (role) {
                case "produce" -> {
                    try (Transport t = kind.open(dir, name, size, capacity)) {
                        say("READY");
                        String warm = Objects.requireNonNull(stdin.readLine()); // "WARM k"
                        for (int i = Integer.parseInt(warm.split(" ")[1]) - 1; i >= 0; i--) {
                            t.send(Transport.WARMUP | i);
                        }
                        say("WARMED");
                        stdin.readLine(); // GO
                        long base = (long) id << 40;
                        for (int i = 0; i < count; i++) {
                            t.send(base + i);
                        }
                        say("DONE");
                        String poison = stdin.readLine(); // "POISON k" (first producer only) or end of input
                        if (poison != null && poison.startsWith("POISON")) {
                            for (int i = Integer.parseInt(poison.split(" ")[1]); i > 0; i--) {
                                t.send(Transport.POISON);
                            }
                            say("POISONED");
                            stdin.readLine();
                        }
                    }
                }
                case "consume" -> {
                    try (Transport t = kind.open(dir, name, size, capacity)) {
                        say("READY");
                        stdin.readLine(); // GO
                        long n = 0;
                        for (long v; (v = t.receive()) != Transport.POISON; ) {
                            if ((v & Transport.WARMUP) == 0) {
                                n++;
                            }
                        }
                        say("DONE " + n);
                        stdin.readLine();
                    }
                }
                case "echo" -> {
                    try (Transport ping = kind.open(dir, "ping", size, capacity);
                            Transport pong = kind.open(dir, "pong", size, capacity)) {
                        say("READY");
                        stdin.readLine(); // GO
                        for (long v; (v = ping.receive()) != Transport.POISON; ) {
                            pong.send(v);
                        }
                        say("DONE");
                        stdin.readLine();
                    }
                }
                case "ping" -> {
                    try (Transport ping = kind.open(dir, "ping", size, capacity);
                            Transport pong = kind.open(dir, "pong", size, capacity)) {
                        say("READY");
                        stdin.readLine(); // GO
                        long[] rtt = new long[count];
                        for (int i = -warmup; i < count; i++) {
                            long t0 = System.nanoTime();
                            ping.send(t0);
                            if (pong.receive() != t0) {
                                throw new IllegalStateException("echo mismatch");
                            }
                            if (i >= 0) {
                                rtt[i] = System.nanoTime() - t0;
                            }
                        }
                        ping.send(Transport.POISON);
                        Arrays.sort(rtt);
                        say(String.format(Locale.ROOT, "RTT %.2f / %.2f / %.2f / %.2f", pct(rtt, 50), pct(rtt, 90), pct(rtt, 99),
                                pct(rtt, 99.9)));
                        stdin.readLine();
                    }
                }
                default -> throw new IllegalArgumentException("role " + role);
            }
        }

        private static double pct(long[] sorted, double p) {
            int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
            return sorted[Math.max(0, i)] / 1000.0;
        }

        private static void say(String line) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
