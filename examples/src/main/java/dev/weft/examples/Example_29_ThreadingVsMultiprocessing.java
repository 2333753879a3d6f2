package dev.weft.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Notebook section 5, "Threading vs. Multiprocessing", done for Java and measured: the same
 * CPU-bound and I/O-bound jobs run one after another, on platform threads, on virtual threads and
 * in separate processes (child JVMs), with the wall-clock time of each.
 *
 * <p>The notebook's table says that Python threads suit I/O-bound work but not CPU-bound work,
 * because the Global Interpreter Lock lets only one thread run Python code at a time, and that
 * processes are needed for CPU-bound parallelism. Java has no GIL: the threads of one JVM run Java
 * code on all cores at once. So in Java:
 * <ul>
 *   <li>CPU-bound jobs on threads speed up with the number of cores, up to the number of jobs
 *       (on an idle 16-core machine this example measured 3.7x for its 4 jobs; on a 2-core
 *       machine expect at most 2x);</li>
 *   <li>virtual threads run CPU-bound work no faster than platform threads (they share as many
 *       carrier threads as there are cores) but cost far less to create and to block, which is
 *       what I/O-bound work needs;</li>
 *   <li>processes add no parallelism that threads lack; they cost a JVM start each (and their JIT
 *       warm-up) and need IPC to talk. Use them for isolation (a crash, a memory leak, a native
 *       library), not for speed.</li>
 * </ul>
 *
 * <p>The I/O-bound job blocks in {@code Thread.sleep}, standing in for a network call. The
 * processes are started with the running JVM's own {@code java} binary and class path; each child
 * runs a share of the jobs and prints its result, which the parent checks. Timings depend on the
 * machine and its load; the output's shape is fixed, and {@link #EXPECTED_OUTPUT_REGEX} checks it.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_29_ThreadingVsMultiprocessing}
 */
public final class Example_29_ThreadingVsMultiprocessing {

    /** Upper end (exclusive) of the range whose primes each CPU-bound job counts. */
    private static final int PRIME_LIMIT = 1_500_000;
    /** Number of primes below {@link #PRIME_LIMIT}, the answer every CPU-bound job must give. */
    private static final int PRIMES_BELOW_LIMIT = 114_155;
    private static final int CPU_JOBS = 4;
    private static final int IO_JOBS = 16;
    private static final long IO_JOB_MILLIS = 100;
    private static final int PROCESSES = 4;
    private static final int STARTS = 1_000;

    /** The report printed by {@link #run(PrintStream)}; {@code #} stands for a measured number. */
    private static final String TEMPLATE = """
            Threading vs multiprocessing in Java, measured on this machine (# CPUs)

            CPU-bound: 4 jobs, each counting the primes below 1500000
              sequential, 1 thread          # ms  #x
              4 platform threads            # ms  #x
              4 virtual threads             # ms  #x
              4 child JVM processes         # ms  #x
            I/O-bound: 16 jobs, each blocking 100 ms (a sleep standing in for a network call)
              sequential, 1 thread          # ms  #x
              16 platform threads           # ms  #x
              16 virtual threads            # ms  #x
              4 child JVM processes         # ms  #x  (4 jobs each, one after another)
            Cost of creation
              start and join 1000 platform threads  # ms
              start and join 1000 virtual threads   # ms
              start one child JVM and wait for it   # ms
            Every run gave the same answer: 114155 primes per job.

            The notebook's table, for Java:
              Memory sharing      threads: one shared heap          processes: separate heaps, IPC to talk
              CPU-bound work      threads: parallel on all cores    processes: parallel too, plus JVM start and warm-up
              GIL impact          none: Java has no GIL             none
              I/O-bound work      virtual threads: cheap to block   processes: no benefit
              Resources           platform thread: a native stack;  virtual thread: a small heap object
              Speed of creation   see "Cost of creation" above
              Synchronization     java.util.concurrent, dev.weft.core.sync (Lock, Condition, Semaphore, ...)
            """;

    /** The shape of the output: {@link #TEMPLATE} with numbers in place of {@code #}. */
    public static final String EXPECTED_OUTPUT_REGEX = shape(TEMPLATE);

    private Example_29_ThreadingVsMultiprocessing() {}

