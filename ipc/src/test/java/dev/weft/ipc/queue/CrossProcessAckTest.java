package dev.weft.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.internal.MappedJoinableQueue;
import dev.weft.ipc.testing.Child;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.ipc.testing.QueueMessages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kill points of acknowledgement {@link QueueSpec.Acknowledgement#ON_TASK_DONE}, with real child
 * JVMs killed ({@code SIGKILL}) at each step a consumer goes through from its take to its
 * {@code taskDone}: every message is, in the end, acknowledged exactly once or dead-lettered, and
 * delivered again only after a consumer died holding it (its delivery count then says so).
 *
 * <p>Windows, in the order a consumer meets them (see {@code QueueRing}, Acknowledgement):
 * <pre>
 *   claim (queue.get.claimed) - copy (queue.get.midCopy) - count raised (queue.ack.counted)
 *   - take returned, held - taskDone entered (queue.ack.before) - slot freed (queue.ack.freed)
 * </pre>
 * The parent recovers by running a janitor pass itself once the child is reaped (its liveness
 * lock is gone then), so the tests need no waiting.
 */
@Timeout(180)
class CrossProcessAckTest {

    private Path dir;
    private IpcDomain domain;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("xack");
        domain = IpcTesting.open(dir);
    }

    @AfterEach
    void close() throws Exception {
        for (Child c : children) {
            c.close();
        }
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }

    private Child child(String label, String crashPoints, String... commands) throws Exception {
        Child c = Child.start(label, dir, crashPoints, commands);
        children.add(c);
        return c;
    }

    private MappedJoinableQueue openQueue(int maxDeliveries) throws Exception {
        QueueSpec spec = QueueSpec.builder().capacity(8).maxMessageSize(64)
                .acknowledgement(QueueSpec.Acknowledgement.ON_TASK_DONE).maxDeliveries(maxDeliveries).build();
        return (MappedJoinableQueue) ((MappedDomain) domain).queueImpl("Q", spec, true);
    }

    private static String qopen(int maxDeliveries) {
        return "qopen Q 8 64 ack " + maxDeliveries;
    }

    private static long id(int producer, int seq) {
        return ((long) producer << 32) | seq;
    }

    /**
     * Recovers what the (reaped) dead children held: one janitor pass in this thread (this
     * process's janitor thread may have done it already; passes are idempotent).
     */
    private static void recover(MappedJoinableQueue q) {
        q.ring().janitorPass();
    }

    private static Delivery<byte[]> take(MappedJoinableQueue q) throws InterruptedException {
        Delivery<byte[]> d = q.pollDelivery(Duration.ofSeconds(30));
        assertThat(d).as("a delivery within 30 s").isNotNull();
        return d;
    }

    /** A consumer killed while stopped at {@code point}; the parent then gets the message back. */
    private void consumerKilledAt(String point, String... commandsBeforePoint) throws Exception {
        MappedJoinableQueue q = openQueue(0);
        q.put(QueueMessages.encode(1, 7, 64));
        Child consumer = child("consumer", point + ":stop", qopen(0));
        consumer.expectPrefix("OPENED");
        for (String command : commandsBeforePoint) {
            consumer.send(command);
        }
        for (String line = consumer.nextLine(); !line.equals("POINT " + point); line = consumer.nextLine()) {
            assertThat(line).as("the answer of a command before the point").isEqualTo("GOTD 1 7 1");
        }
        consumer.kill();
        recover(q);

        Delivery<byte[]> d = take(q);
        assertThat(QueueMessages.verify(d.message())).isEqualTo(id(1, 7));
        assertThat(q.stats().redeliveries()).isEqualTo(1);
        q.taskDone(d);
        assertThat(q.join(Duration.ZERO)).isTrue();
        assertThat(q.pollDelivery()).as("delivered once more, not twice").isNull();
        assertThat(q.stats().abandonedTasks()).isZero();
        assertThat(q.stats().deadLettered()).isZero();
    }

    @Test
    void a1_consumerKilledDuringTakeBeforeItsCountWasRaised_redeliveredAsFirstDelivery() throws Exception {
        MappedJoinableQueue q = openQueue(0);
        q.put(QueueMessages.encode(1, 7, 64));
        Child consumer = child("consumer", "queue.get.midCopy:stop", qopen(0));
        consumer.expectPrefix("OPENED");
        consumer.send("qtaked Q");
        consumer.expectPoint("queue.get.midCopy");
        consumer.kill();
        recover(q);

        Delivery<byte[]> d = take(q);
        assertThat(d.deliveryCount()).as("the dead take never counted").isEqualTo(1);
        q.taskDone(d);
        assertThat(q.join(Duration.ZERO)).isTrue();
        assertThat(q.stats().redeliveries()).isEqualTo(1);
    }

    @Test
    void a2_consumerKilledAfterItsCountWasRaisedBeforeTakeReturned_redeliveredWithCountTwo() throws Exception {
        consumerKilledAt("queue.ack.counted", "qtaked Q");
    }

    @Test
    void a3_consumerKilledHoldingTheMessage_redeliveredWithCountTwo() throws Exception {
        MappedJoinableQueue q = openQueue(0);
        q.put(QueueMessages.encode(1, 7, 64));
        Child consumer = child("consumer", "", qopen(0));
        consumer.expectPrefix("OPENED");
        assertThat(consumer.call("qtaked Q")).isEqualTo("GOTD 1 7 1");
        assertThat(q.unfinishedTasks()).isEqualTo(1);
        consumer.kill();
        recover(q);

        Delivery<byte[]> d = take(q);
        assertThat(d.deliveryCount()).isEqualTo(2);
        assertThat(d.isRedelivery()).isTrue();
        q.taskDone(d);
        assertThat(q.join(Duration.ZERO)).isTrue();
        assertThat(q.stats().redeliveries()).isEqualTo(1);
        assertThat(q.stats().abandonedTasks()).isZero();
    }

    @Test
    void a4_consumerKilledInTaskDoneBeforeTheAck_redeliveredWithCountTwo() throws Exception {
        consumerKilledAt("queue.ack.before", "qtaked Q", "qtaskdone Q");
    }

    @Test
    void a5_consumerKilledRightAfterTheAck_messageIsGoneForGood() throws Exception {
        MappedJoinableQueue q = openQueue(0);
        q.put(QueueMessages.encode(1, 7, 64));
        Child consumer = child("consumer", "queue.ack.freed:stop", qopen(0));
        consumer.expectPrefix("OPENED");
        assertThat(consumer.call("qtaked Q")).isEqualTo("GOTD 1 7 1");
        consumer.send("qtaskdone Q");
        consumer.expectPoint("queue.ack.freed");
        consumer.kill();
        q.ring().janitorPass();

        assertThat(q.pollDelivery()).isNull();
        assertThat(q.join(Duration.ZERO)).isTrue();
        assertThat(q.stats().redeliveries()).isZero();
    }

    @Test
    void a6_consumerClosesItsDomainHoldingTheMessage_redeliveredWithCountTwo() throws Exception {
        MappedJoinableQueue q = openQueue(0);
        q.put(QueueMessages.encode(1, 7, 64));
        Child consumer = child("consumer", "", qopen(0));
        consumer.expectPrefix("OPENED");
        assertThat(consumer.call("qtaked Q")).isEqualTo("GOTD 1 7 1");
        consumer.send("exit");
        consumer.process().waitFor();

        Delivery<byte[]> d = take(q); // found by this process's janitor thread within a slice or two
        assertThat(d.deliveryCount()).isEqualTo(2);
        q.taskDone(d);
        assertThat(q.join(Duration.ZERO)).isTrue();
    }

    @Test
    void a7_messageWhoseConsumersDieAtTheDeliveryLimit_isDeadLettered() throws Exception {
        MappedJoinableQueue q = openQueue(2);
        q.put(QueueMessages.encode(1, 7, 64));
        q.put(QueueMessages.encode(1, 8, 64));
        Child first = child("first", "", qopen(2));
        first.expectPrefix("OPENED");
        assertThat(first.call("qtaked Q")).isEqualTo("GOTD 1 7 1");
        first.kill();
        recover(q);
        Delivery<byte[]> healthy = take(q);
        assertThat(QueueMessages.verify(healthy.message())).isEqualTo(id(1, 8));
        q.taskDone(healthy);

        Child second = child("second", "", qopen(2));
        second.expectPrefix("OPENED");
        assertThat(second.call("qtaked Q")).isEqualTo("GOTD 1 7 2");
        second.kill();
        recover(q);

        assertThat(q.pollDelivery()).as("dead-lettered, not delivered a third time").isNull();
        QueueStats stats = q.stats();
        assertThat(stats.deadLettered()).isEqualTo(1);
        assertThat(stats.redeliveries()).isEqualTo(1);
        assertThat(q.join(Duration.ZERO)).isTrue();
        q.put(QueueMessages.encode(1, 9, 64));
        assertThat(QueueMessages.verify(take(q).message())).as("the ring goes on").isEqualTo(id(1, 9));
    }

    @Test
    void a8_recovererKilledAfterTakingOverAHeldSlot_messageRedeliveredExactlyOnce() throws Exception {
        Child consumer = child("consumer", "", qopen(0));
        consumer.expectPrefix("OPENED");
        assertThat(consumer.call("qput Q 1 7 64")).isEqualTo("PUT 1 7");
        assertThat(consumer.call("qtaked Q")).isEqualTo("GOTD 1 7 1");
        // Only the recoverer has the queue open (so only its janitor recovers); it stops right
        // after its takeover CAS and dies there.
        Child recoverer = child("recoverer", "queue.recover.takenOver:stop", qopen(0));
        recoverer.expectPrefix("OPENED");
        consumer.kill();
        recoverer.expectPoint("queue.recover.takenOver");
        recoverer.kill();
        MappedJoinableQueue q = openQueue(0);
        recover(q);

        Delivery<byte[]> d = take(q);
        assertThat(QueueMessages.verify(d.message())).isEqualTo(id(1, 7));
        assertThat(d.deliveryCount()).isEqualTo(2);
        q.taskDone(d);
        assertThat(q.pollDelivery()).isNull();
        assertThat(q.join(Duration.ZERO)).isTrue();
        assertThat(q.stats().redeliveries()).isEqualTo(1);
    }
}
