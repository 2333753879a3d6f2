package dev.weft.bench.redis;

import dev.weft.redis.RedisEvent;
import dev.weft.redis.RedisLock;
import dev.weft.redis.RedisQueue;
import dev.weft.redis.RedisWeft;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.redisson.Redisson;
import org.redisson.api.RBlockingQueue;
import org.redisson.api.RLock;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.Config;

/**
 * weft-redis against Redisson on one Redis server, in one run, for each durability setting
 * ({@code appendfsync everysec}, then {@code always}): lock acquire+release pairs per second (1 and
 * 4 threads on one lock), queue messages per second taken by the consumers (1P1C and 4P4C, 64 B and 4
 * KiB; Weft: a queue bounded at 1024, put, get and taskDone; Redisson: an unbounded
 * {@code RBlockingQueue}, put and take, which has no acknowledgement), and
 * the event round trip (Weft: two {@code RedisEvent}s ping-pong; Redisson: two {@code RTopic}s).
 * Both clients are shared by the threads of this JVM, as an application would. The server is the
 * Redis binary carried by embedded-redis, started by this harness on a free port.
 *
 * Each case runs {@code rounds} times, Weft and Redisson alternating which goes first, and the
 * table gives the medians and the ratio's median and range over the rounds.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.weft.bench.redis.RedisBench [seconds [rounds]]}
 */
public final class RedisBench {

    private static final String BINARY = "redis-server-6.2.6-v5-linux-amd64";

    private RedisBench() {}

    /** One measured case: the work of one thread, repeated until told to stop. */
    @FunctionalInterface
    interface Op {
        void run() throws Exception;
    }

    /** One measurement of one library: a rate, or a latency in microseconds. */
    @FunctionalInterface
    interface Measure {
        double run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf("%d interleaved round(s) per case, %d s measured per round and library;"
                + " medians, ratio as median (min-max over the rounds)%n%n", rounds, seconds);
        System.out.println("| Case | fsync | Weft | Redisson | Weft / Redisson |");
        System.out.println("|---|---|---|---|---|");
        for (String fsync : List.of("everysec", "always")) {
            Path dir = Files.createTempDirectory("weft-redis-bench");
            Process server = startServer(dir, fsync);
            try {
                String uri = "redis://127.0.0.1:" + portOf(server);
                runAll(uri, fsync, seconds, rounds);
            } finally {
                server.destroyForcibly();
                server.waitFor();
            }
        }
        System.exit(0);
    }

    private static void runAll(String uri, String fsync, long seconds, int rounds) throws Exception {
        Config config = new Config();
        config.useSingleServer().setAddress(uri);
        RedissonClient redisson = Redisson.create(config);
        try (RedisWeft weft = RedisWeft.connect(uri)) {
            for (int threads : new int[] {1, 4}) {
                // A new lock each round: a round's threads are interrupted when it ends, and one
                // interrupted inside Redisson's lock() can leave that lock held.
                compare("lock acquire+release, " + threads + " thread(s), one lock, pairs/s", fsync, rounds, false,
                        () -> {
                            String name = "l-" + UUID.randomUUID();
                            return rate(threads, seconds, t -> {
                                RedisLock lock = weft.lock(name);
                                return () -> {
                                    lock.acquire();
                                    lock.release();
                                };
                            });
                        },
                        () -> {
                            String name = "r-" + UUID.randomUUID();
                            return rate(threads, seconds, t -> {
                                RLock lock = redisson.getLock(name);
                                return () -> {
                                    lock.lock();
                                    lock.unlock();
                                };
                            });
                        });
            }
            for (int size : new int[] {64, 4096}) {
                for (int pairs : new int[] {1, 4}) {
                    byte[] payload = new byte[size];
                    compare("queue " + pairs + "P" + pairs + "C " + (size == 64 ? "64 B" : "4 KiB") + ", msg/s", fsync,
                            rounds, false,
                            () -> {
                                String wName = "q-" + UUID.randomUUID();
                                RedisQueue wq = weft.queue(wName, 1024);
                                try {
                                    return rate(2 * pairs, seconds, t -> {
                                        if (t % 2 == 0) {
                                            return () -> wq.put(payload);
                                        }
                                        RedisQueue mine = weft.queue(wName, 1024);
                                        return () -> {
                                            mine.get();
                                            mine.taskDone();
                                        };
                                    }, t -> t % 2 == 1);
                                } finally {
                                    wq.shutdown(true);
                                }
                            },
                            () -> {
                                RBlockingQueue<byte[]> rq = redisson.getBlockingQueue("rq-" + UUID.randomUUID(),
                                        ByteArrayCodec.INSTANCE);
                                try {
                                    return rate(2 * pairs, seconds, t -> {
                                        if (t % 2 == 0) {
                                            return () -> rq.put(payload);
                                        }
                                        return rq::take;
                                    }, t -> t % 2 == 1);
                                } finally {
                                    rq.delete();
                                }
                            });
                }
            }
            compare("event round trip p50, us (Weft RedisEvent, Redisson RTopic)", fsync, rounds, true,
                    () -> weftEventRoundTrip(weft, seconds)[0], () -> redissonTopicRoundTrip(redisson, seconds)[0]);
        } finally {
            redisson.shutdown();
        }
    }