    public static void run(PrintStream out) throws Exception {
        // Warm the JIT up on the CPU-bound job, so that the in-JVM runs compare compiled code.
        for (int i = 0; i < 2; i++) {
            check(countPrimes(PRIME_LIMIT));
        }
        List<String> values = new ArrayList<>();
        values.add(Integer.toString(Runtime.getRuntime().availableProcessors()));

        // CPU-bound
        long cpuSequential = timeMillis(() -> {
            for (int i = 0; i < CPU_JOBS; i++) {
                check(countPrimes(PRIME_LIMIT));
            }
        });
        long cpuPlatform = timeMillis(() -> runAll(Executors.newFixedThreadPool(CPU_JOBS), CPU_JOBS,
                () -> check(countPrimes(PRIME_LIMIT))));
        long cpuVirtual = timeMillis(() -> runAll(Executors.newVirtualThreadPerTaskExecutor(), CPU_JOBS,
                () -> check(countPrimes(PRIME_LIMIT))));
        long cpuProcesses = timeMillis(() -> runChildren(PROCESSES, "cpu", 1));
        addRow(values, cpuSequential, cpuSequential);
        addRow(values, cpuPlatform, cpuSequential);
        addRow(values, cpuVirtual, cpuSequential);
        addRow(values, cpuProcesses, cpuSequential);

        // I/O-bound
        long ioSequential = timeMillis(() -> {
            for (int i = 0; i < IO_JOBS; i++) {
                blockingIo();
            }
        });
        long ioPlatform = timeMillis(() -> runAll(Executors.newFixedThreadPool(IO_JOBS), IO_JOBS,
                Example_29_ThreadingVsMultiprocessing::blockingIo));
        long ioVirtual = timeMillis(() -> runAll(Executors.newVirtualThreadPerTaskExecutor(), IO_JOBS,
                Example_29_ThreadingVsMultiprocessing::blockingIo));
        long ioProcesses = timeMillis(() -> runChildren(PROCESSES, "io", IO_JOBS / PROCESSES));
        addRow(values, ioSequential, ioSequential);
        addRow(values, ioPlatform, ioSequential);
        addRow(values, ioVirtual, ioSequential);
        addRow(values, ioProcesses, ioSequential);

        // Creation
        values.add(millis(timeMillis(() -> startAndJoin(Thread.ofPlatform()))));
        values.add(millis(timeMillis(() -> startAndJoin(Thread.ofVirtual()))));
        values.add(millis(timeMillis(() -> runChildren(1, "noop", 0))));

        out.print(fill(TEMPLATE, values));
    }

    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * The child process: runs {@code jobs} jobs of the given kind one after another and prints
     * one result line per job.
     */
    public static final class Child {
        private Child() {}

        public static void main(String[] args) throws InterruptedException {
            String kind = args[0];
            int jobs = Integer.parseInt(args[1]);
            for (int i = 0; i < jobs; i++) {
                if (kind.equals("cpu")) {
                    System.out.println(countPrimes(PRIME_LIMIT));
                } else {
                    Thread.sleep(IO_JOB_MILLIS);
                    System.out.println("done");
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // The jobs

    /** The CPU-bound job: counts primes below {@code limit} by trial division. */
    static int countPrimes(int limit) {
        int count = 0;
        for (int n = 2; n < limit; n++) {
            boolean prime = true;
            for (int d = 2; d * d <= n; d++) {
                if (n % d == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                count++;
            }
        }
        return count;
    }

    /** The I/O-bound job: blocks, as a network call would. */
    private static void blockingIo() throws InterruptedException {
        Thread.sleep(IO_JOB_MILLIS);
    }

    private static void check(int primes) {
        if (primes != PRIMES_BELOW_LIMIT) {
            throw new IllegalStateException("expected " + PRIMES_BELOW_LIMIT + " primes, got " + primes);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Running them

    private interface Job {
        void run() throws Exception;
    }

    private static long timeMillis(Job job) throws Exception {
        long start = System.nanoTime();
        job.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Runs {@code n} copies of {@code job} on the executor and waits for all. */
    private static void runAll(ExecutorService executor, int n, Job job) throws Exception {
        try (executor) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<Void> task = () -> {
                    job.run();
                    return null;
                };
                futures.add(executor.submit(task));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    private static void startAndJoin(Thread.Builder builder) throws InterruptedException {
        List<Thread> threads = new ArrayList<>(STARTS);
        for (int i = 0; i < STARTS; i++) {
            threads.add(builder.start(() -> { }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /**
     * Starts {@code processes} child JVMs at once, each running {@code jobsEach} jobs of
     * {@code kind}, waits for all and checks what they printed.
     */
    private static void runChildren(int processes, String kind, int jobsEach) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + "/bin/java");
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    Child.class.getName(), kind, Integer.toString(jobsEach))
                    .redirectErrorStream(true)
                    .start());
        }
        for (Process child : children) {
            String printed;
            try (InputStream in = child.getInputStream()) {
                printed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int exit = child.waitFor();
            String expectedLine = kind.equals("cpu") ? Integer.toString(PRIMES_BELOW_LIMIT) : "done";
            String expected = (expectedLine + System.lineSeparator()).repeat(jobsEach);
            if (exit != 0 || !printed.equals(expected)) {
                throw new IllegalStateException("child JVM (" + kind + ") exited with " + exit + " and printed:\n" + printed);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Formatting

    /** Adds the time of a run and its speed-up over the baseline. */
    private static void addRow(List<String> values, long millis, long baselineMillis) {
        values.add(millis(millis));
        values.add(String.format(Locale.ROOT, "%5.1f", (double) baselineMillis / Math.max(millis, 1)));
    }

    private static String millis(long millis) {
        return String.format(Locale.ROOT, "%6d", millis);
    }

    /** Replaces each {@code #} of the template with the next value. */
    private static String fill(String template, List<String> values) {
        StringBuilder sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '#') {
                sb.append(values.get(next++));
            } else {
                sb.append(c);
            }
        }
        if (next != values.size()) {
            throw new IllegalStateException("template has " + next + " slots for " + values.size() + " values");
        }
        return sb.toString();
    }

    /** A regular expression matching the template with any number in place of each {@code #}. */
    private static String shape(String template) {
        String[] literals = template.split("#", -1);
        StringBuilder sb = new StringBuilder(Pattern.quote(literals[0]));
        for (int i = 1; i < literals.length; i++) {
            sb.append(" *\\d+(?:\\.\\d+)?").append(Pattern.quote(literals[i]));
        }
        return sb.toString();
    }
}
