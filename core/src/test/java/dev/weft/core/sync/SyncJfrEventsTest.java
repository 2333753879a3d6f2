package dev.weft.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.core.queue.AsyncQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code dev.weft.Wait} JFR event of the in-process primitives, recorded and read back. */
@Timeout(60)
class SyncJfrEventsTest {

    @Test
    void waitsPastTheThresholdAreRecorded_immediateSuccessesAreNot() throws Exception {
        Lock lock = new Lock();
        Event event = new Event();
        Semaphore free = new Semaphore(1);
        List<RecordedEvent> events;
        try (Recording recording = new Recording()) {
            recording.enable("dev.weft.Wait"); // default threshold: 20 ms
            recording.start();
            lock.acquire();
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    assertThat(lock.tryAcquire(Duration.ofMillis(100))).isFalse();
                    assertThat(event.await(Duration.ofMillis(60))).isFalse();
                    assertThat(free.tryAcquire(Duration.ofMillis(100))).isTrue(); // no wait: no event
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            other.join();
            lock.release();
            recording.stop();
            events = read(recording);
        }
        assertThat(events).extracting(e -> e.getString("primitive")).containsExactly("Lock", "Event");
        RecordedEvent lockWait = events.get(0);
        assertThat(lockWait.getString("operation")).isEqualTo("acquire");
        assertThat(lockWait.getString("outcome")).isEqualTo("timed out");
        assertThat(lockWait.getString("object")).startsWith("Lock@");
        assertThat(lockWait.getDuration().toMillis()).isGreaterThanOrEqualTo(100);
        assertThat(events.get(1).getString("operation")).isEqualTo("await");
    }

    @Test
    void conditionAndQueueWaitsAreRecordedOnce_operationsThatDoNotWaitAreNot() throws Exception {
        Condition condition = new Condition();
        AsyncQueue<Integer> queue = AsyncQueue.fifo(1);
        List<RecordedEvent> events;
        try (Recording recording = new Recording()) {
            recording.enable("dev.weft.Wait").withThreshold(Duration.ZERO); // every wait, however short
            recording.start();
            queue.put(1);                          // room: no wait, no event
            assertThat(queue.get()).isEqualTo(1);  // an element: no wait, no event

            FutureTask<Void> awaiting = inThread(() -> {
                condition.acquire();
                try {
                    condition.await();
                } finally {
                    condition.release();
                }
                return null;
            });
            until(condition::hasWaiters);
            condition.acquire();
            condition.signal();
            condition.release();
            awaiting.get(30, TimeUnit.SECONDS);

            FutureTask<Integer> getting = inThread(queue::get);
            until(() -> queue.waitingGetters() == 1);
            queue.put(2);
            assertThat(getting.get(30, TimeUnit.SECONDS)).isEqualTo(2);

            queue.put(3);
            FutureTask<Void> putting = inThread(() -> {
                queue.put(4);
                return null;
            });
            until(() -> queue.waitingPutters() == 1);
            assertThat(queue.get()).isEqualTo(3);
            putting.get(30, TimeUnit.SECONDS);
            assertThat(queue.get()).isEqualTo(4);

            FutureTask<Void> joining = inThread(() -> {
                queue.join();
                return null;
            });
            until(() -> queue.waitingJoiners() == 1);
            while (queue.unfinishedTasks() > 0) {
                queue.taskDone();
            }
            joining.get(30, TimeUnit.SECONDS);
            recording.stop();
            events = read(recording);
        }
        assertThat(events).filteredOn(e -> e.getString("primitive").equals("Condition")).singleElement().satisfies(e -> {
            assertThat(e.getString("object")).startsWith("Condition@");
            assertThat(e.getString("operation")).isEqualTo("await");
            assertThat(e.getString("outcome")).isEqualTo("signalled");
            assertThat(e.getDuration()).isPositive();
        });
        List<RecordedEvent> queueWaits = events.stream().filter(e -> e.getString("primitive").equals("AsyncQueue")).toList();
        assertThat(queueWaits).extracting(e -> e.getString("operation") + " " + e.getString("outcome"))
                .containsExactlyInAnyOrder("get taken", "put put", "join joined");
        assertThat(queueWaits).allSatisfy(e -> {
            assertThat(e.getString("object")).isEqualTo("AsyncQueue@" + Integer.toHexString(System.identityHashCode(queue)));
            assertThat(e.getDuration()).isPositive();
        });
    }

    private static <T> FutureTask<T> inThread(Callable<T> body) {
        FutureTask<T> task = new FutureTask<>(body);
        Thread.ofPlatform().start(task);
        return task;
    }

    /** Waits (at most 30 s) until {@code state} holds; polls a state, orders nothing by time. */
    private static void until(BooleanSupplier state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!state.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("state reached within 30 s").isNegative();
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static List<RecordedEvent> read(Recording recording) throws Exception {
        Path file = Files.createTempFile("weft-sync", ".jfr");
        try {
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("dev.weft.Wait")).toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
