package dev.weft.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The {@code dev.weft.Wait} JFR event of the in-process primitives, recorded and read back. */
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
            Path file = Files.createTempFile("weft-sync", ".jfr");
            try {
                recording.dump(file);
                events = RecordingFile.readAllEvents(file).stream()
                        .filter(e -> e.getEventType().getName().equals("dev.weft.Wait")).toList();
            } finally {
                Files.deleteIfExists(file);
            }
        }
        assertThat(events).extracting(e -> e.getString("primitive")).containsExactly("Lock", "Event");
        RecordedEvent lockWait = events.get(0);
        assertThat(lockWait.getString("operation")).isEqualTo("acquire");
        assertThat(lockWait.getString("outcome")).isEqualTo("timed out");
        assertThat(lockWait.getString("object")).startsWith("Lock@");
        assertThat(lockWait.getDuration().toMillis()).isGreaterThanOrEqualTo(100);
        assertThat(events.get(1).getString("operation")).isEqualTo("await");
    }
}
