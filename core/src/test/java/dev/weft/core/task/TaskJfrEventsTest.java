package dev.weft.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The tasks' JFR events, recorded in this JVM and read back with their fields. */
class TaskJfrEventsTest {

    @Test
    void cancellingATaskAndAbortingAGroupAreRecorded() throws Exception {
        List<RecordedEvent> events;
        try (Recording recording = new Recording()) {
            recording.enable("dev.weft.TaskCancelled");
            recording.enable("dev.weft.TaskGroupAborted");
            recording.start();

            CountDownLatch running = new CountDownLatch(1);
            Task<Void> sleeper = Task.start("sleeper", () -> {
                running.countDown();
                new CountDownLatch(1).await();
            });
            running.await();
            sleeper.cancel("enough");
            assertThatThrownBy(sleeper::join).isInstanceOf(java.util.concurrent.CancellationException.class);

            CountDownLatch waiting = new CountDownLatch(1);
            assertThatThrownBy(() -> {
                try (TaskGroup group = TaskGroup.builder().name("batch").open()) {
                    group.start("waiter", () -> {
                        waiting.countDown();
                        new CountDownLatch(1).await();
                        return null;
                    });
                    waiting.await();
                    group.start("failer", () -> {
                        throw new IllegalStateException("boom");
                    });
                }
            }).isInstanceOf(TaskGroupException.class);

            recording.stop();
            Path file = Files.createTempFile("weft-tasks", ".jfr");
            try {
                recording.dump(file);
                events = RecordingFile.readAllEvents(file);
            } finally {
                Files.deleteIfExists(file);
            }
        }
        RecordedEvent cancelled = events.stream()
                .filter(e -> e.getEventType().getName().equals("dev.weft.TaskCancelled")
                        && e.getString("task").equals("sleeper"))
                .findFirst().orElseThrow(() -> new AssertionError("no TaskCancelled for sleeper in " + events));
        assertThat(cancelled.getString("message")).isEqualTo("enough");
        assertThat(cancelled.getBoolean("running")).isTrue();

        RecordedEvent aborted = events.stream()
                .filter(e -> e.getEventType().getName().equals("dev.weft.TaskGroupAborted"))
                .findFirst().orElseThrow(() -> new AssertionError("no TaskGroupAborted in " + events));
        assertThat(aborted.getString("group")).isEqualTo("batch");
        assertThat(aborted.getString("reason")).startsWith("a task failed: java.lang.IllegalStateException: boom");
        assertThat(aborted.getInt("tasksStopped")).isEqualTo(1);
    }
}