    /**
     * Measures both libraries {@code rounds} times, alternating which goes first, and prints the
     * medians and the ratio's median and range.
     */
    private static void compare(String name, String fsync, int rounds, boolean latency, Measure weft,
            Measure redisson) throws Exception {
        double[] w = new double[rounds];
        double[] r = new double[rounds];
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
                w[i] = weft.run();
                r[i] = redisson.run();
            } else {
                r[i] = redisson.run();
                w[i] = weft.run();
            }
            ratio[i] = w[i] / r[i];
        }
        System.out.printf("| %s | %s | %,.0f | %,.0f | %.2fx (%.2f-%.2f)%s |%n", name, fsync, median(w), median(r),
                median(ratio), Arrays.stream(ratio).min().orElseThrow(), Arrays.stream(ratio).max().orElseThrow(),
                latency ? ", lower is better" : "");
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** A per-thread operation factory. */
    @FunctionalInterface
    interface PerThread {
        Op make(int thread) throws Exception;
    }

    /** Operations per second over all threads: one warm-up period, then one measured period. */
    private static double rate(int threads, long seconds, PerThread factory) throws Exception {
        return rate(threads, seconds, factory, t -> true);
    }

    /** As above, counting only the operations of the threads that {@code counted} accepts. */
    private static double rate(int threads, long seconds, PerThread factory,
            java.util.function.IntPredicate counted) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong count = new AtomicLong();
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Op op = factory.make(t);
            boolean counts = counted.test(t);
            all.add(Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (!stop.get()) {
                        op.run();
                        if (counts && measuring.get()) {
                            count.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    // stopped
                } catch (Exception e) {
                    if (!stop.get()) {
                        e.printStackTrace();
                    }
                } finally {
                    done.countDown();
                }
            }));
        }
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));   // warm-up
        measuring.set(true);
        long start = System.nanoTime();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
        long n = count.get();
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Thread t : all) {
            t.interrupt();
        }
        done.await(10, TimeUnit.SECONDS);
        return n / elapsed;
    }

    private static double[] weftEventRoundTrip(RedisWeft weft, long seconds) throws Exception {
        String base = "e-" + UUID.randomUUID();
        RedisEvent ping = weft.event(base + "-ping");
        RedisEvent pong = weft.event(base + "-pong");
        AtomicBoolean stop = new AtomicBoolean();
        Thread echo = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (!stop.get()) {
                    if (ping.await(java.time.Duration.ofMillis(200))) {
                        ping.clear();
                        pong.set();
                    }
                }
            } catch (InterruptedException e) {
                // stopped
            }
        });
        List<Long> samples = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 1);
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            ping.set();
            pong.await();
            pong.clear();
            samples.add(System.nanoTime() - t0);
        }
        stop.set(true);
        echo.join();
        return percentiles(samples);
    }

    private static double[] redissonTopicRoundTrip(RedissonClient redisson, long seconds) throws Exception {
        String base = "t-" + UUID.randomUUID();
        RTopic ping = redisson.getTopic(base + "-ping");
        RTopic pong = redisson.getTopic(base + "-pong");
        ping.addListener(String.class, (channel, msg) -> pong.publish(msg));
        java.util.concurrent.BlockingQueue<String> back = new java.util.concurrent.LinkedBlockingQueue<>();
        pong.addListener(String.class, (channel, msg) -> back.add(msg));
        List<Long> samples = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 1);
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            ping.publish("x");
            back.take();
            samples.add(System.nanoTime() - t0);
        }
        ping.removeAllListeners();
        pong.removeAllListeners();
        return percentiles(samples);
    }

    private static double[] percentiles(List<Long> samples) {
        long[] s = samples.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(s);
        return new double[] {s[s.length / 2] / 1e3, s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1e3};
    }

    private static Process startServer(Path dir, String fsync) throws IOException {
        Path binary = dir.resolve(BINARY);
        try (InputStream in = RedisBench.class.getResourceAsStream("/" + BINARY)) {
            if (in == null) {
                throw new IllegalStateException("no Redis server binary on the class path (embedded-redis)");
            }
            Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
        }
        if (!binary.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + binary + " executable");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", fsync, "--dir", dir.toString(),
                "--daemonize", "no", "--loglevel", "warning"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        PORTS.put(p, port);
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[16];
                int n = s.getInputStream().read(buf);
                if (n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) {
                    return p;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !p.isAlive()) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-server did not start");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static final java.util.Map<Process, Integer> PORTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static int portOf(Process p) {
        return PORTS.get(p);
    }
}
