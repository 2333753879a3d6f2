package dev.weft.ipc.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.internal.MappedQueue;
import dev.weft.ipc.internal.QueueDescriptor;
import dev.weft.ipc.internal.QueueRing;
import dev.weft.ipc.testing.Child;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.ipc.testing.QueueChecker;
import dev.weft.ipc.testing.QueueMessages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Queue scenarios of the ipc design with real child JVMs: producer kill points P1-P5, consumer
 * kill points C1-C5, topologies and conditions Q1-Q7, and the joinable queue across processes.
 * Children are stopped at named points inside the algorithm and killed with {@code SIGKILL}; the
 * order of events comes from the lines they print, never from sleeps. This JVM (the "parent") is a
 * participant too; it opens a queue only when the scenario says so (opening starts its janitor).
 */
@Timeout(180)
class CrossProcessQueueTest {

    /** Generous bound for "within two liveness slices" on a loaded 2-CPU machine. */
    private static final long RECOVERY_BOUND_MS = 2 * IpcTesting.SLICE.toMillis() + 3_000;
    /** Child JVM options for the full-speed runs: the optimising compiler. */
    private static final List<String> FAST = List.of("-XX:+UseSerialGC");

    private Path dir;
    private IpcDomain domain;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("xqueue");
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

    private Child fastChild(String label, String... commands) throws Exception {
        return fastChild(label, FAST, commands);
    }

    private Child fastChild(String label, List<String> jvmOptions, String... commands) throws Exception {
        Child c = Child.startWith(label, dir, "", jvmOptions, commands);
        children.add(c);
        return c;
    }

    private MappedQueue openQueue(int capacity, int max) throws Exception {
        return ((MappedDomain) domain).queueImpl("Q", QueueSpec.of(capacity, max), false);
    }

    private static String qopen(int capacity, int max) {
        return "qopen Q " + capacity + " " + max + " plain";
    }

    private static long id(int producer, int seq) {
        return ((long) producer << 32) | seq;
    }

