package dev.weft.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.IpcFormatException;
import dev.weft.ipc.internal.HeaderDescriptor;
import dev.weft.ipc.testing.IpcTesting;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * In-process behaviour of a joinable queue created with
 * {@link QueueSpec.Acknowledgement#ON_TASK_DONE}: held messages, which message each
 * {@code taskDone} acknowledges, capacity, the mode in the file. Deaths are in
 * {@link CrossProcessAckTest}.
 */
@Timeout(60)
class IpcJoinableQueueAckTest {

    private Path dir;
    private IpcDomain domain;
    private IpcJoinableQueue q;

    static QueueSpec ackSpec(int capacity, int maxDeliveries) {
        return QueueSpec.builder().capacity(capacity).maxMessageSize(16)
                .acknowledgement(QueueSpec.Acknowledgement.ON_TASK_DONE).maxDeliveries(maxDeliveries).build();
    }

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("ack-test");
        domain = IpcTesting.open(dir);
        q = domain.joinableQueue("q", ackSpec(4, 0));
    }

    @AfterEach
    void close() throws Exception {
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Delivery<byte[]> d) {
        return new String(d.message(), StandardCharsets.UTF_8);
    }

    @Test
    void takeDelivery_firstDelivery_countsOneAndStaysUnfinishedUntilTaskDone() throws Exception {
        q.put(bytes("a"));
        Delivery<byte[]> d = q.takeDelivery();

        assertThat(text(d)).isEqualTo("a");
        assertThat(d.deliveryCount()).isEqualTo(1);
        assertThat(d.isRedelivery()).isFalse();
        assertThat(d.isDone()).isFalse();
        assertThat(q.acknowledgement()).isEqualTo(QueueSpec.Acknowledgement.ON_TASK_DONE);
        assertThat(q.heldMessages()).isEqualTo(1);
        assertThat(q.unfinishedTasks()).isEqualTo(1);
        assertThat(q.join(Duration.ZERO)).isFalse();
        assertThat(q.poll()).as("a held message is not delivered again").isNull();

        q.taskDone(d);
        assertThat(d.isDone()).isTrue();
        assertThat(q.heldMessages()).isZero();
        assertThat(q.unfinishedTasks()).isZero();
        assertThat(q.join(Duration.ZERO)).isTrue();
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, 0, 0));
    }

    @Test
    void taskDoneWithDelivery_outOfOrder_acknowledgesThatMessage_andTaskDoneTakesTheOldestLeft() throws Exception {
        q.put(bytes("a"));
        q.put(bytes("b"));
        q.put(bytes("c"));
        Delivery<byte[]> a = q.takeDelivery();
        Delivery<byte[]> b = q.takeDelivery();
        Delivery<byte[]> c = q.takeDelivery();

        q.taskDone(b);
        assertThat(b.isDone()).isTrue();
        assertThat(a.isDone()).isFalse();
        assertThat(c.isDone()).isFalse();
        assertThat(q.heldMessages()).isEqualTo(2);

        q.taskDone(); // the oldest unacknowledged: a
        assertThat(a.isDone()).isTrue();
        assertThat(c.isDone()).isFalse();

        q.taskDone(c);
        assertThat(q.heldMessages()).isZero();
        assertThat(q.join(Duration.ZERO)).isTrue();
    }

    @Test
    void taskDone_plainTakeThenTaskDone_acknowledgesInTakeOrder() throws Exception {
        q.put(bytes("a"));
        q.put(bytes("b"));
        assertThat(new String(q.get(), StandardCharsets.UTF_8)).isEqualTo("a");
        Delivery<byte[]> b = q.takeDelivery();

        q.taskDone();
        assertThat(b.isDone()).as("taskDone() acknowledged a, the older one").isFalse();
        q.taskDone();
        assertThat(b.isDone()).isTrue();
    }

    @Test
    void taskDone_sameDeliveryTwice_throwsAndChangesNothing() throws Exception {
        q.put(bytes("a"));
        q.put(bytes("b"));
        Delivery<byte[]> a = q.takeDelivery();
        q.takeDelivery();
        q.taskDone(a);

        assertThatThrownBy(() -> q.taskDone(a)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already acknowledged");
        assertThat(q.heldMessages()).isEqualTo(1);
    }

    @Test
    void taskDone_nothingHeld_throwsNamingTheMode() {
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ON_TASK_DONE").hasMessageContaining("0 are held");
    }

    @Test
    void taskDone_deliveryOfAnotherQueue_isRejected() throws Exception {
        IpcJoinableQueue other = domain.joinableQueue("other", ackSpec(4, 0));
        other.put(bytes("x"));
        Delivery<byte[]> foreign = other.takeDelivery();

        assertThatThrownBy(() -> q.taskDone(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was not taken from queue 'q'");
        assertThat(foreign.isDone()).isFalse();
        other.taskDone(foreign);
    }

    @Test
    void heldMessages_countAgainstCapacity_untilAcknowledged() throws Exception {
        for (int i = 0; i < 4; i++) {
            q.put(bytes("m" + i));
        }
        Delivery<byte[]> oldest = q.takeDelivery();
        assertThat(q.offer(bytes("x"))).as("the oldest held message keeps its slot").isFalse();

        CompletableFuture<Void> put = CompletableFuture.runAsync(() -> {
            try {
                q.put(bytes("x"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        q.taskDone(oldest);
        put.get(10, TimeUnit.SECONDS); // woken by the acknowledgement
        assertThat(q.unfinishedTasks()).isEqualTo(4);
    }

    @Test
    void onTakeQueue_deliveryApi_countsOneAndMarksDoneOnce() throws Exception {
        IpcJoinableQueue plain = domain.joinableQueue("ontake", 4, 16);
        plain.put(bytes("a"));
        Delivery<byte[]> d = plain.takeDelivery();

        assertThat(plain.acknowledgement()).isEqualTo(QueueSpec.Acknowledgement.ON_TAKE);
        assertThat(d.deliveryCount()).isEqualTo(1);
        assertThat(plain.heldMessages()).isZero();
        plain.taskDone(d);
        assertThat(d.isDone()).isTrue();
        assertThatThrownBy(() -> plain.taskDone(d)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already marked done");
        assertThat(plain.join(Duration.ZERO)).isTrue();
    }

    @Test
    void reopen_withOtherAcknowledgement_failsNamingExpectedAndActual() {
        assertThatThrownBy(() -> domain.joinableQueue("q", 4, 16)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining("acknowledgement expected ON_TAKE but was ON_TASK_DONE");
        assertThatThrownBy(() -> domain.joinableQueue("q", ackSpec(4, 3))).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining("maxDeliveries expected 3 but was 0");
    }

    @Test
    void plainQueue_withAckOnTaskDone_isRejected() {
        assertThatThrownBy(() -> domain.queue("p", ackSpec(4, 0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ON_TASK_DONE needs a joinable queue");
    }

    @Test
    void spec_ackWithoutRedelivery_orLimitWithoutAck_isRejected() {
        assertThatThrownBy(() -> QueueSpec.builder().capacity(4).maxMessageSize(16).redeliverOnConsumerDeath(false)
                .acknowledgement(QueueSpec.Acknowledgement.ON_TASK_DONE).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redeliverOnConsumerDeath expected true but was false");
        assertThatThrownBy(() -> QueueSpec.builder().capacity(4).maxMessageSize(16).maxDeliveries(2).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("maxDeliveries applies to acknowledgement ON_TASK_DONE only");
        assertThatThrownBy(() -> QueueSpec.builder().maxDeliveries(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was -1");
    }

    @Test
    void queueFile_ofLayoutVersionOne_isRejectedNamingBothVersions() throws Exception {
        domain.joinableQueue("v", 4, 16);
        Path copy = dir.resolve("queue.w");
        Files.copy(dir.resolve("queue.v"), copy);
        patchInt(copy, HeaderDescriptor.VERSION_OFFSET, 1 << 16);

        assertThatThrownBy(() -> domain.joinableQueue("w", 4, 16)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining("layout version expected 2.x but was 1.0")
                .hasMessageContaining("older Weft version");
    }

    private static void patchInt(Path file, int offset, int value) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value);
            ch.write(b, offset);
        }
    }
}
