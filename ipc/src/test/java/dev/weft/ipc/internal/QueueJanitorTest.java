package dev.weft.ipc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ipc.WaitBackend;
import dev.weft.ipc.queue.QueueSpec;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The janitor thread across several queues: one queue whose recovery pass fails must not switch
 * crash recovery off for the others.
 */
@Timeout(60)
class QueueJanitorTest {

    private static final int ME = 0x101;
    private static final int CONSUMER = 0x303;
    private static final int OTHER = 0x404;
    private static final int RECORDS = 4;
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final Waiter WAITER = Waiter.create(WaitBackend.AUTO, 1_000_000, Waiter.DEFAULT_SPIN_NANOS);

    private Path dir;
    private QueueJanitor janitor;

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("janitor-test");
        Files.createDirectories(dir);
        janitor = new QueueJanitor("test", SLICE_NANOS);
    }

    @AfterEach
    void close() throws Exception {
        janitor.stop();
        IpcTesting.deleteTree(dir.getParent());
    }

    private QueueRing ring(String name, Liveness liveness) throws Exception {
        QueueSpec spec = QueueSpec.of(4, 16);
        Path file = dir.resolve(name);
        int length = QueueDescriptor.checkFileLength(spec, RECORDS);
        Files.write(file, new byte[length]);
        SharedMemory memory = SharedMemory.map(file, length);
        QueueRing.format(memory, spec, false, RECORDS);
        return QueueRing.attach(name, memory, liveness, WAITER, SLICE_NANOS);
    }

    /** Puts a record for {@code token} in the ring's participant table (as its process would have). */
    private static void addRecord(QueueRing ring, int token) {
        SharedMemory m = ring.memory();
        int hw = m.getIntVolatile(QueueDescriptor.RECORDS_HIGH_WATER_OFFSET);
        m.setLongVolatile(QueueDescriptor.recordOffset(hw), QueueDescriptor.record(token, 0));
        m.setIntVolatile(QueueDescriptor.RECORDS_HIGH_WATER_OFFSET, hw + 1);
    }

    @Test
    void janitor_passOfOneQueueThrowsAnError_otherQueuesDeadConsumerIsStillRedelivered() throws Exception {
        // The damaged queue: probing its participants fails the way a fault on a truncated mapping does.
        CountDownLatch badPassRan = new CountDownLatch(1);
        QueueRing bad = ring("bad", new Liveness() {
            @Override
            public int token() {
                return ME;
            }

            @Override
            public boolean isDead(int token) {
                badPassRan.countDown();
                throw new InternalError("a fault occurred in an unsafe memory access operation (simulated)");
            }

            @Override
            public String describe(int token) {
                return "token " + token;
            }
        });
        addRecord(bad, OTHER);

        // The healthy queue: a consumer took m0 and is alive until the test says otherwise.
        Set<Integer> dead = ConcurrentHashMap.newKeySet();
        QueueRing good = ring("good", new Liveness() {
            @Override
            public int token() {
                return ME;
            }

            @Override
            public boolean isDead(int token) {
                return dead.contains(token);
            }

            @Override
            public String describe(int token) {
                return "token " + token;
            }
        });
        MappedQueue goodQueue = MappedQueue.standalone(good);
        goodQueue.put("m0".getBytes(StandardCharsets.UTF_8));
        addRecord(good, CONSUMER);
        int slot0 = good.memory().getIntPlain(QueueDescriptor.SLOTS_OFFSET_OFFSET);
        good.memory().setLongVolatile(slot0, QueueDescriptor.slotWord(0, QueueDescriptor.READING, CONSUMER));
        good.memory().setLongVolatile(QueueDescriptor.HEAD_OFFSET, 1);

        janitor.add(bad);
        janitor.add(good);
        assertThat(badPassRan.await(30, TimeUnit.SECONDS)).as("the janitor reached the damaged queue").isTrue();
        assertThat(goodQueue.poll()).as("nothing to take while the consumer lives").isNull();

        dead.add(CONSUMER); // the consumer dies only after the damaged queue's pass has failed
        byte[] redelivered = goodQueue.poll(Duration.ofSeconds(10));
        assertThat(redelivered).as("the dead consumer's message is redelivered by the janitor").isNotNull();
        assertThat(new String(redelivered, StandardCharsets.UTF_8)).isEqualTo("m0");
        // The janitor counts the redelivery just after committing it: the take may come in between.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (goodQueue.stats().redeliveries() == 0 && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
        assertThat(goodQueue.stats().redeliveries()).isEqualTo(1);

        // The failure is kept, counted and reported on the damaged queue, whose own calls now fail clearly.
        assertThat(bad.damage()).isInstanceOf(InternalError.class);
        assertThat(bad.lastJanitorError()).isSameAs(bad.damage());
        assertThat(bad.janitorFailures()).isEqualTo(1);
        assertThat(good.damage()).isNull();
        assertThat(good.janitorFailures()).isZero();
        assertThat(janitor.failures()).as("nothing escaped the pass's own handling").isZero();
        MappedQueue badQueue = MappedQueue.standalone(bad);
        assertThatThrownBy(() -> badQueue.offer(new byte[1])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("queue 'bad' is damaged").hasCauseInstanceOf(InternalError.class);
        assertThatThrownBy(badQueue::poll).isInstanceOf(IllegalStateException.class).hasCauseInstanceOf(InternalError.class);
        assertThatThrownBy(badQueue::size).isInstanceOf(IllegalStateException.class);
        assertThat(badQueue.toString()).contains("DAMAGED");
        assertThat(bad.janitorPass()).as("a damaged queue is skipped").isFalse();
        assertThat(bad.janitorFailures()).isEqualTo(1);
    }

    @Test
    void janitorPass_runtimeExceptionFromOneQueue_isRecordedNotThrown() throws Exception {
        QueueRing ring = ring("flaky", new Liveness() {
            @Override
            public int token() {
                return ME;
            }

            @Override
            public boolean isDead(int token) {
                throw new IllegalStateException("probe failed (simulated)");
            }

            @Override
            public String describe(int token) {
                return "token " + token;
            }
        });
        addRecord(ring, OTHER);
        assertThat(ring.janitorPass()).isFalse();
        assertThat(ring.damage()).isInstanceOf(IllegalStateException.class).hasMessageContaining("simulated");
        assertThat(ring.janitorFailures()).isEqualTo(1);
    }

    @Test
    void janitorPass_slotWithAnOutlyingLap_isQuarantinedOnlyWhenSeenUnchangedInTwoPasses() throws Exception {
        QueueRing ring = ring("outlier", new Liveness() {
            @Override
            public int token() {
                return ME;
            }

            @Override
            public boolean isDead(int token) {
                return false;
            }

            @Override
            public String describe(int token) {
                return "token " + token;
            }
        });
        MappedQueue q = MappedQueue.standalone(ring);
        int slot3 = ring.memory().getIntPlain(QueueDescriptor.SLOTS_OFFSET_OFFSET) + 3 * QueueDescriptor.stride(16);
        ring.memory().setLongVolatile(slot3, QueueDescriptor.slotWord(-50, QueueDescriptor.FULL, 0));
        ring.janitorPass();
        assertThat(q.stats().quarantined()).as("one sighting is not enough").isZero();
        ring.memory().setLongVolatile(slot3, QueueDescriptor.slotWord(-60, QueueDescriptor.FULL, 0));
        ring.janitorPass();
        assertThat(q.stats().quarantined()).as("the word changed in between: seen once again").isZero();
        ring.janitorPass();
        assertThat(q.stats().quarantined()).isEqualTo(1);
        assertThat(ring.slotWordAt(3)).isEqualTo(QueueDescriptor.slotWord(0, QueueDescriptor.FREE, 0));
        for (int i = 0; i < 4; i++) {
            q.put(new byte[] {(byte) i});
        }
        for (int i = 0; i < 4; i++) {
            assertThat(q.poll()).containsExactly((byte) i);
        }
    }

    @Test
    void attach_inconsistentHeader_isRejectedNamingTheField() throws Exception {
        QueueSpec spec = QueueSpec.of(4, 16);
        Path file = dir.resolve("broken");
        int length = QueueDescriptor.checkFileLength(spec, RECORDS);
        Files.write(file, new byte[length]);
        SharedMemory memory = SharedMemory.map(file, length);
        QueueRing.format(memory, spec, false, RECORDS);
        Liveness me = new Liveness() {
            @Override
            public int token() {
                return ME;
            }

            @Override
            public boolean isDead(int token) {
                return false;
            }

            @Override
            public String describe(int token) {
                return "token " + token;
            }
        };
        memory.setIntVolatile(QueueDescriptor.CAPACITY_OFFSET, 3);
        assertThatThrownBy(() -> QueueRing.attach("broken", memory, me, WAITER, SLICE_NANOS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity expected a power of two but was 3");
        memory.setIntVolatile(QueueDescriptor.CAPACITY_OFFSET, 1 << 20);
        assertThatThrownBy(() -> QueueRing.attach("broken", memory, me, WAITER, SLICE_NANOS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs");
        memory.setIntVolatile(QueueDescriptor.CAPACITY_OFFSET, 4);
        memory.setIntVolatile(QueueDescriptor.MAX_MESSAGE_SIZE_OFFSET, 1 << 20);
        assertThatThrownBy(() -> QueueRing.attach("broken", memory, me, WAITER, SLICE_NANOS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride");
        memory.setIntVolatile(QueueDescriptor.MAX_MESSAGE_SIZE_OFFSET, 16);
        memory.setIntVolatile(QueueDescriptor.RECORDS_OFFSET, -1);
        assertThatThrownBy(() -> QueueRing.attach("broken", memory, me, WAITER, SLICE_NANOS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("participant records");
    }

    @Test
    void attach_recoveryPassCannotPutBackYet_theNewRingsJanitorPutsItBackLater() throws Exception {
        int setup = 0x505;
        int slow = 0x606;
        int spare = 0x707;
        Set<Integer> dead = ConcurrentHashMap.newKeySet();
        QueueRing setupRing = ring("stuck", liveness(setup, dead));
        MappedQueue setupQueue = MappedQueue.standalone(setupRing);
        setupQueue.put("m0".getBytes(StandardCharsets.UTF_8));
        setupQueue.put("m1".getBytes(StandardCharsets.UTF_8));
        // A slow live consumer holds m0 (position 0, slot 0); CONSUMER took m1 (position 1, slot 1) and dies.
        SharedMemory m = setupRing.memory();
        int slots = m.getIntPlain(QueueDescriptor.SLOTS_OFFSET_OFFSET);
        int stride = QueueDescriptor.stride(16);
        m.setLongVolatile(slots, QueueDescriptor.slotWord(0, QueueDescriptor.READING, slow));
        m.setLongVolatile(slots + stride, QueueDescriptor.slotWord(0, QueueDescriptor.READING, CONSUMER));
        m.setLongVolatile(QueueDescriptor.HEAD_OFFSET, 2);
        addRecord(setupRing, CONSUMER);
        addRecord(setupRing, slow);
        addRecord(setupRing, spare); // every record taken: attaching runs a recovery pass first
        dead.add(CONSUMER);

        // m1 goes back at position 5, behind position 4 (slot 0), which the slow consumer still holds.
        QueueRing mine = QueueRing.attach("stuck", m, liveness(ME, dead), WAITER, SLICE_NANOS);
        MappedQueue myQueue = MappedQueue.standalone(mine);
        assertThat(myQueue.poll()).as("nothing can be taken while the slow consumer holds slot 0").isNull();

        m.setLongVolatile(slots, QueueDescriptor.slotWord(1, QueueDescriptor.FREE, 0)); // the slow consumer is done
        assertThat(mine.janitorPass()).as("the attaching pass's unfinished put-back is retried").isTrue();
        byte[] again = myQueue.poll();
        assertThat(again).as("the dead consumer's message is delivered again").isNotNull();
        assertThat(new String(again, StandardCharsets.UTF_8)).isEqualTo("m1");
        assertThat(myQueue.poll()).isNull();
    }

    private static Liveness liveness(int token, Set<Integer> dead) {
        return new Liveness() {
            @Override
            public int token() {
                return token;
            }

            @Override
            public boolean isDead(int other) {
                return dead.contains(other);
            }

            @Override
            public String describe(int other) {
                return "token " + other;
            }
        };
    }
}