    private static long elapsedMs(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    /** Takes one message within 30 s and returns its verified id. */
    private static long takeId(IpcQueue q) throws InterruptedException {
        byte[] m = q.poll(Duration.ofSeconds(30));
        assertThat(m).as("a message within 30 s").isNotNull();
        return QueueMessages.verify(m);
    }

    private static void assertGot(String line, int producer, int seq) {
        assertThat(line).isEqualTo("GOT " + producer + " " + seq);
    }

    // ---- P1-P5: producer kill points ---------------------------------------------------------

    /** A producer stopped at {@code point} during a put of {@code size} bytes, then killed; the parent puts and takes. */
    private void producerKilledAt(String point, int capacity, int max, int size) throws Exception {
        Child producer = child("producer", "queue.put." + point + ":stop", qopen(capacity, max));
        producer.expectPrefix("OPENED");
        producer.send("qput Q 1 0 " + size);
        producer.expectPoint("queue.put." + point);
        MappedQueue q = openQueue(capacity, max);
        producer.kill();
        long killed = System.nanoTime();
        assertThat(q.offer(QueueMessages.encode(0, 0, 64))).as("a put is not blocked by the dead claim").isTrue();
        assertThat(takeId(q)).as("the half-written message is never delivered").isEqualTo(id(0, 0));
        assertThat(elapsedMs(killed)).isLessThan(RECOVERY_BOUND_MS);
        assertThat(q.poll()).isNull();
        assertThat(q.stats().tombstones()).isEqualTo(1);
        q.put(QueueMessages.encode(0, 1, 64));
        assertThat(takeId(q)).isEqualTo(id(0, 1));
    }

    @Test
    void p1_producerKilledAfterClaimingItsSlot_othersHelpTheTailAndTheSlotIsSkipped() throws Exception {
        producerKilledAt("claimed", 8, 64, 64);
    }

    @Test
    void p2_producerKilledAfterAdvancingTheTail_slotIsSkipped() throws Exception {
        producerKilledAt("tailAdvanced", 8, 64, 64);
    }

    @Test
    void p3_producerKilledMidCopyOfAOneMebibyteMessage_tornMessageIsNeverDelivered() throws Exception {
        producerKilledAt("midCopy", 2, 1 << 20, 1 << 20);
    }

    @Test
    void p4_producerKilledAfterCopyBeforeCommit_uncommittedMessageIsNeverDelivered() throws Exception {
        producerKilledAt("copied", 8, 64, 64);
    }

    @Test
    void p5_producerKilledAfterCommitBeforeWaking_sleepingConsumerStillGetsTheMessage() throws Exception {
        Child consumer = child("consumer", "queue.get.sleeping:mark", qopen(8, 64));
        consumer.expectPrefix("OPENED");
        consumer.send("qtake Q");
        consumer.expectPoint("queue.get.sleeping");
        Child producer = child("producer", "queue.put.committed:stop", qopen(8, 64));
        producer.expectPrefix("OPENED");
        producer.send("qput Q 1 0 64");
        producer.expectPoint("queue.put.committed");
        producer.kill();
        long killed = System.nanoTime();
        assertGot(consumer.nextLine(), 1, 0);
        assertThat(elapsedMs(killed)).isLessThan(RECOVERY_BOUND_MS);
    }

    @Test
    void putReturned_thenProducerKilled_messageSurvives() throws Exception {
        Child producer = child("producer", "", qopen(8, 64), "qput Q 1 0 64", "qput Q 1 1 64");
        producer.expectPrefix("OPENED");
        producer.expectPrefix("PUT 1 0");
        producer.expectPrefix("PUT 1 1");
        producer.kill();
        MappedQueue q = openQueue(8, 64);
        assertThat(takeId(q)).isEqualTo(id(1, 0));
        assertThat(takeId(q)).isEqualTo(id(1, 1));
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0));
    }

    @Test
    void messages_surviveEveryProcessExiting_untilUnlinked() throws Exception {
        Child producer = child("producer", "", qopen(128, 64), "qproduce Q 1 100 64", "exit");
        producer.expectPrefix("OPENED");
        producer.expectPrefix("PRODUCED 1 100");
        producer.process().waitFor(30, TimeUnit.SECONDS);
        domain.close();
        domain = IpcTesting.open(dir); // nobody has the queue open now
        MappedQueue q = openQueue(128, 64);
        for (int i = 0; i < 100; i++) {
            assertThat(takeId(q)).isEqualTo(id(1, i));
        }
        q.unlink();
        q.close();
        assertThat(openQueue(128, 64).poll()).isNull();
    }

    // ---- C1-C5: consumer kill points ---------------------------------------------------------

    /** A consumer stopped at {@code point} inside a take of the only message, then killed. */
    private void consumerKilledAt(String point) throws Exception {
        Child consumer = child("consumer", "queue.get." + point + ":stop", qopen(8, 64));
        consumer.expectPrefix("OPENED");
        MappedQueue q = openQueue(8, 64);
        q.put(QueueMessages.encode(0, 0, 64));
        consumer.send("qtake Q");
        consumer.expectPoint("queue.get." + point);
        consumer.kill();
        long killed = System.nanoTime();
        assertThat(takeId(q)).as("delivered again").isEqualTo(id(0, 0));
        assertThat(elapsedMs(killed)).isLessThan(RECOVERY_BOUND_MS);
        assertThat(q.poll(IpcTesting.SLICE.multipliedBy(3))).as("exactly once").isNull();
        assertThat(q.stats().redeliveries()).isEqualTo(1);
        q.put(QueueMessages.encode(0, 1, 64));
        assertThat(takeId(q)).isEqualTo(id(0, 1));
    }

    @Test
    void c1_consumerKilledAfterClaim_messageIsDeliveredAgainOnceWithoutAnyProducerActivity() throws Exception {
        consumerKilledAt("claimed");
    }

    @Test
    void c2_consumerKilledMidCopy_messageIsDeliveredAgainOnce() throws Exception {
        consumerKilledAt("midCopy");
    }

    @Test
    void c3_consumerKilledAfterCopyBeforeFree_ofAFullQueue_queueDoesNotStayBlocked() throws Exception {
        Child consumer = child("consumer", "queue.get.copied:stop", qopen(4, 64));
        consumer.expectPrefix("OPENED");
        MappedQueue q = openQueue(4, 64);
        for (int i = 0; i < 4; i++) {
            q.put(QueueMessages.encode(0, i, 64));
        }
        consumer.send("qtake Q");
        consumer.expectPoint("queue.get.copied");
        CompletableFuture<Void> blockedPut = new CompletableFuture<>();
        Thread putter = Thread.ofPlatform().start(() -> {
            try {
                q.put(QueueMessages.encode(0, 4, 64));
                blockedPut.complete(null);
            } catch (Throwable e) {
                blockedPut.completeExceptionally(e);
            }
        });
        IpcTesting.awaitBlocked(putter);
        consumer.kill();
        Set<Long> got = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            assertThat(got.add(takeId(q))).isTrue();
        }
        blockedPut.get(30, TimeUnit.SECONDS);
        assertThat(got.add(takeId(q))).isTrue();
        assertThat(got).containsExactlyInAnyOrder(id(0, 0), id(0, 1), id(0, 2), id(0, 3), id(0, 4));
        assertThat(q.poll()).isNull();
        assertThat(q.stats().redeliveries()).isEqualTo(1);
    }

    @Test
    void c4_consumerKilledAfterFreeBeforeWaking_blockedProducerStillProceeds() throws Exception {
        Child consumer = child("consumer", "queue.get.freed:stop", qopen(2, 64));
        consumer.expectPrefix("OPENED");
        MappedQueue q = openQueue(2, 64);
        q.put(QueueMessages.encode(0, 0, 64));
        q.put(QueueMessages.encode(0, 1, 64));
        CompletableFuture<Void> blockedPut = new CompletableFuture<>();
        Thread putter = Thread.ofPlatform().start(() -> {
            try {
                q.put(QueueMessages.encode(0, 2, 64));
                blockedPut.complete(null);
            } catch (Throwable e) {
                blockedPut.completeExceptionally(e);
            }
        });
        IpcTesting.awaitBlocked(putter);
        consumer.send("qtake Q");
        consumer.expectPoint("queue.get.freed");
        consumer.kill();
        long killed = System.nanoTime();
        blockedPut.get(30, TimeUnit.SECONDS);
        assertThat(elapsedMs(killed)).isLessThan(RECOVERY_BOUND_MS);
        // Message 0/0 was taken (the take had committed) by the process that died: it is not redelivered.
        assertThat(takeId(q)).isEqualTo(id(0, 1));
        assertThat(takeId(q)).isEqualTo(id(0, 2));
        assertThat(q.stats().redeliveries()).isZero();
    }

    /**
     * C5: a consumer dies holding a message; the first recoverer (another child's janitor) is killed
     * at {@code point} during the redelivery; the parent's janitor finishes it. The parent opens the
     * queue only at the end, so that the child is the first recoverer.
     */
    private void recovererKilledAt(String point, int capacity, int messagesBefore) throws Exception {
        Child recoverer = child("recoverer", "queue." + point + ":stop", qopen(capacity, 64));
        recoverer.expectPrefix("OPENED");
        Child consumer = child("consumer", "queue.get.claimed:stop", qopen(capacity, 64));
        consumer.expectPrefix("OPENED");
        for (int i = 0; i < messagesBefore; i++) {
            consumer.send("qput Q 0 " + i + " 64");
            consumer.expectPrefix("PUT 0 " + i);
        }
        consumer.send("qtake Q");
        consumer.expectPoint("queue.get.claimed");
        consumer.kill();
        recoverer.expectPoint("queue." + point);
        recoverer.kill();
        MappedQueue q = openQueue(capacity, 64);
        Set<Long> got = new HashSet<>();
        for (int i = 0; i < messagesBefore; i++) {
            assertThat(got.add(takeId(q))).as("no duplicate").isTrue();
        }
        assertThat(q.poll(IpcTesting.SLICE.multipliedBy(3))).as("exactly once").isNull();
        assertThat(got).hasSize(messagesBefore);
        q.put(QueueMessages.encode(0, messagesBefore, 64));
        assertThat(takeId(q)).isEqualTo(id(0, messagesBefore));
        assertThat(q.ring().tail() - q.ring().head()).isZero();
    }

    @Test
    void c5_recovererKilledRightAfterTakingTheSlotOver_messageIsDeliveredExactlyOnce() throws Exception {
        recovererKilledAt("recover.takenOver", 8, 1);
    }

    @Test
    void c5_recovererKilledWhilePaddingUpToTheSlot_messageIsDeliveredExactlyOnce() throws Exception {
        recovererKilledAt("redeliver.padded", 8, 1);
    }

    @Test
    void c5_recovererKilledAfterInPlaceCommitBeforeAdvancingTheTail_othersHelpAndDeliverOnce() throws Exception {
        recovererKilledAt("redeliver.committed", 4, 4); // full queue: the slot is the producers' next position
    }

    // ---- Q1-Q7: topologies and conditions -----------------------------------------------------

    /**
     * {@code producers} child JVMs put {@code perProducer} messages of {@code size} bytes each,
     * {@code consumers} child JVMs take until a poison pill; then every invariant is checked.
     */
    private void topology(int producers, int consumers, int perProducer, int capacity, int size) throws Exception {
        MappedQueue q = openQueue(capacity, Math.max(size, 64));
        String open = qopen(capacity, Math.max(size, 64));
        List<Child> cs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            Child consumer = fastChild("consumer" + c, open);
            consumer.expectPrefix("OPENED");
            Path file = dir.resolve("consumed-" + c + ".bin");
            consumer.send("qconsume Q " + file);
            consumer.expectPrefix("CONSUMING");
            cs.add(consumer);
            files.add(file);
        }
        List<Child> ps = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Child producer = fastChild("producer" + p, open);
            producer.expectPrefix("OPENED");
            ps.add(producer);
        }
        long start = System.nanoTime();
        for (int p = 0; p < producers; p++) {
            ps.get(p).send("qproduce Q " + p + " " + perProducer + " " + size);
        }
        for (int p = 0; p < producers; p++) {
            ps.get(p).expectPrefix("PRODUCED " + p + " " + perProducer);
        }
        for (int c = 0; c < consumers; c++) {
            q.put(QueueMessages.poison());
        }
        long total = 0;
        for (Child consumer : cs) {
            total += Long.parseLong(consumer.expectPrefix("CONSUMED ").substring("CONSUMED ".length()));
        }
        long ms = Math.max(1, elapsedMs(start));
        System.out.printf("queue %dP%dC, %d x %d B, capacity %d: %d ms, %,d msg/s%n", producers, consumers,
                producers * perProducer, size, capacity, ms, total * 1000 / ms);
        QueueChecker checker = new QueueChecker();
        for (int p = 0; p < producers; p++) {
            checker.putsReturned(p, perProducer);
        }
        for (int c = 0; c < consumers; c++) {
            checker.deliveredFromFile("consumer" + c, files.get(c));
        }
        assertThat(total).isEqualTo((long) producers * perProducer);
        checker.check(q.stats().redeliveries(), 0);
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0));
    }

    @Test
    void q1_oneProducerOneConsumer_fullSpeed_everyMessageOnceInOrder() throws Exception {
        topology(1, 1, 1_000_000, 1024, 64);
    }

    @Test
    void q2_oneProducerFourConsumers() throws Exception {
        topology(1, 4, 200_000, 1024, 64);
    }

    @Test
    void q2_fourProducersOneConsumer() throws Exception {
        topology(4, 1, 50_000, 1024, 64);
    }

    @Test
    void q2_fourProducersFourConsumers() throws Exception {
        topology(4, 4, 50_000, 256, 64);
    }

    @Test
    void q3_capacityOne_oneProducerTwoConsumers() throws Exception {
        topology(1, 2, 20_000, 1, 64);
    }

    @Test
    void q3_largestMessages_capacityTwo() throws Exception {
        topology(1, 1, 2_000, 2, 4096);
    }

    @Test
    void q4_positionsCrossingThe32BitLapWrap_keepOrderAndContent() throws Exception {
        int capacity = 4;
        MappedQueue q = openQueue(capacity, 64);
        QueueRing ring = q.ring();
        long start = ((1L << 32) - 3) * capacity; // lap 2^32 - 3: the 32-bit lap wraps after 3 laps
        int stride = ring.memory().getIntPlain(QueueDescriptor.STRIDE_OFFSET);
        int slots = ring.memory().getIntPlain(QueueDescriptor.SLOTS_OFFSET_OFFSET);
        for (int i = 0; i < capacity; i++) {
            ring.memory().setLongVolatile(slots + i * stride,
                    QueueDescriptor.slotWord((int) (start >>> 2), QueueDescriptor.FREE, 0));
        }
        ring.memory().setLongVolatile(QueueDescriptor.HEAD_OFFSET, start);
        ring.memory().setLongVolatile(QueueDescriptor.TAIL_OFFSET, start);
        Child consumer = child("consumer", "", qopen(capacity, 64));
        consumer.expectPrefix("OPENED");
        Path file = dir.resolve("consumed.bin");
        consumer.send("qconsume Q " + file);
        consumer.expectPrefix("CONSUMING");
        Child producer = child("producer", "", qopen(capacity, 64));
        producer.expectPrefix("OPENED");
        producer.send("qproduce Q 0 10000 64");
        producer.expectPrefix("PRODUCED 0 10000");
        q.put(QueueMessages.poison());
        assertThat(consumer.expectPrefix("CONSUMED ")).isEqualTo("CONSUMED 10000");
        QueueChecker checker = new QueueChecker();
        checker.putsReturned(0, 10_000);
        checker.deliveredFromFile("consumer", file);
        checker.check(0, 0);
        assertThat(ring.head()).isEqualTo(start + 10_001);
        assertThat(QueueDescriptor.lap(ring.slotWordAt(0))).as("lap wrapped past 2^32").isBetween(0, 5000);
    }

    @Test
    void q5_timedOperationsInAChild_returnAfterTheirTimeouts() throws Exception {
        MappedQueue q = openQueue(2, 64);
        Child c = child("child", "", qopen(2, 64));
        c.expectPrefix("OPENED");
        String none = c.call("qpoll Q 300");
        assertThat(none).startsWith("NONE ");
        assertThat(Long.parseLong(none.substring(5))).isGreaterThanOrEqualTo(300);
        q.put(QueueMessages.encode(0, 0, 64));
        q.put(QueueMessages.encode(0, 1, 64));
        String full = c.call("qoffer Q 1 0 64 300");
        assertThat(full).startsWith("FULL ");
        assertThat(Long.parseLong(full.substring(5))).isGreaterThanOrEqualTo(300);
        assertGot(c.call("qpoll Q 1000"), 0, 0);
        assertThat(c.call("qoffer Q 1 0 64 1000")).isEqualTo("PUT 1 0");
        assertThat(takeId(q)).isEqualTo(id(0, 1));
        assertThat(takeId(q)).isEqualTo(id(1, 0));
    }

    @Test
    void q5_consumerKilledWhileSleepingOnEmpty_heldNothing_nextPutGoesToTheOthers() throws Exception {
        Child sleeper = child("sleeper", "queue.get.sleeping:mark", qopen(8, 64));
        sleeper.expectPrefix("OPENED");
        sleeper.send("qtake Q");
        sleeper.expectPoint("queue.get.sleeping");
        MappedQueue q = openQueue(8, 64);
        sleeper.kill();
        q.put(QueueMessages.encode(0, 0, 64));
        assertThat(takeId(q)).isEqualTo(id(0, 0));
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0));
    }

    @Test
    void q6_consumerStoppedWhileHoldingAMessage_isNeverRobbed_andResumesNormally() throws Exception {
        Child stopped = child("stopped", "queue.get.copied:pause", qopen(4, 64));
        stopped.expectPrefix("OPENED");
        MappedQueue q = openQueue(4, 64);
        for (int i = 0; i < 4; i++) {
            q.put(QueueMessages.encode(0, i, 64));
        }
        stopped.send("bg qtake Q");
        stopped.expectPoint("queue.get.copied");
        stopped.stop();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (stopped.procState() != 'T') { // the signal is delivered asynchronously
                assertThat(System.nanoTime()).as("child stopped").isLessThan(deadline);
                LockSupport.parkNanos(1_000_000); // polls /proc; orders nothing
            }
            for (int i = 1; i < 4; i++) {
                assertThat(takeId(q)).isEqualTo(id(0, i)); // consumers pass the held slot
            }
            long start = System.nanoTime();
            assertThat(q.offer(QueueMessages.encode(0, 4, 64), IpcTesting.SLICE.multipliedBy(5)))
                    .as("the held slot stays held: full at the producers' position").isFalse();
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(IpcTesting.SLICE.multipliedBy(5).toNanos());
            assertThat(QueueDescriptor.state(q.ring().slotWordAt(0))).isEqualTo(QueueDescriptor.READING);
            assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0));
        } finally {
            stopped.cont();
        }
        stopped.send("resume queue.get.copied");
        List<String> lines = List.of(stopped.nextLine(), stopped.nextLine());
        assertThat(lines).containsExactlyInAnyOrder("RESUMED", "GOT 0 0");
        assertThat(q.offer(QueueMessages.encode(0, 4, 64), Duration.ofSeconds(30))).isTrue();
        assertThat(takeId(q)).isEqualTo(id(0, 4));
        assertThat(q.stats().redeliveries()).isZero();
    }

    @Test
    void q6_consumerStoppedMidRunAtFullSpeed_underZgcAndParallelGc_nothingLostOrRecovered() throws Exception {
        MappedQueue q = openQueue(256, 64);
        String open = qopen(256, 64);
        Child c0 = fastChild("consumer0", List.of("-XX:+UseZGC"), open);
        Child c1 = fastChild("consumer1", List.of("-XX:+UseParallelGC"), open);
        Child producer = fastChild("producer", List.of("-XX:+UseParallelGC"), open);
        for (Child c : List.of(c0, c1, producer)) {
            c.expectPrefix("OPENED");
        }
        Path f0 = dir.resolve("c0.bin");
        Path f1 = dir.resolve("c1.bin");
        c0.send("qconsume Q " + f0);
        c0.expectPrefix("CONSUMING");
        c1.send("qconsume Q " + f1);
        c1.expectPrefix("CONSUMING");
        producer.send("qproduce Q 0 100000 64");
        producer.send("qproduce Q 1 300000 64");
        producer.expectPrefix("PRODUCED 0 100000"); // c1 is consuming at full speed: stop it now
        c1.stop();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (c1.procState() != 'T') {
                assertThat(System.nanoTime()).as("child stopped").isLessThan(deadline);
                LockSupport.parkNanos(1_000_000); // polls /proc; orders nothing
            }
            // Keep c1 stopped for five liveness slices (long enough for every janitor to probe it
            // several times); this wait orders nothing, the checks below look at what happened.
            LockSupport.parkNanos(IpcTesting.SLICE.multipliedBy(5).toNanos());
            assertThat(q.stats()).as("nothing recovered from a stopped live process").isEqualTo(new QueueStats(0, 0, 0, 0));
        } finally {
            c1.cont();
        }
        producer.expectPrefix("PRODUCED 1 300000");
        q.put(QueueMessages.poison());
        q.put(QueueMessages.poison());
        long n0 = Long.parseLong(c0.expectPrefix("CONSUMED ").substring(9));
        long n1 = Long.parseLong(c1.expectPrefix("CONSUMED ").substring(9));
        assertThat(n0 + n1).isEqualTo(400_000);
        QueueChecker checker = new QueueChecker();
        checker.putsReturned(0, 100_000);
        checker.putsReturned(1, 300_000);
        checker.deliveredFromFile("consumer0", f0);
        checker.deliveredFromFile("consumer1", f1);
        checker.check(0, 0);
        assertThat(q.stats()).isEqualTo(new QueueStats(0, 0, 0, 0));
    }

    /** Kill points of Q7, and what a kill there leaves for the recovery. */
    private static final List<String> CHAOS_POINTS = List.of(
            "queue.put.claimed", "queue.put.tailAdvanced", "queue.put.midCopy", "queue.put.copied", // a tombstone
            "queue.put.committed",                                                                 // nothing
            "queue.get.claimed", "queue.get.midCopy", "queue.get.copied",                          // a redelivery
            "queue.get.freed");                                                                    // a message taken

    @Test
    void q7_chaos_attachPutOrTakeAndGetKilledAtRandom_whileTwoProcessesRunAtFullSpeed() throws Exception {
        long seed = Long.getLong("weft.ipc.test.seed", System.nanoTime());
        System.out.println("q7 chaos seed: " + seed + " (rerun with -Dweft.ipc.test.seed=" + seed + ")");
        Random random = new Random(seed);
        MappedQueue q = openQueue(64, 64);
        String open = qopen(64, 64);
        Child consumer = fastChild("consumer", open);
        consumer.expectPrefix("OPENED");
        Path file = dir.resolve("consumed.bin");
        consumer.send("qconsume Q " + file);
        consumer.expectPrefix("CONSUMING");
        Child producer = fastChild("producer", open);
        producer.expectPrefix("OPENED");
        producer.send("qproduce Q 0 300000 64");
        QueueChecker checker = new QueueChecker();
        int timeKills = 0;
        int tombstoneKills = 0;
        int redeliveryKills = 0;
        int takenKills = 0;
        for (int iteration = 0; iteration < 10; iteration++) {
            int chaosId = 100 + iteration;
            String point = iteration % 2 == 0 ? CHAOS_POINTS.get(random.nextInt(CHAOS_POINTS.size())) : "";
            Child chaos = child("chaos" + iteration, point.isEmpty() ? "" : point + ":stop", open,
                    "qchaos Q " + chaosId + " " + random.nextLong());
            chaos.expectPrefix("OPENED");
            List<String> lines = new ArrayList<>();
            if (point.isEmpty()) {
                int n = 1 + random.nextInt(40); // killed after a random number of operations
                for (int i = 0; i < n; i++) {
                    lines.add(chaos.nextLine());
                }
                timeKills++;
            } else {
                for (String line; !(line = chaos.nextLine()).equals("POINT " + point); ) {
                    lines.add(line);
                }
                if (point.startsWith("queue.put.") && !point.endsWith("committed")) {
                    tombstoneKills++;
                } else if (point.startsWith("queue.get.") && !point.endsWith("freed")) {
                    redeliveryKills++;
                } else if (point.endsWith("freed")) {
                    takenKills++;
                }
            }
            chaos.kill();
            lines.addAll(chaos.linesAfterExit()); // printed before the kill
            int lastPut = -1;
            for (String line : lines) {
                String[] w = line.split(" ");
                if (w[0].equals("PUT")) {
                    lastPut = Integer.parseInt(w[2]);
                } else if (w[0].equals("GOT")) {
                    checker.delivered("chaos" + iteration, Integer.parseInt(w[1]), Integer.parseInt(w[2]));
                }
            }
            checker.putsReturned(chaosId, lastPut + 1);
            checker.putUncertain(chaosId, lastPut + 1); // a put may have committed just before the kill
        }
        producer.expectPrefix("PRODUCED 0 300000");
        q.put(QueueMessages.poison());
        long consumed = Long.parseLong(consumer.expectPrefix("CONSUMED ").substring(9));
        // Messages put or redelivered after the poison pill: take them here.
        for (byte[] m; (m = q.poll(IpcTesting.SLICE.multipliedBy(4))) != null; ) {
            long id = QueueMessages.verify(m);
            checker.delivered("parent", QueueMessages.producer(id), QueueMessages.seq(id));
        }
        checker.putsReturned(0, 300_000);
        checker.deliveredFromFile("consumer", file);
        QueueStats stats = q.stats();
        System.out.printf("q7 chaos: %d kills at points (%d mid-put, %d mid-take, %d after a take), %d at random times;"
                + " consumer took %d; %s%n", 10 - timeKills, tombstoneKills, redeliveryKills, takenKills, timeKills,
                consumed, stats);
        // A chaos process killed after a take committed but before printing it took that message away.
        checker.check(stats.redeliveries(), takenKills + timeKills);
        assertThat(stats.tombstones()).as("tombstones: one per kill inside a put")
                .isBetween((long) tombstoneKills, (long) tombstoneKills + timeKills);
        assertThat(stats.redeliveries()).as("redeliveries: one per kill inside a take")
                .isBetween((long) redeliveryKills, (long) redeliveryKills + timeKills);
        assertThat(q.poll()).isNull();
    }

    // ---- joinable queue across processes -------------------------------------------------------

    @Test
    void join_acrossProcesses_returnsWhenWorkersInOtherProcessesMarkTheirTasksDone() throws Exception {
        IpcJoinableQueue q = domain.joinableQueue("Q", 8, 64);
        for (int i = 0; i < 3; i++) {
            q.put(QueueMessages.encode(0, i, 64));
        }
        Child a = child("a", "", "qopen Q 8 64 joinable");
        Child b = child("b", "", "qopen Q 8 64 joinable");
        a.expectPrefix("OPENED");
        b.expectPrefix("OPENED");
        assertGot(a.call("qtake Q"), 0, 0);
        assertGot(a.call("qtake Q"), 0, 1);
        assertGot(b.call("qtake Q"), 0, 2);
        assertThat(q.unfinishedTasks()).isEqualTo(3);
        assertThat(q.join(Duration.ofMillis(50))).isFalse();
        assertThat(a.call("qtaskdone Q")).isEqualTo("DONE");
        assertThat(a.call("qtaskdone Q")).isEqualTo("DONE");
        CompletableFuture<Void> joined = q.joinAsync();
        assertThat(joined).isNotDone();
        assertThat(b.call("qtaskdone Q")).isEqualTo("DONE");
        joined.get(30, TimeUnit.SECONDS);
        assertThat(a.call("qtaskdone Q")).startsWith("ERROR IllegalStateException");
    }

    @Test
    void join_workerKilledHoldingATask_taskIsAbandonedAndJoinReturns() throws Exception {
        IpcJoinableQueue q = domain.joinableQueue("Q", 8, 64);
        q.put(QueueMessages.encode(0, 0, 64));
        q.put(QueueMessages.encode(0, 1, 64));
        Child worker = child("worker", "", "qopen Q 8 64 joinable");
        worker.expectPrefix("OPENED");
        assertGot(worker.call("qtake Q"), 0, 0);
        CompletableFuture<Void> joined = q.joinAsync();
        assertThat(takeId(q)).isEqualTo(id(0, 1));
        q.taskDone();
        assertThat(joined).isNotDone(); // the worker is alive and has not marked its task done
        worker.kill();
        long killed = System.nanoTime();
        joined.get(30, TimeUnit.SECONDS);
        assertThat(elapsedMs(killed)).isLessThan(RECOVERY_BOUND_MS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (q.stats().abandonedTasks() == 0) { // the janitor clears the dead worker's record
            assertThat(System.nanoTime()).isLessThan(deadline);
            LockSupport.parkNanos(10_000_000); // polls the counter; orders nothing
        }
        assertThat(q.stats().abandonedTasks()).isEqualTo(1);
    }
}
