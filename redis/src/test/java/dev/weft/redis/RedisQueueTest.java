package dev.weft.redis;

import static dev.weft.testlib.Threads.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.queue.QueueShutDownException;
import dev.weft.redis.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the Redis queue adds to the contract: redelivery of a dead consumer's element, delivery
 * counts, dead letters, join and shutdown across clients, durability across a server restart.
 */
@ExtendWith(TestRedis.class)
@Timeout(120)
class RedisQueueTest {

    private static RedisWeft a;
    private static RedisWeft b;

    @BeforeAll
    static void connect() {
        a = RedisWeft.connect(TestRedis.uri());
        b = RedisWeft.connect(TestRedis.uri());
    }

    @AfterAll
    static void disconnect() {
        a.close();
        b.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Puts {@code element} through {@code queue} and gets it through a handle of client b that
     * then closes without marking it done, as a killed consumer.
     */
    private static RedisQueue.Delivery putAndAbandon(RedisQueue queue, String element) throws InterruptedException {
        queue.put(bytes(element));
        RedisQueue dying = b.queue(queue.name(), queue.settings());
        RedisQueue.Delivery d = dying.getDelivery();
        dying.close();
        return d;
    }

    @Test
    void elementOfAConsumerThatDied_isRedeliveredToAnother_withItsDeliveryCount() throws Exception {
        String name = TestRedis.unique("redeliver");
        RedisQueue.Settings settings = RedisQueue.Settings.of(8).withRedeliverAfter(Duration.ofMillis(200));
        RedisQueue producer = a.queue(name, settings);
        RedisQueue.Delivery first = putAndAbandon(producer, "job");
        assertThat(first.deliveryCount()).isEqualTo(1);
        RedisQueue survivor = b.queue(name, settings);
        RedisQueue.Delivery again = survivor.pollDelivery(Duration.ofSeconds(20));
        assertThat(again).isNotNull();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(string(again.payload())).isEqualTo("job");
        assertThat(again.deliveryCount()).isEqualTo(2);
        assertThat(producer.unfinishedTasks()).isEqualTo(1);
        survivor.taskDone(again);
        assertThat(producer.join(Duration.ofSeconds(10))).isTrue();
        assertThatThrownBy(() -> survivor.taskDone(again)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void overdueElement_isRedelivered_evenWhileNewElementsKeepComing() throws Exception {
        String name = TestRedis.unique("starve");
        RedisQueue.Settings settings = RedisQueue.Settings.of(8).withRedeliverAfter(Duration.ofMillis(100));
        RedisQueue producer = a.queue(name, settings);
        RedisQueue.Delivery first = putAndAbandon(producer, "stale");
        RedisQueue survivor = b.queue(name, settings);
        // Every get finds a new element waiting, so only the periodic look for overdue elements
        // (not the look when nothing new is waiting) can hand the stale one over.
        RedisQueue.Delivery again = null;
        int fresh = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (again == null && System.nanoTime() < deadline) {
            producer.put(bytes("fresh-" + fresh));
            RedisQueue.Delivery d = survivor.getDelivery();
            survivor.taskDone(d);
            if (d.id().equals(first.id())) {
                again = d;
            } else {
                assertThat(string(d.payload())).isEqualTo("fresh-" + fresh++);
            }
        }
        assertThat(again).as("the stale element, redelivered while new ones kept coming").isNotNull();
        assertThat(again.deliveryCount()).isEqualTo(2);
        assertThat(string(again.payload())).isEqualTo("stale");
    }

    @Test
    void putSentAgain_withTheSameId_addsItsElementOnce() throws Exception {
        String name = TestRedis.unique("resend");
        RedisQueue q = a.queue(name, 8);
        byte[] marker = RedisWeft.bytes("weft:queue:{" + name + "}:put:test-1");
        // Two sendings of one put, as after a reconnect that lost the first reply; then another put.
        assertThat(q.putOnce(bytes("once"), marker).get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(q.putOnce(bytes("once"), marker).get(10, TimeUnit.SECONDS)).isTrue();
        q.put(bytes("next"));
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.unfinishedTasks()).isEqualTo(2);
        assertThat(string(q.get())).isEqualTo("once");
        assertThat(string(q.get())).isEqualTo("next");
        assertThat(q.poll()).isNull();
    }

    @Test
    void elementDeliveredTooOften_goesToTheDeadLetterStream_andCountsAsFinished() throws Exception {
        String name = TestRedis.unique("poison");
        RedisQueue.Settings settings = RedisQueue.Settings.of(8).withRedeliverAfter(Duration.ofMillis(50))
                .withMaxDeliveries(2);
        RedisQueue q = a.queue(name, settings);
        q.put(bytes("poison"));
        for (int delivery = 1; delivery <= 2; delivery++) {
            RedisQueue consumer = b.queue(name, settings);
            RedisQueue.Delivery d = consumer.pollDelivery(Duration.ofSeconds(20));
            assertThat(d).isNotNull();
            assertThat(d.deliveryCount()).isEqualTo(delivery);
            consumer.close();   // crashes every time
        }
        assertThat(q.unfinishedTasks()).as("not finished before it is dead-lettered").isEqualTo(1);
        RedisQueue last = b.queue(name, settings);
        // The next get finds the element overdue for a third delivery and dead-letters it instead.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (q.deadLetterCount() == 0 && System.nanoTime() < deadline) {
            assertThat(last.poll(Duration.ofMillis(100))).isNull();
        }
        assertThat(q.deadLetterCount()).isEqualTo(1);
        assertThat(q.unfinishedTasks()).isZero();
        assertThat(q.join(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void joinInOneClient_waitsForTheTasksOfAnother() throws Exception {
        String name = TestRedis.unique("join");
        RedisQueue producer = a.queue(name, 16);
        for (int i = 0; i < 5; i++) {
            producer.put(bytes("t" + i));
        }
        CompletableFuture<?> joined = producer.joinAsync();
        RedisQueue consumer = b.queue(name, 16);
        for (int i = 0; i < 5; i++) {
            assertThat(string(consumer.get())).isEqualTo("t" + i);
        }
        for (int i = 0; i < 4; i++) {
            consumer.taskDone();
        }
        assertThat(producer.unfinishedTasks()).isEqualTo(1);
        assertThat(joined).isNotDone();
        consumer.taskDone();
        joined.get(10, TimeUnit.SECONDS);
    }

    @Test
    void immediateShutdownByOneClient_failsTheBlockedGetterOfAnother() throws Exception {
        String name = TestRedis.unique("shutdown");
        RedisQueue getter = b.queue(name, 4);
        CompletableFuture<byte[]> pending = getter.getAsync();
        RedisQueue q = a.queue(name, 4);
        q.shutdown(true);
        assertThat(failureOf(pending)).isInstanceOf(QueueShutDownException.class);
        assertThat(getter.isShutdown()).isTrue();
        assertThatThrownBy(() -> getter.put(bytes("x"))).isInstanceOf(QueueShutDownException.class);
    }

    @Test
    void secondHandleWithAnotherCapacity_isRejectedNamingBoth() {
        String name = TestRedis.unique("capacity");
        a.queue(name, 4);
        assertThatThrownBy(() -> b.queue(name, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity 4").hasMessageContaining("capacity 8");
        assertThatThrownBy(() -> RedisQueue.Settings.of(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
    }

    @Test
    void serverKilledAndRestarted_withAppendfsyncAlways_keepsEveryElementWhosePutReturned() throws Exception {
        if (!TestRedis.embedded()) {
            return;   // an external server is not restarted by the tests
        }
        String name = TestRedis.unique("durable");
        RedisQueue q = a.queue(name, 1000);
        for (int i = 0; i < 200; i++) {
            q.put(bytes("m" + i));
        }
        TestRedis.restart();
        Set<String> got = new HashSet<>();
        RedisQueue consumer = b.queue(name, 1000);
        for (int i = 0; i < 200; i++) {
            byte[] e = consumer.poll(Duration.ofSeconds(30));
            assertThat(e).as("element %s after the restart", i).isNotNull();
            assertThat(got.add(string(e))).isTrue();
            consumer.taskDone();
        }
        assertThat(got).hasSize(200);
        assertThat(q.join(Duration.ofSeconds(10))).isTrue();
    }
}
