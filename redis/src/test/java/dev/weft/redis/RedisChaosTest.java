package dev.weft.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.core.sync.LockResult;
import dev.weft.redis.testing.Child;
import dev.weft.redis.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Client processes killed with SIGKILL at random, a server killed and restarted mid-run, a lock
 * holder stopped past its lease: no put that returned is lost, every element is settled, live lock
 * holders never overlap, and a stale holder is told and fenced off.
 */
@ExtendWith(TestRedis.class)
@Timeout(300)
class RedisChaosTest {

    /**
     * Kills per run ({@code -Dweft.redis.chaos.kills}); the kill phase ends at this count or after
     * {@link #KILL_PHASE_SECONDS}, whichever comes first. Every kill needs a new client JVM; one
     * started from the archive that {@link Child} makes costs about 0.5 CPU-seconds, so the count
     * reached in the time depends on the cores free.
     */
    private static final int KILLS = Integer.getInteger("weft.redis.chaos.kills", 100);
    /** The longest kill phase ({@code -Dweft.redis.chaos.seconds}). */
    private static final long KILL_PHASE_SECONDS = Long.getLong("weft.redis.chaos.seconds", 120);
    /** The fewest kills that count as a chaos run: fewer fails the test (too little happened). */
    private static final int MIN_KILLS = 5;
    /**
     * A client is killed only after its first operation has completed and it has gone on working
     * this long, so that every kill hits a working client however slowly the machine starts JVMs
     * (time since {@code READY} is not enough: a loaded machine may take longer than that to
     * complete a first put).
     */
    private static final long MIN_WORK_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    /**
     * The clients alive at once, each in its own JVM. Every kill starts a replacement at once, so
     * up to this many JVMs may be starting together.
     */
    private static final List<String> ROLES = List.of("producer", "producer", "consumer", "consumer", "locker", "locker");

    private static RedisWeft redis;
    private static RedisClient rawClient;
    private static StatefulRedisConnection<String, String> rawConnection;

    @BeforeAll
    static void connect() {
        redis = RedisWeft.connect(TestRedis.uri());
        rawClient = RedisClient.create(TestRedis.uri());
        rawConnection = rawClient.connect();
    }

    @AfterAll
    static void disconnect() {
        redis.close();
        rawConnection.close();
        rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Test
    void clientsKilledAtRandom_andAServerRestart_loseNothingAndNeverOverlapLockHolders() throws Exception {
        String queueName = TestRedis.unique("chaos-queue");
        String lockName = TestRedis.unique("chaos-lock");
        RedisCommands<String, String> raw = rawConnection.sync();
        Set<String> confirmed = ConcurrentHashMap.newKeySet();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Child> children = new ArrayList<>();
        int[] started = {0};
        for (String role : ROLES) {
            children.add(startChild(role, queueName, lockName, started, confirmed));
        }
        for (Child c : children) {
            c.expect("READY", 60);
        }
        int kills = 0;
        int restarts = 0;
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(KILL_PHASE_SECONDS);
        try {
            while (kills < KILLS && System.nanoTime() < deadline) {
                // A random moment, then a random client among those connected and working; its
                // replacement starts at once and is not waited for (JVM start-up is the bottleneck).
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(150)));
                int offset = random.nextInt(children.size());
                int victim = -1;
                for (int k = 0; k < children.size(); k++) {
                    int i = (offset + k) % children.size();
                    if (children.get(i).workingForNanos() >= MIN_WORK_NANOS) {
                        victim = i;
                        break;
                    }
                }
                if (victim < 0) {
                    continue;   // no client has worked long enough yet: pick again after the next pause
                }
                children.get(victim).kill();
                kills++;
                boolean halfway = kills >= KILLS / 2
                        || System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(KILL_PHASE_SECONDS) / 2;
                if (halfway && restarts == 0 && TestRedis.embedded()) {
                    TestRedis.restart();
                    restarts++;
                }
                children.set(victim, startChild(ROLES.get(victim), queueName, lockName, started, confirmed));
            }
        } finally {
            for (Child c : children) {
                c.kill();
            }
        }
        double killSeconds = (System.nanoTime() - start) / 1e9;

