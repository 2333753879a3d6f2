package dev.weft.bench.ipc.queue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The cost of one message through Weft's {@code IpcQueue} and Agrona's {@code ManyToOneRingBuffer}
 * in one JVM, without the scheduling of separate processes: the harness for changes to the ring's
 * hot path, whose effect {@link QueueBench} (a JVM per producer and consumer) shows only through
 * more noise. Both use the {@link Transport}s of {@code QueueBench} on files in {@code /dev/shm}, 64-byte
 * messages, a ring of 1,024.
 *
 * <ul>
 *   <li>{@code solo}: one thread sends a message and receives it, in turn: no contention and no
 *       waiting, so the time per pair is what the instructions of a put and a take cost (atomic
 *       read-modify-writes above all).</li>
 *   <li>{@code threads}: a producer thread and a consumer thread, each with its own handle.</li>
 * </ul>
 * Each round runs Weft, then Agrona, {@code -Dbench.messages} messages each (default 5,000,000);
 * the ratio of the round is Weft's rate over Agrona's. The first round is a warm-up and is left out
 * of the median. Run (Agrona needs {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} on
 * JDK 25):
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *     -cp benchmarks/target/benchmarks.jar dev.weft.bench.ipc.queue.RingCost [solo|threads] [rounds]
 * }</pre>
 */
public final class RingCost {

    private static final int SIZE = 64;
    private static final int CAPACITY = 1024;
    private static final int MESSAGES = Integer.getInteger("bench.messages", 5_000_000);

    private static volatile long sink;

    private RingCost() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "threads";
        if (!mode.equals("solo") && !mode.equals("threads")) {
            throw new IllegalArgumentException("mode expected solo or threads but was " + mode);
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        if (rounds < 2) {
            throw new IllegalArgumentException("rounds expected >= 2 (the first is a warm-up) but was " + rounds);
        }
        Path root = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(root, "weft-ringcost-");
        Transport.Kind.WEFT.prepare(dir, "q", SIZE, CAPACITY);
        Transport.Kind.AGRONA.prepare(dir, "q", SIZE, CAPACITY);
        double[] ratios = new double[rounds - 1];
        try {
            for (int r = 0; r < rounds; r++) {
                double weft = run(Transport.Kind.WEFT, dir, mode);
                double agrona = run(Transport.Kind.AGRONA, dir, mode);
                System.out.printf(Locale.ROOT, "round %d: Weft %.1f ns/msg, Agrona %.1f ns/msg, Weft/Agrona rate %.2f%s%n", r,
                        1e9 / weft, 1e9 / agrona, weft / agrona, r == 0 ? " (warm-up)" : "");
                if (r > 0) {
                    ratios[r - 1] = weft / agrona;
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
        Arrays.sort(ratios);
        System.out.printf(Locale.ROOT, "%s: Weft/Agrona rate lowest / median / highest: %.2f / %.2f / %.2f%n", mode, ratios[0],
                ratios[ratios.length / 2], ratios[ratios.length - 1]);
    }

    /** One run; messages per second (pairs per second in {@code solo}). */
    private static double run(Transport.Kind kind, Path dir, String mode) throws Exception {
        int n = MESSAGES;
        if (mode.equals("solo")) {
            try (Transport t = kind.open(dir, "q", SIZE, CAPACITY)) {
                long sum = 0;
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    t.send(i);
                    sum += t.receive();
                }
                long elapsed = System.nanoTime() - start;
                check(sum, n);
                return n * 1e9 / elapsed;
            }
        }
        try (Transport producer = kind.open(dir, "q", SIZE, CAPACITY);
                Transport consumer = kind.open(dir, "q", SIZE, CAPACITY)) {
            long[] sum = new long[1];
            Thread c = new Thread(() -> {
                long s = 0;
                try {
                    for (int i = 0; i < n; i++) {
                        s += consumer.receive();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                sum[0] = s;
            });
            long start = System.nanoTime();
            c.start();
            for (int i = 0; i < n; i++) {
                producer.send(i);
            }
            c.join();
            long elapsed = System.nanoTime() - start;
            check(sum[0], n);
            return n * 1e9 / elapsed;
        }
    }

    /** Every message arrived once: the values 0 .. n-1 add up to n(n-1)/2. */
    private static void check(long sum, int n) {
        long expected = (long) n * (n - 1) / 2;
        if (sum != expected) {
            throw new IllegalStateException("sum of received values expected " + expected + " but was " + sum);
        }
        sink += sum;
    }
}
