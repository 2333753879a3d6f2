package dev.weft.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.redis.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code dev.weft.Wait} JFR event of the Redis primitives: a request that had to wait for the
 * object to change is recorded, one granted by its first server attempt is not.
 */
@ExtendWith(TestRedis.class)
@Timeout(60)
class RedisJfrEventsTest {

    private static final Duration WAIT = Duration.ofMillis(100);

    private static RedisWeft weft;

    @BeforeAll
    static void connect() {
        weft = RedisWeft.connect(TestRedis.uri());
    }

    @AfterAll
    static void disconnect() {
        weft.close();
    }

    @Test
    void waitsOnTheLockEventAndQueueAreRecordedOnce_requestsGrantedAtOnceAreNot() throws Exception {
        String lockName = TestRedis.unique("jfr-lock");
        String eventName = TestRedis.unique("jfr-event");
        String queueName = TestRedis.unique("jfr-queue");
        RedisLock held = weft.lock(lockName);
        RedisQueue queue = weft.queue(queueName, 1);
        List<RecordedEvent> events;
        try (Recording recording = new Recording()) {
            recording.enable("dev.weft.Wait").withThreshold(Duration.ZERO); // every wait, however short
            recording.start();
            assertThat(held.tryAcquire(WAIT)).isTrue();                 // free: granted at once, no event
            assertThat(weft.lock(lockName).tryAcquire(WAIT)).isFalse(); // held by the other handle: waits
            assertThat(weft.event(eventName).await(WAIT)).isFalse();    // never set: waits

            assertThat(queue.poll(WAIT)).isNull();                      // empty: waits
            assertThat(queue.offer(new byte[] {1}, WAIT)).isTrue();     // room: put at once, no event
            assertThat(queue.offer(new byte[] {2}, WAIT)).isFalse();    // full: waits
            assertThat(queue.poll(WAIT)).containsExactly(1);            // an element: taken at once, no event
            assertThat(queue.join(WAIT)).isFalse();                     // one task not done: waits
            queue.taskDone();
            held.release();
            recording.stop();
            events = read(recording);
        }
        assertThat(events).filteredOn(e -> e.getString("primitive").equals("RedisLock")).singleElement()
                .satisfies(e -> assertTimedOut(e, lockName, "acquire"));
        assertThat(events).filteredOn(e -> e.getString("primitive").equals("RedisEvent")).singleElement()
                .satisfies(e -> assertTimedOut(e, eventName, "await"));
        List<RecordedEvent> queueWaits = events.stream().filter(e -> e.getString("primitive").equals("RedisQueue")).toList();
        assertThat(queueWaits).extracting(e -> e.getString("operation")).containsExactlyInAnyOrder("get", "put", "join");
        assertThat(queueWaits).allSatisfy(e -> assertTimedOut(e, queueName, e.getString("operation")));
    }

    private static void assertTimedOut(RecordedEvent e, String object, String operation) {
        assertThat(e.getString("object")).isEqualTo(object);
        assertThat(e.getString("operation")).isEqualTo(operation);
        assertThat(e.getString("outcome")).isEqualTo("timed out");
        assertThat(e.getDuration()).isGreaterThanOrEqualTo(WAIT);
    }

    private static List<RecordedEvent> read(Recording recording) throws Exception {
        Path file = Files.createTempFile("weft-redis", ".jfr");
        try {
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("dev.weft.Wait")).toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