        // Settle what the killed consumers left: their elements are redelivered to this one.
        RedisQueue drain = redis.queue(queueName, ChaosChild.queueSettings());
        long drained = 0;
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (drain.unfinishedTasks() > 0 && System.nanoTime() < drainDeadline) {
            RedisQueue.Delivery d = drain.pollDelivery(Duration.ofSeconds(1));
            if (d != null) {
                String m = new String(d.payload(), StandardCharsets.UTF_8);
                if (d.deliveryCount() > 1) {
                    raw.incr(queueName + ":redelivered");
                }
                raw.hincrby(queueName + ":settled", m, 1);
                drain.taskDone(d);
                drained++;
            }
        }
        Map<String, String> settled = raw.hgetall(queueName + ":settled");
        long lost = confirmed.stream().filter(m -> !settled.containsKey(m)).count();
        long settledTwice = settled.values().stream().filter(v -> Long.parseLong(v) > 1).count();
        long unconfirmedSettled = settled.keySet().stream().filter(m -> !confirmed.contains(m)).count();
        long redelivered = parse(raw.get(queueName + ":redelivered"));
        long grants = parse(raw.get(lockName + ":grants"));
        long takeovers = parse(raw.get(lockName + ":takeovers"));
        long overlaps = parse(raw.get(lockName + ":overlaps"));
        long stale = parse(raw.get(lockName + ":stale"));
        long work = parse(raw.get(lockName + ":work"));
        System.out.printf("chaos (seed %d): %d SIGKILLs of %d client JVMs in %.1f s, %d server restart(s)"
                        + " (appendfsync always)%n", seed, kills, started[0], killSeconds, restarts);
        System.out.printf("  queue: %d puts returned, %d elements settled (%d of them by the final drain),"
                        + " %d lost, %d redelivered, %d settled twice, %d settled whose put never reported"
                        + " (killed before printing), %d unfinished at the end%n",
                confirmed.size(), settled.size(), drained, lost, redelivered, settledTwice, unconfirmedSettled,
                drain.unfinishedTasks());
        System.out.printf("  lock: %d grants, %d take-overs from killed holders (OWNER_DIED), %d protected"
                + " sections, %d overlaps, %d stale writes rejected%n", grants, takeovers, work, overlaps, stale);
        assertThat(kills).as("kills within %d s", KILL_PHASE_SECONDS).isGreaterThanOrEqualTo(MIN_KILLS);
        if (TestRedis.embedded()) {
            assertThat(restarts).as("server restarts").isEqualTo(1);
        }
        assertThat(confirmed).as("puts returned").isNotEmpty();
        assertThat(lost).as("puts that returned and were never settled").isZero();
        assertThat(drain.unfinishedTasks()).as("unfinished tasks after the drain").isZero();
        assertThat(grants).as("lock grants").isPositive();
        assertThat(overlaps).as("lock holders that overlapped").isZero();
        assertThat(stale).as("stale writes (no holder was paused)").isZero();
    }

    @Test
    void holderStoppedPastItsLease_isToldOnResume_andItsStaleWritesAreRejected() throws Exception {
        String name = TestRedis.unique("paused");
        RedisCommands<String, String> raw = rawConnection.sync();
        try (Child holder = Child.start("pauser", name, "pauser", null)) {
            holder.expect("READY", 60);
            long token = Long.parseLong(holder.expect("HELD ", 30).substring(5));
            holder.expect("WRITE accepted", 30);
            holder.signal("STOP");
            RedisLock lock = redis.lock(name);
            assertThat(lock.tryAcquireForResult(Duration.ofSeconds(30))).isEqualTo(LockResult.OWNER_DIED);
            RedisLock.Lease mine = lock.currentLease();
            assertThat(mine).isNotNull();
            assertThat(mine.fencingToken()).isGreaterThan(token);
            long accepted = raw.eval(ChaosChild.RESOURCE_ENTER, ScriptOutputType.INTEGER,
                    new String[] {name + ":max", name + ":stale"}, Long.toString(mine.fencingToken()));
            assertThat(accepted).isEqualTo(1);
            holder.signal("CONT");
            String lostLine = holder.expect("LOST ", 30);
            String lastWrite = holder.expect("WRITE ", 30);
            String release = holder.expect("RELEASE ", 30);
            System.out.printf("paused holder (token %d, lease 500 ms) after SIGCONT: %s / %s / %s%n",
                    token, lostLine, lastWrite, release);
            assertThat(lastWrite).isEqualTo("WRITE rejected");
            assertThat(release).startsWith("RELEASE IllegalMonitorStateException").contains("was lost");
            assertThat(parse(raw.get(name + ":stale"))).as("stale writes rejected").isPositive();
            assertThat(raw.get(name + ":max")).isEqualTo(Long.toString(mine.fencingToken()));
            assertThat(lock.isLocked()).as("the new holder still holds the lock").isTrue();
            lock.release();
        }
    }

    private static Child startChild(String role, String queueName, String lockName, int[] started,
            Set<String> confirmed) throws Exception {
        started[0]++;
        String label = role.charAt(0) + Integer.toString(started[0]);
        String name = role.equals("locker") ? lockName : queueName;
        return Child.start(role, name, label, line -> {
            if (line.startsWith("PUT ")) {
                confirmed.add(line.substring(4));
            }
        });
    }

    private static long parse(String v) {
        return v == null ? 0 : Long.parseLong(v);
    }
}
