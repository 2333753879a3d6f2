package dev.weft.bench.plain;

import dev.weft.bench.task.GatherBenchmark;
import dev.weft.core.queue.AsyncQueue;
import dev.weft.core.sync.Event;
import dev.weft.core.sync.Lock;
import dev.weft.core.task.Gather;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Plain-thread harness beside JMH: loops as a user writes them (threads that lock and unlock, a
 * producer and a consumer, a gather over started tasks), Weft and the JDK peer interleaved in one
 * JVM, printed as a table of medians and ratios.
 *
 * <p>Every case runs a warm-up round, then {@code -Dbench.rounds} rounds (default 5), each of
 * which runs every contender once, in an order that rotates from round to round so that no
 * contender always runs first or last. Scores are medians over the rounds; the ratio is the Weft
 * median over the peer median of the same case (higher is better for Weft).
 *
 * <p>Cases (the first argument picks them, comma-separated; default all):
 * <ul>
 *   <li>{@code lock}: {@link Lock} (default, bounded barging) against {@link ReentrantLock}
 *       (unfair), and {@link Lock#fair()} against {@code ReentrantLock(true)}; 2, 4, 8 platform
 *       threads and 2, 8, 64 virtual threads, each looping lock / one increment / unlock for
 *       {@code -Dbench.millis} (default 300) per round. Million lock-unlock pairs per second.</li>
 *   <li>{@code semaphore}: {@link dev.weft.core.sync.Semaphore} (one permit, default mode)
 *       against {@link java.util.concurrent.Semaphore} (unfair), the same loops.</li>
 *   <li>{@code latency}: the same lock loops, timing each acquire; p99.9 and the longest wait of
 *       any acquirer, in microseconds (log-linear buckets, about 6% wide), Weft default and fair
 *       against {@code ReentrantLock} unfair.</li>
 *   <li>{@code queue}: {@link AsyncQueue#fifo(int) AsyncQueue.fifo(1024)} against
 *       {@link LinkedTransferQueue} and {@code ArrayBlockingQueue(1024)}: 1 producer / 1 consumer
 *       and 2 / 2, blocking put and take, platform and virtual threads; then, on platform
 *       threads, the immediate forms ({@code offer} / {@code poll}, {@link Thread#yield()} after
 *       each miss) against {@code ArrayBlockingQueue}'s, and {@code putAsync(e).join()} /
 *       {@code getAsync().join()} against {@code ArrayBlockingQueue}'s blocking put and take;
 *       {@code -Dbench.items} (default 2,000,000) items a round. Million items per second.</li>
 *   <li>{@code gather}: {@link Gather#start} over 100,000 bodies against one virtual thread per
 *       body completing a {@link CompletableFuture}, then {@code allOf}; a round times
 *       {@code -Dbench.gathersPerRound} (default 8) gathers back to back, so that one form's
 *       time is not swayed by what the other left behind (heap, carrier threads): with one
 *       gather a round the ratio swung from 0.5x to 1.8x between rounds and its median from
 *       0.74x to 1.22x between runs; with eight it agrees with JMH's. Thousand tasks per
 *       second.</li>
 *   <li>{@code uncontended}: one thread, no contention: Lock acquire/release, Event set/await/clear,
 *       AsyncQueue put/get, against ReentrantLock, a volatile-flag loop and ArrayBlockingQueue.
 *       Nanoseconds per operation (lower is better; the ratio is still peer over Weft time, so
 *       higher is better). Uses only API that older versions of weft-core have, so the same
 *       loops can be run against another build of core on the class path to compare versions.</li>
 * </ul>
 *
 * <p>Run (from the repository root, after {@code mvn -B -ntp -pl benchmarks -am package -DskipTests}):
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.weft.bench.plain.PlainBench lock,semaphore
 * </pre>
 * With {@code -Dbench.csv=FILE} every row of the tables is also written to {@code FILE} (CSV with a
 * header line and the run's settings as {@code #} comments), the input of
 * {@code benchmarks/scripts/charts.py}.
 * With {@code -Dbench.fork=true} each case group runs in a JVM of its own (same class path and
 * {@code bench.*} settings), so that no group's code is compiled with the profile of the groups
 * that ran before it; in one JVM the loops share one {@code Mutex} call site, which has seen the
 * lock adapters by the time the semaphore cases run.
 * With {@code -Dbench.repeat=N} (N &gt; 1, implies {@code bench.fork}) the selected groups run N
 * times over, each time each group in a fresh JVM (group after group, then again), and a last
 * table gives, for every row, the lowest, median and highest ratio over the N runs.
 * On a machine with few cores, other processes change every number: compare ratios of one run,
 * and repeat runs to see the spread.
 */
public final class PlainBench {

    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    private static final long MILLIS = Long.getLong("bench.millis", 300L);
    private static final int ITEMS = Integer.getInteger("bench.items", 2_000_000);
    private static final int GATHER_N = Integer.getInteger("bench.gather", 100_000);
    private static final int GATHERS_PER_ROUND = Integer.getInteger("bench.gathersPerRound", 8);
    private static final String CSV = System.getProperty("bench.csv");
    /** How many times each selected group runs, each time in a JVM of its own ({@code -Dbench.repeat}). */
    private static final int REPEAT = Integer.getInteger("bench.repeat", 1);
    /** Whether each case group runs in a child JVM of its own ({@code -Dbench.fork=true}, or a repeat). */
    private static final boolean FORK = Boolean.getBoolean("bench.fork") || REPEAT > 1;
    /** In a child of a repeated run: the file its rows go to, for the parent's spread table. */
    private static final String ROWS = System.getProperty("bench.rows");
    /** Set in such a child: it neither prints the settings nor starts the CSV file. */
    private static final boolean CHILD = Boolean.getBoolean("bench.child");

    /** The case groups this JVM runs (one, in a child), for the rows of a repeated run. */
    private static String caseGroup = "";

    /** The table being printed, for the CSV rows. */
    private static String group = "";
    private static String unit = "";

    private PlainBench() {}

    /** One contender of a case: runs one round and returns its score. */
    @FunctionalInterface
    interface Round {
        double run() throws Exception;
    }

    /** A named contender. */
    record Contender(String name, Round round) {}

    /** The case groups, in the order they run. */
    private static final List<String> GROUPS = List.of("lock", "semaphore", "latency", "queue", "gather", "uncontended");

    public static void main(String[] args) throws Exception {
        caseGroup = args.length > 0 ? args[0] : String.join(",", GROUPS);
        Set<String> cases = Set.of(caseGroup.split(","));
        for (String c : cases) {
            if (!GROUPS.contains(c)) {
                throw new IllegalArgumentException("unknown case group '" + c + "', expected some of " + GROUPS);
            }
        }
        if (REPEAT < 1) {
            throw new IllegalArgumentException("bench.repeat must be at least 1, was " + REPEAT);
        }
        if (GATHERS_PER_ROUND < 1) {
            throw new IllegalArgumentException("bench.gathersPerRound must be at least 1, was " + GATHERS_PER_ROUND);
        }
        String settings = String.format(Locale.ROOT,
                "CPUs: %d; %s; warm-up round + %d rounds, median; %d ms per lock round, %,d items per queue round, "
                        + "%d gathers per gather round%s",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), ROUNDS, MILLIS, ITEMS, GATHERS_PER_ROUND,
                REPEAT > 1 ? "; " + REPEAT + " runs, each case group in its own JVM each time"
                        : FORK ? "; each case group in its own JVM" : "");
        if (!CHILD) {
            System.out.println(settings);
        }
        if (CSV != null && !CHILD) {
            Files.writeString(Path.of(CSV), "# PlainBench " + String.join(",", GROUPS.stream().filter(cases::contains).toList()) + " on " + LocalDate.now() + "; "
                    + settings + "\ngroup,case,weft,weft_value,peer,peer_value,unit,higher_is_better,harness\n",
                    StandardCharsets.UTF_8);
        }
        if (FORK) {
            Path rows = REPEAT > 1 ? Files.createTempFile("plainbench-rows", ".tsv") : null;
            try {
                for (int run = 1; run <= REPEAT; run++) {
                    if (REPEAT > 1) {
                        System.out.printf(Locale.ROOT, "%n=== run %d of %d%n", run, REPEAT);
                    }
                    for (String g : GROUPS) {
                        if (cases.contains(g)) {
                            runChild(g, rows);
                        }
                    }
                }
                if (rows != null) {
                    printSpread(Files.readAllLines(rows, StandardCharsets.UTF_8));
                }
            } finally {
                if (rows != null) {
                    Files.deleteIfExists(rows);
                }
            }
            return;
        }
        if (cases.contains("lock")) {
            lockCases();
        }
        if (cases.contains("semaphore")) {
            semaphoreCases();
        }
        if (cases.contains("latency")) {
            latencyCases();
        }
        if (cases.contains("queue")) {
            queueCases();
        }
        if (cases.contains("gather")) {
            gatherCase();
        }
        if (cases.contains("uncontended")) {
            uncontendedCases();
        }
    }

    /**
     * Runs one case group in a child JVM on the same class path, with this JVM's {@code bench.*}
     * settings (rows: the file for a repeated run's rows, or null); its tables go to this
     * process's output and its rows to the same CSV file. A
     * group in a JVM of its own is compiled with only its own profile: in one JVM, the loops'
     * {@code Mutex} call site has seen every adapter of the groups before it.
     */
    private static void runChild(String group, Path rows) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("bench.") && !name.equals("bench.fork") && !name.equals("bench.child")
                    && !name.equals("bench.repeat") && !name.equals("bench.rows")) {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.add("-Dbench.child=true");
        if (rows != null) {
            command.add("-Dbench.rows=" + rows);
        }
        command.add(PlainBench.class.getName());
        command.add(group);
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("the child JVM for case group " + group + " exited with " + exit);
        }
    }

    /**
     * Prints, for every row that the runs produced, the lowest, median and highest ratio (Weft
     * over peer, or peer over Weft where lower is better), in the order the rows first appeared.
     */
    private static void printSpread(List<String> lines) {
        java.util.Map<String, List<Double>> ratios = new java.util.LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            if (f.length != 5) {
                throw new IllegalStateException("malformed row from a child JVM: " + line);
            }
            double weft = Double.parseDouble(f[2]);
            double peer = Double.parseDouble(f[3]);
            double ratio = Boolean.parseBoolean(f[4]) ? weft / peer : peer / weft;
            ratios.computeIfAbsent(f[0] + ": " + f[1], k -> new ArrayList<>()).add(ratio);
        }
        System.out.printf(Locale.ROOT, "%nSpread over %d runs (ratio, higher is better for Weft)%n", REPEAT);
        System.out.printf(Locale.ROOT, "%-48s %5s %7s %7s %7s%n", "row", "runs", "lowest", "median", "highest");
        for (java.util.Map.Entry<String, List<Double>> e : ratios.entrySet()) {
            double[] r = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            String name = e.getKey();
            System.out.printf(Locale.ROOT, "%-48s %5d %6.2fx %6.2fx %6.2fx%n", name, r.length, r[0],
                    r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2, r[r.length - 1]);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Rounds and the table

    /** Runs a warm-up round and ROUNDS rounds of every contender, rotating the order; medians. */
    static double[] medians(List<Contender> contenders) throws Exception {
        int n = contenders.size();
        for (Contender c : contenders) {
            c.round().run();
        }
        double[][] scores = new double[n][ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            for (int i = 0; i < n; i++) {
                int j = (i + r) % n;
                scores[j][r] = contenders.get(j).round().run();
            }
        }
        double[] med = new double[n];
        for (int i = 0; i < n; i++) {
            double[] s = scores[i].clone();
            Arrays.sort(s);
            med[i] = s[ROUNDS / 2];
        }
        return med;
    }

    static void header(String title, String unit) {
        System.out.printf(Locale.ROOT, "%n%s (%s)%n", title, unit);
        System.out.printf(Locale.ROOT, "%-34s %12s %12s %8s%n", "case", "Weft", "peer", "ratio");
        PlainBench.group = title;
        PlainBench.unit = unit;
    }

    static void row(String name, double weft, double peer) {
        System.out.printf(Locale.ROOT, "%-34s %12.3f %12.3f %7.2fx%n", name, weft, peer, weft / peer);
        csv(name, weft, peer, true);
    }

    /** Appends a row to the CSV file, if one was asked for; the peer is named by the table's unit line. */
    static void csv(String name, double weft, double peer, boolean higherIsBetter) {
        if (ROWS != null) {
            String row = String.join("\t", caseGroup, name.replace('\t', ' '),
                    Double.toString(weft), Double.toString(peer), Boolean.toString(higherIsBetter)) + "\n";
            try {
                Files.writeString(Path.of(ROWS), row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + ROWS, e);
            }
        }
        if (CSV == null) {
            return;
        }
        int p = unit.indexOf("peer");
        String peerName = p < 0 ? "peer" : unit.substring(unit.indexOf(':', p) + 1).trim();
        String unitOnly = (p < 0 ? unit : unit.substring(0, p)).replaceAll("[;,\\s]+$", "").trim();
        String line = String.join(",", quote(group), quote(name), "Weft", String.format(Locale.ROOT, "%.4f", weft),
                quote(peerName), String.format(Locale.ROOT, "%.4f", peer), quote(unitOnly),
                Boolean.toString(higherIsBetter), "PlainBench") + "\n";
        try {
            Files.writeString(Path.of(CSV), line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + CSV, e);
        }
    }

    private static String quote(String field) {
        return "\"" + field.replace("\"", "\"\"") + "\"";
    }

    static ThreadFactory factory(boolean virtual) {
        return virtual ? Thread.ofVirtual().factory() : Thread.ofPlatform().daemon().factory();
    }

    // ---------------------------------------------------------------------------------------
    // Locks and semaphores

    /** A lock as the loops use it. */
    interface Mutex {
        void lock() throws InterruptedException;

        void unlock();
    }

    static Mutex of(java.util.concurrent.locks.Lock l) {
        return new Mutex() {
            @Override
            public void lock() {
                l.lock();
            }

            @Override
            public void unlock() {
                l.unlock();
            }
        };
    }

    static Mutex of(dev.weft.core.sync.Semaphore s) {
        return new Mutex() {
            @Override
            public void lock() {
                s.acquireUninterruptibly();
            }

            @Override
            public void unlock() {
                s.release();
            }
        };
    }

    static Mutex of(java.util.concurrent.Semaphore s) {
        return new Mutex() {
            @Override
            public void lock() {
                s.acquireUninterruptibly();
            }

            @Override
            public void unlock() {
                s.release();
            }
        };
    }

    /** Shared counter of the critical sections, so that the loop body cannot be removed. */
    static long counter;

    /**
     * {@code threads} threads loop lock / increment / unlock on a fresh mutex for MILLIS; million
     * pairs per second. With {@code waits} non-null, each acquire's wait goes into it.
     */
    static double lockRound(java.util.function.Supplier<Mutex> make, int threads, boolean virtual,
            Histogram[] waits) throws Exception {
        Mutex m = make.get();
        long[] counts = new long[threads * 16];
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stopFlag = new java.util.concurrent.atomic.AtomicBoolean();
        ThreadFactory tf = factory(virtual);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            Histogram h = waits == null ? null : waits[t];
            ts.add(tf.newThread(() -> {
                ready.countDown();
                try {
                    go.await();
                    long n = 0;
                    if (h == null) {
                        while (!stopFlag.getPlain()) {
                            m.lock();
                            counter++;
                            m.unlock();
                            n++;
                        }
                    } else {
                        while (!stopFlag.getPlain()) {
                            long t0 = System.nanoTime();
                            m.lock();
                            long t1 = System.nanoTime();
                            counter++;
                            m.unlock();
                            h.record(t1 - t0);
                            n++;
                        }
                    }
                    counts[me * 16] = n;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : ts) {
            t.start();
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        Thread.sleep(MILLIS);
        stopFlag.setRelease(true);
        long end = System.nanoTime();
        for (Thread t : ts) {
            t.join();
        }
        long total = 0;
        for (int t = 0; t < threads; t++) {
            total += counts[t * 16];
        }
        return total / ((end - start) / 1e9) / 1e6;
    }

    static final int[] PLATFORM_THREADS = {2, 4, 8};
    static final int[] VIRTUAL_THREADS = {2, 8, 64};

    static void lockCases() throws Exception {
        header("Lock, lock / one increment / unlock", "M pairs/s; peer: ReentrantLock");
        for (boolean virtual : new boolean[] {false, true}) {
            for (int threads : virtual ? VIRTUAL_THREADS : PLATFORM_THREADS) {
                String kind = threads + (virtual ? " virtual" : " platform");
                double[] m = medians(List.of(
                        new Contender("weft", () -> lockRound(() -> of(new Lock()), threads, virtual, null)),
                        new Contender("jdk", () -> lockRound(() -> of(new ReentrantLock()), threads, virtual, null)),
                        new Contender("weftFair", () -> lockRound(() -> of(Lock.fair()), threads, virtual, null)),
                        new Contender("jdkFair", () -> lockRound(() -> of(new ReentrantLock(true)), threads, virtual, null))));
                row("default vs unfair, " + kind, m[0], m[1]);
                row("fair vs fair, " + kind, m[2], m[3]);
            }
        }
    }

    static void semaphoreCases() throws Exception {
        header("Semaphore(1), acquire / one increment / release", "M pairs/s; peer: j.u.c.Semaphore unfair");
        for (boolean virtual : new boolean[] {false, true}) {
            for (int threads : virtual ? VIRTUAL_THREADS : PLATFORM_THREADS) {
                String kind = threads + (virtual ? " virtual" : " platform");
                double[] m = medians(List.of(
                        new Contender("weft", () -> lockRound(() -> of(new dev.weft.core.sync.Semaphore(1)), threads, virtual, null)),
                        new Contender("jdk", () -> lockRound(() -> of(new java.util.concurrent.Semaphore(1)), threads, virtual, null))));
                row("default vs unfair, " + kind, m[0], m[1]);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Longest waits

    /** Log-linear histogram of nanosecond values: 16 buckets per power of two. */
    static final class Histogram {
        final long[] buckets = new long[64 * 16];
        long max;
        long count;

        void record(long v) {
            if (v < 0) {
                v = 0;
            }
            if (v > max) {
                max = v;
            }
            count++;
            buckets[index(v)]++;
        }

        static int index(long v) {
            if (v < 16) {
                return (int) v;
            }
            int exp = 63 - Long.numberOfLeadingZeros(v);   // >= 4
            int mantissa = (int) (v >>> (exp - 4)) & 15;
            return (exp - 3) * 16 + mantissa;
        }

        /** The upper bound of bucket {@code i}. */
        static long upper(int i) {
            if (i < 16) {
                return i;
            }
            int exp = i / 16 + 3;
            int mantissa = i % 16;
            return ((16L + mantissa + 1) << (exp - 4)) - 1;
        }

        void add(Histogram o) {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] += o.buckets[i];
            }
            max = Math.max(max, o.max);
            count += o.count;
        }

        long quantile(double q) {
            long rank = (long) Math.ceil(q * count);
            long seen = 0;
            for (int i = 0; i < buckets.length; i++) {
                seen += buckets[i];
                if (seen >= rank) {
                    return Math.min(upper(i), max);
                }
            }
            return max;
        }
    }

    static void latencyCases() throws Exception {
        System.out.printf(Locale.ROOT, "%nLongest wait of an acquire (us): median over rounds of p99.9 / of max; max over all rounds%n");
        System.out.printf(Locale.ROOT, "%-22s %-30s %-30s %-30s%n", "case", "Weft default", "Weft fair", "ReentrantLock unfair");
        int[][] configs = {{4, 0}, {8, 0}, {8, 1}, {64, 1}};
        for (int[] cfg : configs) {
            int threads = cfg[0];
            boolean virtual = cfg[1] == 1;
            List<java.util.function.Supplier<Mutex>> makers = List.of(
                    () -> of(new Lock()), () -> of(Lock.fair()), () -> of(new ReentrantLock()));
            int n = makers.size();
            double[][] p999 = new double[n][ROUNDS];
            double[][] max = new double[n][ROUNDS];
            for (int i = 0; i < n; i++) {   // warm-up
                lockRound(makers.get(i), threads, virtual, histograms(threads));
            }
            for (int r = 0; r < ROUNDS; r++) {
                for (int k = 0; k < n; k++) {
                    int i = (k + r) % n;
                    Histogram[] hs = histograms(threads);
                    lockRound(makers.get(i), threads, virtual, hs);
                    Histogram all = new Histogram();
                    for (Histogram h : hs) {
                        all.add(h);
                    }
                    p999[i][r] = all.quantile(0.999) / 1e3;
                    max[i][r] = all.max / 1e3;
                }
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s", threads + (virtual ? " virtual" : " platform")));
            for (int i = 0; i < n; i++) {
                double[] maxSorted = max[i].clone();
                Arrays.sort(maxSorted);
                double[] pSorted = p999[i].clone();
                Arrays.sort(pSorted);
                line.append(String.format(Locale.ROOT, " %-30s", String.format(Locale.ROOT, "%.0f / %.0f; %.0f",
                        pSorted[ROUNDS / 2], maxSorted[ROUNDS / 2], maxSorted[ROUNDS - 1])));
            }
            System.out.println(line);
        }
    }

    static Histogram[] histograms(int n) {
        Histogram[] hs = new Histogram[n];
        for (int i = 0; i < n; i++) {
            hs[i] = new Histogram();
        }
        return hs;
    }

    // ---------------------------------------------------------------------------------------
    // Queues

    /** A blocking queue as the loops use it. */
    interface Channel {
        void put(Integer e) throws InterruptedException;

        Integer take() throws InterruptedException;
    }

    static Channel weftQueue() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1024);
        return new Channel() {
            @Override
            public void put(Integer e) throws InterruptedException {
                q.put(e);
            }

            @Override
            public Integer take() throws InterruptedException {
                return q.get();
            }
        };
    }

    static Channel jdkQueue(BlockingQueue<Integer> q) {
        return new Channel() {
            @Override
            public void put(Integer e) throws InterruptedException {
                q.put(e);
            }

            @Override
            public Integer take() throws InterruptedException {
                return q.take();
            }
        };
    }

    /** Weft's immediate forms as a user loops on them: offer / poll, yielding after each miss. */
    static Channel weftImmediate() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1024);
        return immediate(q::offer, q::poll);
    }

    /** The same loop over {@code ArrayBlockingQueue(1024)}'s offer / poll. */
    static Channel jdkImmediate() {
        ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(1024);
        return immediate(q::offer, q::poll);
    }

    /** A channel that offers until {@code offer} succeeds and polls until {@code poll} gives an element, yielding after each miss. */
    static Channel immediate(Predicate<Integer> offer, Supplier<Integer> poll) {
        return new Channel() {
            @Override
            public void put(Integer e) {
                while (!offer.test(e)) {
                    Thread.yield();
                }
            }

            @Override
            public Integer take() {
                Integer x;
                while ((x = poll.get()) == null) {
                    Thread.yield();
                }
                return x;
            }
        };
    }

    /** Weft's future forms as a blocking caller uses them: {@code putAsync(e).join()}, {@code getAsync().join()}. */
    static Channel weftAsync() {
        AsyncQueue<Integer> q = AsyncQueue.fifo(1024);
        return new Channel() {
            @Override
            public void put(Integer e) {
                q.putAsync(e).join();
            }

            @Override
            public Integer take() {
                return q.getAsync().join();
            }
        };
    }

    static final Integer ITEM = 42;

    /** {@code pairs} producers and as many consumers move ITEMS items; million items per second. */
    static double queueRound(java.util.function.Supplier<Channel> make, int pairs, boolean virtual) throws Exception {
        Channel ch = make.get();
        int perThread = ITEMS / pairs;
        CountDownLatch ready = new CountDownLatch(2 * pairs);
        CountDownLatch go = new CountDownLatch(1);
        ThreadFactory tf = factory(virtual);
        List<Thread> ts = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            ts.add(tf.newThread(() -> {
                ready.countDown();
                try {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        ch.put(ITEM);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            ts.add(tf.newThread(() -> {
                ready.countDown();
                try {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        if (ch.take() == null) {
                            throw new AssertionError("null item");
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : ts) {
            t.start();
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread t : ts) {
            t.join();
        }
        long end = System.nanoTime();
        return (long) perThread * pairs / ((end - start) / 1e9) / 1e6;
    }

    static void queueCases() throws Exception {
        header("AsyncQueue.fifo(1024), blocking put / get", "M items/s; peers: LinkedTransferQueue, then ArrayBlockingQueue(1024)");
        for (boolean virtual : new boolean[] {false, true}) {
            for (int pairs : new int[] {1, 2}) {
                String kind = pairs + "P" + pairs + "C " + (virtual ? "virtual" : "platform");
                double[] m = medians(List.of(
                        new Contender("weft", () -> queueRound(PlainBench::weftQueue, pairs, virtual)),
                        new Contender("ltq", () -> queueRound(() -> jdkQueue(new LinkedTransferQueue<>()), pairs, virtual)),
                        new Contender("abq", () -> queueRound(() -> jdkQueue(new ArrayBlockingQueue<>(1024)), pairs, virtual))));
                row("vs LTQ, " + kind, m[0], m[1]);
                row("vs ABQ, " + kind, m[0], m[2]);
            }
        }
        header("AsyncQueue.fifo(1024), offer / poll, yield after a miss", "M items/s; peer: ArrayBlockingQueue(1024) offer / poll");
        for (int pairs : new int[] {1, 2}) {
            double[] m = medians(List.of(
                    new Contender("weft", () -> queueRound(PlainBench::weftImmediate, pairs, false)),
                    new Contender("abq", () -> queueRound(PlainBench::jdkImmediate, pairs, false))));
            row("offer/poll vs ABQ, " + pairs + "P" + pairs + "C platform", m[0], m[1]);
        }
        header("AsyncQueue.fifo(1024), putAsync(e).join() / getAsync().join()",
                "M items/s; peer: ArrayBlockingQueue(1024) blocking put / take");
        for (int pairs : new int[] {1, 2}) {
            double[] m = medians(List.of(
                    new Contender("weft", () -> queueRound(PlainBench::weftAsync, pairs, false)),
                    new Contender("abq", () -> queueRound(() -> jdkQueue(new ArrayBlockingQueue<>(1024)), pairs, false))));
            row("async vs ABQ blocking, " + pairs + "P" + pairs + "C platform", m[0], m[1]);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Gather

    static void gatherCase() throws Exception {
        List<Callable<Integer>> bodies = new ArrayList<>(GATHER_N);
        for (int i = 0; i < GATHER_N; i++) {
            Integer value = i;
            bodies.add(() -> value);
        }
        header("gather over " + GATHER_N + " started tasks", "k tasks/s; peer: virtual threads + CompletableFuture.allOf");
        double[] m = medians(List.of(
                new Contender("weft", () -> {
                    long t0 = System.nanoTime();
                    for (int g = 0; g < GATHERS_PER_ROUND; g++) {
                        List<Integer> r = Gather.start(bodies).join();
                        check(r.size() == GATHER_N && r.get(GATHER_N - 1) == GATHER_N - 1);
                    }
                    long t1 = System.nanoTime();
                    return (double) GATHER_N * GATHERS_PER_ROUND / ((t1 - t0) / 1e9) / 1e3;
                }),
                new Contender("jdk", () -> {
                    long t0 = System.nanoTime();
                    for (int g = 0; g < GATHERS_PER_ROUND; g++) {
                        List<Integer> r = GatherBenchmark.virtualThreadsAllOf(bodies);
                        check(r.size() == GATHER_N && r.get(GATHER_N - 1) == GATHER_N - 1);
                    }
                    long t1 = System.nanoTime();
                    return (double) GATHER_N * GATHERS_PER_ROUND / ((t1 - t0) / 1e9) / 1e3;
                })));
        row("Gather.start(100k bodies)", m[0], m[1]);
    }

    static void check(boolean ok) {
        if (!ok) {
            throw new AssertionError("wrong result");
        }
    }

    // ---------------------------------------------------------------------------------------
    // Uncontended

    static final int UNCONTENDED_OPS = Integer.getInteger("bench.ops", 5_000_000);

    static volatile boolean flag;

    /** Times {@code body} UNCONTENDED_OPS times in one thread; nanoseconds per operation. */
    static double nsPerOp(Callable<Long> body) throws Exception {
        long t0 = System.nanoTime();
        long sink = body.call();
        long t1 = System.nanoTime();
        if (sink == 42) {
            System.out.print("");
        }
        return (double) (t1 - t0) / UNCONTENDED_OPS;
    }

    static void uncontendedCases() throws Exception {
        System.out.printf(Locale.ROOT, "%nUncontended, one thread (ns/op; ratio = peer / Weft, higher is better)%n");
        System.out.printf(Locale.ROOT, "%-34s %12s %12s %8s%n", "case", "Weft", "peer", "ratio");
        group = "Uncontended, one thread";
        unit = "ns/op; peer: the JDK class named in the case";
        Lock lock = new Lock();
        ReentrantLock rl = new ReentrantLock();
        double[] m = medians(List.of(
                new Contender("weft", () -> nsPerOp(() -> {
                    long n = 0;
                    for (int i = 0; i < UNCONTENDED_OPS; i++) {
                        lock.acquire();
                        n++;
                        lock.release();
                    }
                    return n;
                })),
                new Contender("jdk", () -> nsPerOp(() -> {
                    long n = 0;
                    for (int i = 0; i < UNCONTENDED_OPS; i++) {
                        rl.lock();
                        n++;
                        rl.unlock();
                    }
                    return n;
                }))));
        urow("Lock acquire+release vs RL", m[0], m[1]);
        Event ev = new Event();
        m = medians(List.of(
                new Contender("weft", () -> nsPerOp(() -> {
                    long n = 0;
                    for (int i = 0; i < UNCONTENDED_OPS; i++) {
                        ev.set();
                        ev.await();
                        n += ev.isSet() ? 1 : 0;
                        ev.clear();
                    }
                    return n;
                })),
                new Contender("jdk", () -> nsPerOp(() -> {
                    long n = 0;
                    for (int i = 0; i < UNCONTENDED_OPS; i++) {
                        flag = true;
                        n += flag ? 1 : 0;
                        flag = false;
                    }
                    return n;
                }))));
        urow("Event set+await+clear vs flag", m[0], m[1]);
        AsyncQueue<Integer> q = AsyncQueue.fifo(1024);
        ArrayBlockingQueue<Integer> abq = new ArrayBlockingQueue<>(1024);
        m = medians(List.of(
                new Contender("weft", () -> nsPerOp(() -> {
                    long n = 0;
                    for (int i = 0; i < UNCONTENDED_OPS; i++) {
                        q.put(ITEM);
                        n += q.get();
                    }
                    return n;
                })),
                new Contender("jdk", () -> nsPerOp(() -> {
                    long n = 0;
                    for (int i = 0; i < UNCONTENDED_OPS; i++) {
                        abq.put(ITEM);
                        n += abq.take();
                    }
                    return n;
                }))));
        urow("AsyncQueue put+get vs ABQ", m[0], m[1]);
    }

    static void urow(String name, double weftNs, double peerNs) {
        System.out.printf(Locale.ROOT, "%-34s %12.2f %12.2f %7.2fx%n", name, weftNs, peerNs, peerNs / weftNs);
        csv(name, weftNs, peerNs, false);
    }
}
