package dev.weft.ipc.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.core.sync.LockResult;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.barrier.IpcBarrier;
import dev.weft.ipc.lock.IpcCondition;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.queue.IpcJoinableQueue;
import dev.weft.ipc.queue.IpcQueue;
import dev.weft.ipc.semaphore.IpcSemaphore;
import dev.weft.ipc.testing.Child;
import dev.weft.ipc.testing.ChildDomain;
import dev.weft.ipc.testing.IpcTesting;
import dev.weft.ipc.testing.QueueMessages;
import dev.weft.testlib.Threads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ipc JFR events, recorded in this process while it waits and while it repairs after killed children. */
@Timeout(120)
class IpcJfrEventsTest {

    private ChildDomain fixture;
    private Path dir;
    private IpcDomain domain;

    @BeforeEach
    void open() throws Exception {
        fixture = ChildDomain.open("jfr");
        dir = fixture.dir();
        domain = fixture.domain();
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void waitsPastTheThresholdAreRecordedWithTheirOutcome() throws Exception {
        Child holder = fixture.child("holder", "");
        assertThat(holder.call("acquire L")).isEqualTo("ACQUIRED");
        List<RecordedEvent> events;
        try (Recording recording = new Recording()) {
            recording.enable("dev.weft.Wait"); // default threshold: 20 ms
            recording.start();
            assertThat(domain.lock("L").tryAcquireForResult(Duration.ofMillis(100))).isEqualTo(LockResult.NOT_ACQUIRED);
            assertThat(domain.event("E").await(Duration.ofMillis(60))).isFalse();
            assertThat(domain.lock("free").tryAcquire(Duration.ofMillis(100))).isTrue(); // no wait: no event
            IpcQueue q = domain.queue("Q", 1, 16);
            assertThat(q.offer(new byte[] {1}, Duration.ofMillis(100))).isTrue(); // no wait: no event
            assertThat(q.offer(new byte[] {2}, Duration.ofMillis(100))).isFalse();
            assertThat(q.poll(Duration.ofMillis(100))).containsExactly(1); // no wait: no event
            assertThat(q.poll(Duration.ofMillis(60))).isNull();
            recording.stop();
            events = read(recording);
        }
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.weft.Wait") && e.getString("primitive").equals("IpcLock")).singleElement().satisfies(e -> {
            assertThat(e.getString("object")).isEqualTo("L");
            assertThat(e.getString("operation")).isEqualTo("acquire");
            assertThat(e.getString("outcome")).isEqualTo("NOT_ACQUIRED");
            assertThat(e.getDuration().toMillis()).isGreaterThanOrEqualTo(100);
        });
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.weft.Wait")
                && e.getString("primitive").equals("IpcQueue")).extracting(e -> e.getString("operation") + " "
                + e.getString("outcome")).containsExactly("put timed out", "take timed out");
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.weft.Wait") && e.getString("primitive").equals("IpcEvent")).singleElement().satisfies(e -> {
            assertThat(e.getString("object")).isEqualTo("E");
            assertThat(e.getString("outcome")).isEqualTo("timed out");
        });
    }

    @Test
    void semaphoreBarrierConditionAndJoinWaitsAreRecordedOnce_operationsThatDoNotWaitAreNot() throws Exception {
        IpcSemaphore semaphore = domain.semaphore("S", 1);
        IpcSemaphore bounded = domain.boundedSemaphore("B", 1);
        IpcBarrier barrier = domain.barrier("T", 2);
        IpcLock lock = domain.lock("CL");
        IpcCondition condition = domain.condition("C", lock);
        IpcJoinableQueue queue = domain.joinableQueue("J", 4, 16);
        AtomicReference<Thread> waiter = new AtomicReference<>();
        List<RecordedEvent> events;
        try (Recording recording = new Recording()) {
            recording.enable("dev.weft.Wait").withThreshold(Duration.ZERO); // every wait, however short
            recording.start();
            for (IpcSemaphore s : List.of(semaphore, bounded)) {
                s.acquire(); // a free permit: no wait, no event
                CompletableFuture<LockResult> acquiring = Threads.inThread(() -> s.acquireForResult(1), waiter);
                IpcTesting.awaitBlocked(waiter.get());
                s.release();
                assertThat(acquiring.get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
                s.release();
            }

            CompletableFuture<Integer> party = Threads.inThread(barrier::await, waiter);
            IpcTesting.awaitBlocked(waiter.get());
            int last = barrier.await(); // the last party trips it without waiting
            assertThat(List.of(last, party.get(30, TimeUnit.SECONDS))).containsExactlyInAnyOrder(0, 1);

            CompletableFuture<Void> awaiting = Threads.inThread(() -> {
                lock.acquire();
                try {
                    condition.await();
                } finally {
                    lock.release();
                }
                return null;
            }, waiter);
            IpcTesting.awaitBlocked(waiter.get());
            assertThat(condition.waiterCount()).isEqualTo(1);
            lock.acquire();
            condition.signal();
            lock.release();
            awaiting.get(30, TimeUnit.SECONDS);

            queue.put(new byte[] {1});                        // room: no wait, no event
            assertThat(queue.get()).containsExactly(1);       // a message: no wait, no event
            CompletableFuture<Void> joining = Threads.inThread(() -> {
                queue.join();
                return null;
            }, waiter);
            IpcTesting.awaitBlocked(waiter.get());
            queue.taskDone();
            joining.get(30, TimeUnit.SECONDS);
            recording.stop();
            events = read(recording).stream().filter(e -> e.getEventType().getName().equals("dev.weft.Wait")).toList();
        }
        assertThat(events).filteredOn(e -> e.getString("primitive").equals("IpcSemaphore")).singleElement()
                .satisfies(e -> assertWait(e, "S", "acquire", "ACQUIRED"));
        assertThat(events).filteredOn(e -> e.getString("primitive").equals("IpcBoundedSemaphore")).singleElement()
                .satisfies(e -> assertWait(e, "B", "acquire", "ACQUIRED"));
        assertThat(events).filteredOn(e -> e.getString("primitive").equals("IpcBarrier")).singleElement()
                .satisfies(e -> assertWait(e, "T", "await", "passed"));
        assertThat(events).filteredOn(e -> e.getString("primitive").equals("IpcCondition")).singleElement()
                .satisfies(e -> assertWait(e, "C", "await", "signalled"));
        assertThat(events).filteredOn(e -> e.getString("primitive").equals("IpcQueue")).singleElement()
                .satisfies(e -> assertWait(e, "J", "join", "joined"));
    }

    private static void assertWait(RecordedEvent e, String object, String operation, String outcome) {
        assertThat(e.getString("object")).isEqualTo(object);
        assertThat(e.getString("operation")).isEqualTo(operation);
        assertThat(e.getString("outcome")).isEqualTo(outcome);
        assertThat(e.getDuration()).isPositive();
    }

    private static List<RecordedEvent> read(Recording recording) throws Exception {
        Path file = Files.createTempFile("weft-ipc", ".jfr");
        try {
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().startsWith("dev.weft.")).toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void lockTakeOverAndRedeliveryAreRecordedWithTheDeadParticipant() throws Exception {
        List<RecordedEvent> events;
        Child holder = fixture.child("holder", "");
        Child consumer = fixture.child("consumer", "queue.get.copied:stop", "qopen Q 8 64 plain");
        consumer.expectPrefix("OPENED");
        try (Recording recording = new Recording()) {
            recording.enable("dev.weft.ipc.Recovery");
            recording.start();

            assertThat(holder.call("acquire L")).isEqualTo("ACQUIRED");
            holder.kill();
            assertThat(domain.lock("L").acquireForResult()).isEqualTo(LockResult.OWNER_DIED);
            domain.lock("L").release();

            IpcQueue q = domain.queue("Q", 8, 64);
            q.put(QueueMessages.encode(0, 0, 64));
            consumer.send("qtake Q");
            consumer.expectPoint("queue.get.copied");
            consumer.kill();
            byte[] again = q.poll(Duration.ofSeconds(30));
            assertThat(again).as("the dead consumer's message, delivered again").isNotNull();

            recording.stop();
            events = read(recording);
        }
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.weft.ipc.Recovery") && e.getString("action").equals("lock taken over from a dead holder"))
                .singleElement().satisfies(e -> {
                    assertThat(e.getString("object")).isEqualTo("lock 'L'");
                    assertThat(e.getString("file")).isEqualTo(dir.resolve("lock.L").toString());
                    assertThat(e.getString("participant")).contains("pid " + holder.pid());
                });
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.weft.ipc.Recovery") && e.getString("action").equals("take of a dead consumer taken back"))
                .singleElement().satisfies(e -> {
                    assertThat(e.getString("object")).isEqualTo("queue 'Q'");
                    assertThat(e.getString("participant")).contains("pid " + consumer.pid());
                });
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.weft.ipc.Recovery") && e.getString("action").equals("message redelivered")).hasSize(1);
    }
}
