package dev.weft.redis;

import dev.weft.redis.internal.Request;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A client process of the chaos tests: {@code <uri> <role> <name> <label>}. It prints
 * {@code READY <pid>} once connected, then works until it is killed; a producer, consumer or
 * locker prints {@code WORKING} once its first operation has completed.
 *
 * <ul>
 *   <li>{@code producer}: puts {@code <label>-<n>} and prints {@code PUT <message>} after each put
 *       returned.</li>
 *   <li>{@code consumer}: gets, records a redelivery ({@code INCR <name>:redelivered}), records
 *       the settlement ({@code HINCRBY <name>:settled}) and marks it done.</li>
 *   <li>{@code locker}: acquires the lock, enters and leaves the protected resource with its
 *       fencing token ({@link #RESOURCE_ENTER}, {@link #RESOURCE_EXIT}), releases.</li>
 *   <li>{@code pauser}: acquires the lock with a short lease, prints {@code HELD <token>}, then
 *       writes to the resource with its token every few milliseconds, printing
 *       {@code WRITE accepted|rejected}, until it learns its lease is lost ({@code LOST}); then
 *       tries a last write and releases ({@code RELEASE ok|<exception>}).</li>
 * </ul>
 */
public final class ChaosChild {

    /**
     * The protected resource's entry. KEYS: max token, stale count. ARGV: token. 1 accepted, 0
     * rejected (an older token than one already seen).
     */
    public static final String RESOURCE_ENTER = """
            local max = tonumber(redis.call('get', KEYS[1]) or '0')
            if tonumber(ARGV[1]) < max then redis.call('incr', KEYS[2]) return 0 end
            redis.call('set', KEYS[1], ARGV[1])
            return 1
            """;

    /**
     * The protected resource's exit. KEYS: max token, overlap count. ARGV: token. 1 if no newer
     * holder entered meanwhile, 0 (and one overlap counted) otherwise.
     */
    public static final String RESOURCE_EXIT = """
            local max = tonumber(redis.call('get', KEYS[1]) or '0')
            if tonumber(ARGV[1]) == max then return 1 end
            redis.call('incr', KEYS[2])
            return 0
            """;

    /** A producer's pause between puts: keeps the load within what fsync-always allows. */
    private static final long PRODUCER_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** A locker's pause between grants. */
    private static final long LOCKER_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** Whether this client has printed {@code WORKING} (after its first completed operation). */
    private static boolean working;

    private ChaosChild() {}

    /** Prints {@code WORKING} once, after the first operation of a producer, consumer or locker completed. */
    private static void worked() {
        if (!working) {
            working = true;
            System.out.println("WORKING");
            System.out.flush();
        }
    }

    /** The few plain commands a child needs, on the client's own connection (one client per JVM). */
    static final class Raw {
        private final RedisWeft redis;

        Raw(RedisWeft redis) {
            this.redis = redis;
        }

        void incr(String key) {
            Request.join(redis.commands().incr(RedisWeft.bytes(key)).toCompletableFuture());
        }

        void hincrby(String key, String field, long by) {
            Request.join(redis.commands().hincrby(RedisWeft.bytes(key), RedisWeft.bytes(field), by)
                    .toCompletableFuture());
        }

        long eval(String script, ScriptOutputType type, String[] keys, String arg) {
            byte[][] k = new byte[keys.length][];
            for (int i = 0; i < keys.length; i++) {
                k[i] = RedisWeft.bytes(keys[i]);
            }
            Long r = Request.join(redis.commands().<Long>eval(script, type, k, RedisWeft.bytes(arg))
                    .toCompletableFuture());
            return r;
        }
    }

    /**
     * Runs the role.
     *
     * @param args uri, role, name, label
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String role = args[1];
        String name = args[2];
        String label = args[3];
        RedisWeft redis = RedisWeft.connect(uri);
        Raw raw = new Raw(redis);
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        switch (role) {
            case "producer" -> produce(redis, name, label);
            case "consumer" -> consume(redis, raw, name);
            case "locker" -> lockLoop(redis, raw, name);
            case "pauser" -> pause(redis, raw, name);
            case "train" -> train(redis, raw, name);
            default -> throw new IllegalArgumentException("role " + role);
        }
    }

    /** The queue settings of the chaos runs: redelivery after 500 ms, no dead letters in practice. */
    public static RedisQueue.Settings queueSettings() {
        return new RedisQueue.Settings(100_000, Duration.ofMillis(500), 1_000);
    }

    private static void produce(RedisWeft redis, String name, String label) {
        RedisQueue q = redis.queue(name, queueSettings());
        for (long n = 0; ; n++) {
            String m = label + "-" + n;
            try {
                q.put(m.getBytes(StandardCharsets.UTF_8));
                System.out.println("PUT " + m);
                System.out.flush();
                worked();
                LockSupport.parkNanos(PRODUCER_PAUSE_NANOS);
            } catch (RuntimeException | InterruptedException e) {
                System.out.println("ERR put " + m + " " + e);
            }
        }
    }

    private static void consume(RedisWeft redis, Raw raw, String name) {
        RedisQueue q = redis.queue(name, queueSettings());
        for (;;) {
            try {
                RedisQueue.Delivery d = q.getDelivery();
                String m = new String(d.payload(), StandardCharsets.UTF_8);
                if (d.deliveryCount() > 1) {
                    raw.incr(name + ":redelivered");
                }
                raw.hincrby(name + ":settled", m, 1);
                q.taskDone(d);
                worked();
            } catch (RuntimeException | InterruptedException e) {
                System.out.println("ERR get " + e);
            }
        }
    }

    private static void lockLoop(RedisWeft redis, Raw raw, String name) {
        RedisLock lock = redis.lock(name, Duration.ofSeconds(3), null);
        String[] enterKeys = {name + ":max", name + ":stale"};
        String[] exitKeys = {name + ":max", name + ":overlaps"};
        for (;;) {
            try {
                RedisLock.Lease lease = lock.acquireLease();
                String token = Long.toString(lease.fencingToken());
                raw.incr(name + ":grants");
                if (lease.ownerDied()) {
                    raw.incr(name + ":takeovers");
                }
                long entered = raw.eval(RESOURCE_ENTER, ScriptOutputType.INTEGER, enterKeys, token);
                if (entered == 1) {
                    raw.incr(name + ":work");
                    raw.eval(RESOURCE_EXIT, ScriptOutputType.INTEGER, exitKeys, token);
                }
                lock.release();
                worked();
                LockSupport.parkNanos(LOCKER_PAUSE_NANOS);
            } catch (RuntimeException | InterruptedException e) {
                System.out.println("ERR lock " + e);
            }
        }
    }

    /**
     * Runs each role's operations once on queue and lock {@code name}, then exits normally: the
     * run that records the class-data archive the killed clients start from.
     */
    private static void train(RedisWeft redis, Raw raw, String name) throws Exception {
        RedisQueue q = redis.queue(name, queueSettings());
        q.put(name.getBytes(StandardCharsets.UTF_8));
        RedisQueue.Delivery d = q.getDelivery();
        raw.hincrby(name + ":settled", new String(d.payload(), StandardCharsets.UTF_8), 1);
        q.taskDone(d);
        RedisLock lock = redis.lock(name, Duration.ofSeconds(3), null);
        RedisLock.Lease lease = lock.acquireLease();
        String token = Long.toString(lease.fencingToken());
        raw.incr(name + ":grants");
        raw.eval(RESOURCE_ENTER, ScriptOutputType.INTEGER, new String[] {name + ":max", name + ":stale"}, token);
        raw.eval(RESOURCE_EXIT, ScriptOutputType.INTEGER, new String[] {name + ":max", name + ":overlaps"}, token);
        lock.release();
        System.out.println("TRAINED");
        System.out.flush();
        redis.close();
        System.exit(0);
    }

    private static void pause(RedisWeft redis, Raw raw, String name) throws Exception {
        RedisLock lock = redis.lock(name, Duration.ofMillis(500), null);
        RedisLock.Lease lease = lock.acquireLease();
        String token = Long.toString(lease.fencingToken());
        String[] enterKeys = {name + ":max", name + ":stale"};
        System.out.println("HELD " + token);
        System.out.flush();
        while (!lease.isLost()) {
            long r = raw.eval(RESOURCE_ENTER, ScriptOutputType.INTEGER, enterKeys, token);
            System.out.println("WRITE " + (r == 1 ? "accepted" : "rejected"));
            System.out.flush();
            lease.lost().completeOnTimeout(lease, 20, TimeUnit.MILLISECONDS).join();   // the holder's "work"
        }
        System.out.println("LOST " + lease.lossReason());
        long r = raw.eval(RESOURCE_ENTER, ScriptOutputType.INTEGER, enterKeys, token);
        System.out.println("WRITE " + (r == 1 ? "accepted" : "rejected"));
        try {
            lock.release();
            System.out.println("RELEASE ok");
        } catch (IllegalMonitorStateException e) {
            System.out.println("RELEASE " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        System.out.flush();
        redis.close();
        System.exit(0);
    }
}
