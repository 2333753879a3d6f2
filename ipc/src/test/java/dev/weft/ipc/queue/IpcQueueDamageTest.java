package dev.weft.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ipc.IpcDamagedException;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.internal.MappedQueue;
import dev.weft.ipc.internal.QueueDescriptor;
import dev.weft.ipc.internal.QueueRing;
import dev.weft.ipc.internal.RegistryDescriptor;
import dev.weft.ipc.testing.IpcTesting;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A queue file whose body was damaged (by a stray write, a buggy or hostile process, a disk
 * error): lengths, slot words and the head/tail hints read from shared memory are validated before
 * use. The damage is written through a {@link FileChannel} at the offsets of {@link QueueDescriptor},
 * as another process would.
 */
@Timeout(60)
class IpcQueueDamageTest {

    private static final int CAPACITY = 8;
    private static final int MAX = 8;

    private Path dir;
    private IpcDomain domain;

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("queue-damage-test");
        domain = IpcTesting.open(dir);
    }

    @AfterEach
    void close() throws Exception {
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private MappedQueue queue(String name, int capacity) throws IOException {
        return ((MappedDomain) domain).queueImpl(name, QueueSpec.of(capacity, MAX), false);
    }

    private MappedQueue queue(String name) throws IOException {
        return queue(name, CAPACITY);
    }

    private static int slotOffset(int index) {
        return QueueDescriptor.slotsOffset(QueueDescriptor.DEFAULT_RECORDS) + index * QueueDescriptor.stride(MAX);
    }

    private void writeInt(String name, int offset, int value) throws IOException {
        write(name, offset, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value));
    }

    private void writeLong(String name, int offset, long value) throws IOException {
        write(name, offset, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, value));
    }

    private void write(String name, int offset, ByteBuffer bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve("queue." + name), StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                ch.write(bytes, offset + bytes.position());
            }
        }
    }

    private void writeLength(String name, int index, int length) throws IOException {
        writeInt(name, slotOffset(index) + QueueDescriptor.SLOT_LENGTH, length);
    }

    // ---- lengths -----------------------------------------------------------------------------

    @Test
    void take_lengthLongerThanTheSlot_neverReturnsTheNextSlotsBytes() throws Exception {
        IpcQueue q = queue("q");
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        writeLength("q", 0, QueueDescriptor.stride(MAX) + 2); // would read m1's slot word and length
        assertThat(string(q.get())).isEqualTo("m1");
        assertThat(q.poll()).isNull();
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, 1));
    }

    @Test
    void take_lengthAboveMaxMessageSizeButInsideTheSlot_isNotDelivered() throws Exception {
        IpcQueue q = queue("q");
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        writeLength("q", 0, MAX + 1); // the stride leaves room: old code returned 9 bytes
        assertThat(string(q.get())).isEqualTo("m1");
        assertThat(q.stats().quarantined()).isEqualTo(1);
    }

    @Test
    void take_negativeLength_isSkipped_andTheRingIsNotWedged() throws Exception {
        IpcQueue q = queue("q");
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        writeLength("q", 0, -5);
        assertThat(string(q.get())).isEqualTo("m1");
        for (int i = 0; i < 3 * CAPACITY; i++) { // several laps over the damaged slot
            q.put(bytes("n" + i));
            assertThat(string(q.get())).isEqualTo("n" + i);
        }
        assertThat(q.poll()).isNull();
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, 1));
    }

    @Test
    void take_hugeLength_noOutOfMemory_andLaterMessagesDelivered() throws Exception {
        IpcQueue q = queue("q");
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        q.put(bytes("m2"));
        writeLength("q", 0, Integer.MAX_VALUE);
        writeLength("q", 1, 1 << 30);
        assertThat(string(q.get())).isEqualTo("m2");
        q.put(bytes("m3"));
        assertThat(string(q.get())).isEqualTo("m3");
        assertThat(q.stats().quarantined()).isEqualTo(2);
    }

    @Test
    void takeIntoBuffer_damagedLength_isSkipped_bufferUntouched() throws Exception {
        IpcQueue q = queue("q");
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        writeLength("q", 0, 1 << 30);
        ByteBuffer dst = ByteBuffer.allocate(MAX);
        assertThat(q.get(dst)).isEqualTo(2);
        assertThat(dst.position()).isEqualTo(2);
        assertThat(string(Arrays.copyOf(dst.array(), 2))).isEqualTo("m1");
        q.put(bytes("m2"));
        dst.clear();
        assertThat(q.get(dst)).isEqualTo(2);
        assertThat(q.stats().quarantined()).isEqualTo(1);
    }

    @Test
    void lengthDamagedWhileAConsumerHoldsTheSlot_takeFails_slotQuarantinedNotPutBack() throws Exception {
        MappedQueue q = queue("q");
        QueueRing ring = q.ring();
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        long pos = ring.claimTake(true, 0L, () -> { });
        assertThat(pos).isZero();
        writeLength("q", 0, -3);
        assertThatThrownBy(() -> ring.copyOut(pos)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("changed to -3");
        ring.returnClaimed(pos); // what MappedQueue does when the copy fails
        assertThat(string(q.get())).isEqualTo("m1");
        assertThat(q.poll()).isNull();
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, 1));
    }

    @Test
    void deadConsumersMessage_withDamagedLength_isNotPutBack() throws Exception {
        MappedQueue q = queue("q");
        QueueRing ring = q.ring();
        int dead = RegistryDescriptor.token(1000, 1); // registry entry 1000 is FREE: a dead token
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        // A consumer claimed position 0, advanced the head and died; the slot's length is damaged.
        writeLong("q", slotOffset(0), QueueDescriptor.slotWord(0, QueueDescriptor.READING, dead));
        writeLong("q", QueueDescriptor.HEAD_OFFSET, 1);
        writeLength("q", 0, -1000);
        assertThat(ring.sweep(dead)).isTrue();
        assertThat(string(q.get())).isEqualTo("m1");
        assertThat(q.poll()).as("the damaged message is not delivered again").isNull();
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, 1));
        q.put(bytes("m2"));
        assertThat(string(q.get())).isEqualTo("m2");
    }

    @Test
    void deadConsumersMessage_withDamagedLength_onDropPolicyQueue_isQuarantinedNotDiscarded() throws Exception {
        MappedQueue q = ((MappedDomain) domain).queueImpl("d",
                QueueSpec.builder().capacity(CAPACITY).maxMessageSize(MAX).redeliverOnConsumerDeath(false).build(), false);
        int dead = RegistryDescriptor.token(1000, 1);
        q.put(bytes("m0"));
        writeLong("d", slotOffset(0), QueueDescriptor.slotWord(0, QueueDescriptor.READING, dead));
        writeLong("d", QueueDescriptor.HEAD_OFFSET, 1);
        writeLength("d", 0, MAX + 100);
        assertThat(q.ring().sweep(dead)).isTrue();
        assertThat(q.poll()).isNull();
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, 1));
    }

    @Test
    void joinableQueue_damagedMessage_isNotAnUnfinishedTask() throws Exception {
        IpcJoinableQueue q = domain.joinableQueue("j", CAPACITY, MAX);
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        assertThat(q.unfinishedTasks()).isEqualTo(2);
        writeLength("j", 0, -7);
        assertThat(q.unfinishedTasks()).as("a damaged slot is never delivered, so never a task").isEqualTo(1);
        assertThat(string(q.get())).isEqualTo("m1");
        q.taskDone();
        assertThat(q.join(Duration.ofSeconds(10))).isTrue();
        assertThat(q.stats().quarantined()).isEqualTo(1);
    }

    // ---- slot words --------------------------------------------------------------------------

    @Test
    void take_committedSlotCarryingAToken_isNotDelivered() throws Exception {
        IpcQueue q = queue("q");
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        // FULL words never carry a token: this one was damaged.
        writeLong("q", slotOffset(0), QueueDescriptor.slotWord(0, QueueDescriptor.FULL, 0x1234));
        assertThat(string(q.get())).isEqualTo("m1");
        assertThat(q.poll()).isNull();
        assertThat(q.stats().quarantined()).isEqualTo(1);
    }

    @Test
    void put_freeSlotCarryingAToken_isWrittenNormally_notSkipped() throws Exception {
        IpcQueue q = queue("q");
        writeLong("q", slotOffset(0), QueueDescriptor.slotWord(0, QueueDescriptor.FREE, 0x1234));
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        byte[] m = q.poll(Duration.ofSeconds(10));
        assertThat(m).as("m0 was put at position 0, not past it").isNotNull();
        assertThat(string(m)).isEqualTo("m0");
        assertThat(string(q.get())).isEqualTo("m1");
        assertThat(q.stats().quarantined()).isZero();
    }

    // ---- head and tail hints -----------------------------------------------------------------

    @Test
    void headHintLapsAhead_messagesStillDeliveredInOrder() throws Exception {
        IpcQueue q = queue("q");
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        writeLong("q", QueueDescriptor.HEAD_OFFSET, 5L * CAPACITY + 1);
        assertThat(q.poll()).isNotNull().satisfies(m -> assertThat(string(m)).isEqualTo("m0"));
        assertThat(string(q.get())).isEqualTo("m1");
        assertThat(q.poll()).isNull();
        q.put(bytes("m2"));
        assertThat(string(q.get())).isEqualTo("m2");
        assertThat(q.stats()).as("a repaired hint loses nothing").isEqualTo(new QueueStats(0, 0, 0, 0, 0));
    }

    @Test
    void tailHintLapsAhead_queueIsNotFullForever() throws Exception {
        IpcQueue q = queue("q");
        q.put(bytes("m0"));
        writeLong("q", QueueDescriptor.TAIL_OFFSET, 5L * CAPACITY + 1);
        assertThat(q.offer(bytes("m1"))).as("the queue holds one message: not full").isTrue();
        assertThat(string(q.get())).isEqualTo("m0");
        assertThat(string(q.get())).isEqualTo("m1");
        for (int i = 0; i < CAPACITY; i++) {
            assertThat(q.offer(bytes("f" + i))).isTrue();
        }
        assertThat(q.offer(bytes("x"))).isFalse();
        for (int i = 0; i < CAPACITY; i++) {
            assertThat(string(q.get())).isEqualTo("f" + i);
        }
    }

    @Test
    @Timeout(20)
    void hintsFarBehind_putsAndTakesDoNotCrawlThroughEveryPosition() throws Exception {
        IpcQueue q = queue("q");
        q.put(bytes("m0"));
        long behind = (1L << 30) * CAPACITY; // a billion laps: one CAS per position would take hours
        writeLong("q", QueueDescriptor.TAIL_OFFSET, 1 - behind);
        writeLong("q", QueueDescriptor.HEAD_OFFSET, 0 - behind);
        q.put(bytes("m1"));
        assertThat(string(q.get())).isEqualTo("m0");
        assertThat(string(q.get())).isEqualTo("m1");
        assertThat(q.poll()).isNull();
    }

    @Test
    void headHintAheadOfTheTail_withinTheLap_messagesNotHidden() throws Exception {
        IpcQueue q = queue("q");
        q.put(bytes("m0"));
        q.put(bytes("m1"));
        writeLong("q", QueueDescriptor.HEAD_OFFSET, 4);
        assertThat(q.poll()).isNotNull().satisfies(m -> assertThat(string(m)).isEqualTo("m0"));
        assertThat(string(q.get())).isEqualTo("m1");
    }

    @Test
    void headHintAheadOverCommittedMessages_janitorMakesThemVisibleAgain() throws Exception {
        IpcQueue q = queue("q");
        for (int i = 0; i < 4; i++) {
            q.put(bytes("m" + i));
        }
        writeLong("q", QueueDescriptor.HEAD_OFFSET, 2); // hides m0 and m1 behind the head
        assertThat(string(q.get())).isEqualTo("m2");
        assertThat(string(q.get())).isEqualTo("m3");
        // Only a scan of the slots shows the hidden messages: the domain's janitor does it.
        byte[] m = q.poll(Duration.ofSeconds(10));
        assertThat(m).as("hidden messages reappear within a janitor slice").isNotNull();
        assertThat(string(m)).isEqualTo("m0");
        assertThat(string(q.get())).isEqualTo("m1");
        assertThat(q.poll()).isNull();
    }

    @Test
    void tailHintAheadWithinTheLap_messagePutPastTheGapIsDelivered() throws Exception {
        IpcQueue q = queue("q");
        q.put(bytes("m0"));
        writeLong("q", QueueDescriptor.TAIL_OFFSET, 3); // positions 1 and 2 are skipped by the next put
        q.put(bytes("m1"));
        assertThat(string(q.get())).isEqualTo("m0");
        byte[] m = q.poll(Duration.ofSeconds(10));
        assertThat(m).as("m1 is not stranded behind the gap").isNotNull();
        assertThat(string(m)).isEqualTo("m1");
        q.put(bytes("m2"));
        assertThat(string(q.get())).isEqualTo("m2");
        assertThat(q.poll()).isNull();
        assertThat(q.stats()).as("skip markers are not tombstones").isEqualTo(new QueueStats(0, 0, 0, 0, 0));
    }

    @Test
    void slotLapFarBehind_isQuarantinedByTheJanitor_ringNotWedged() throws Exception {
        MappedQueue q = queue("q");
        QueueRing ring = q.ring();
        for (int i = 0; i < 3 * CAPACITY; i++) { // the ring is at lap 3
            q.put(bytes("a" + i));
            q.get();
        }
        writeLong("q", slotOffset(5), QueueDescriptor.slotWord(3 - 100_000, QueueDescriptor.FULL, 0));
        ring.janitorPass(); // first sight of the outlier (the domain's janitor may have seen it already)
        ring.janitorPass(); // the same word a whole pass later: no live slot stays that far behind
        awaitQuarantined(q, 1);
        assertRingWorks(q, CAPACITY, 4);
    }

    @Test
    void slotLapSetBack_withinTheLapWindow_gapSkippedAtOnce_nothingLostOrReordered() throws Exception {
        MappedQueue q = queue("q");
        for (int i = 0; i < 3 * CAPACITY; i++) { // the ring is at lap 3
            q.put(bytes("a" + i));
            q.get();
        }
        writeLong("q", slotOffset(5), QueueDescriptor.slotWord(2, QueueDescriptor.FREE, 0)); // lap 3 -> 2
        for (int i = 0; i < CAPACITY; i++) { // no janitor pass needed: the put at slot 5 repairs it
            assertThat(q.offer(bytes("f" + i))).as("put %s", i).isTrue();
        }
        for (int i = 0; i < CAPACITY; i++) {
            assertThat(string(q.get())).isEqualTo("f" + i);
        }
        assertRingWorks(q, CAPACITY, 4);
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, 0));
    }

    @Test
    void slotLapSeveralLapsBehind_janitorThreadQuarantinesIt_blockedPutCompletes() throws Exception {
        MappedQueue q = queue("q");
        for (int i = 0; i < 3 * CAPACITY; i++) { // the ring is at lap 3
            q.put(bytes("a" + i));
            q.get();
        }
        writeLong("q", slotOffset(5), QueueDescriptor.slotWord(0, QueueDescriptor.FREE, 0));
        assertRingWorks(q, CAPACITY, 4); // the put at slot 5 waits for the domain's janitor (two passes)
        awaitQuarantined(q, 1);
    }

    @Test
    void slotLapFarAhead_isQuarantinedByTheJanitor_slotUsedAgain() throws Exception {
        MappedQueue q = queue("q");
        QueueRing ring = q.ring();
        writeLong("q", slotOffset(2), QueueDescriptor.slotWord(1 << 30, QueueDescriptor.FULL, 0));
        ring.janitorPass();
        ring.janitorPass();
        awaitQuarantined(q, 1);
        assertRingWorks(q, CAPACITY, 4);
        assertThat(QueueDescriptor.lap(ring.slotWordAt(2))).as("slot 2 is in use again").isBetween(1, 6);
    }

    @Test
    void slotLapFarOff_inARingOfTwo_theHintsBreakTheTie() throws Exception {
        MappedQueue q = queue("two", 2);
        QueueRing ring = q.ring();
        for (int i = 0; i < 6; i++) { // lap 3
            q.put(bytes("a" + i));
            q.get();
        }
        int slot1 = QueueDescriptor.slotsOffset(QueueDescriptor.DEFAULT_RECORDS) + QueueDescriptor.stride(MAX);
        writeLong("two", slot1, QueueDescriptor.slotWord(3 - 1000, QueueDescriptor.FREE, 0));
        ring.janitorPass();
        ring.janitorPass();
        awaitQuarantined(q, 1);
        assertRingWorks(q, 2, 4);
    }

    /**
     * Waits (10 s at most) for the quarantine count to reach {@code n}, then checks it is exactly
     * {@code n}: the domain's janitor thread may be the one that quarantined, and it counts just
     * after its CAS.
     */
    private static void awaitQuarantined(IpcQueue q, long n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (q.stats().quarantined() < n && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
        assertThat(q.stats().quarantined()).isEqualTo(n);
    }

    /**
     * Puts and takes one message at a time for {@code laps} laps (nothing lost, nothing out of
     * order, the ring never full or empty when it should not be), then fills the ring and drains it.
     */
    private static void assertRingWorks(IpcQueue q, int capacity, int laps) throws Exception {
        for (int i = 0; i < laps * capacity; i++) {
            assertThat(q.offer(bytes("s" + i), Duration.ofSeconds(10))).as("put %s", i).isTrue();
            byte[] m = q.poll(Duration.ofSeconds(10));
            assertThat(m).as("take %s", i).isNotNull();
            assertThat(string(m)).isEqualTo("s" + i);
        }
        assertThat(q.poll()).isNull();
        for (int i = 0; i < capacity; i++) {
            assertThat(q.offer(bytes("f" + i), Duration.ofSeconds(10))).as("fill %s", i).isTrue();
        }
        assertThat(q.offer(bytes("x"))).as("full at capacity").isFalse();
        for (int i = 0; i < capacity; i++) {
            assertThat(string(q.get())).isEqualTo("f" + i);
        }
        assertThat(q.poll()).isNull();
    }

    // ---- a mapping that faults ---------------------------------------------------------------

    @Test
    void truncatedQueueFile_itsQueueFailsClearly_otherQueuesKeepTheirCrashRecovery() throws Exception {
        MappedQueue bad = queue("bad");
        MappedQueue good = queue("good");
        bad.put(bytes("lost"));
        long length;
        Path badFile = dir.resolve("queue.bad");
        try (FileChannel ch = FileChannel.open(badFile, StandardOpenOption.WRITE)) {
            length = ch.size();
            ch.truncate(0); // every access to the mapping would now fault (SIGBUS)
        }
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (bad.ring().damage() == null) { // the janitor reaches it within a slice
                assertThat(System.nanoTime() - deadline).as("the janitor marked the queue damaged").isNegative();
                Thread.onSpinWait();
            }
            assertThat(bad.ring().damage()).isInstanceOf(IpcDamagedException.class); // found by the janitor's size check
            assertThatThrownBy(() -> bad.put(bytes("x"))).isInstanceOf(IpcDamagedException.class)
                    .hasMessageContaining("is damaged").hasMessageContaining("expected at least " + length)
                    .hasMessageContaining("has 0 bytes");
            assertThatThrownBy(bad::poll).isInstanceOf(IpcDamagedException.class);

            // A consumer of the healthy queue dies holding a message: the janitor still redelivers it.
            int dead = RegistryDescriptor.token(1000, 1);
            good.put(bytes("m0"));
            QueueRing ring = good.ring();
            ring.memory().setLongVolatile(QueueDescriptor.recordOffset(5), QueueDescriptor.record(dead, 0));
            ring.memory().setIntVolatile(QueueDescriptor.RECORDS_HIGH_WATER_OFFSET, 6);
            ring.memory().setLongVolatile(slotOffset(0), QueueDescriptor.slotWord(0, QueueDescriptor.READING, dead));
            ring.memory().setLongVolatile(QueueDescriptor.HEAD_OFFSET, 1);
            byte[] m = good.poll(Duration.ofSeconds(10));
            assertThat(m).as("redelivered by the janitor").isNotNull();
            assertThat(string(m)).isEqualTo("m0");
            assertThat(good.ring().damage()).isNull();
        } finally {
            try (FileChannel ch = FileChannel.open(badFile, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(1), length - 1); // the mapping's pages exist again (zeros)
            }
        }
    }
}
