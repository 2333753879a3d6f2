package dev.weft.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link Task#current()} through {@link CurrentTask}, whichever version the runtime chose: the
 * build runs this class against the Java 21 classes and against the multi-release jar.
 */
class CurrentTaskTest {

    @Test
    void binding_isTheVersionThisTestRunExpects() {
        String expected = System.getProperty("weft.core.test.expectBinding");
        assumeThat(expected).as("weft.core.test.expectBinding (set by the build's test runs)").isNotNull();
        assertThat(CurrentTask.binding()).isEqualTo(expected);
    }

    @Test
    void current_onAThreadThatTheBodyStarts_isNull() {
        for (Task.Builder start : virtualAndPlatform()) {
            AtomicReference<@Nullable Task<?>> inBody = new AtomicReference<>();
            List<@Nullable Task<?>> onChildren = new ArrayList<>();
            Task<@Nullable Void> task = start.start(() -> {
                inBody.set(Task.current());
                for (Thread.Builder child : List.of(Thread.ofVirtual(), Thread.ofPlatform())) {
                    AtomicReference<@Nullable Task<?>> seen = new AtomicReference<>(inBody.get());
                    Thread t = child.start(() -> seen.set(Task.current()));
                    t.join(); // the body is still running while the child looks
                    onChildren.add(seen.get());
                }
            });
            task.join();
            assertThat(inBody.get()).isSameAs(task);
            assertThat(onChildren).hasSize(2).containsOnlyNulls();
        }
    }

    @Test
    void current_afterANestedBodyThrows_isTheOuterTaskAgain() {
        for (Task.Builder outerStart : virtualAndPlatform()) {
            AtomicReference<@Nullable Task<?>> afterInner = new AtomicReference<>();
            AtomicReference<@Nullable Task<?>> innerTask = new AtomicReference<>();
            Task<@Nullable Void> outer = outerStart.start(() -> {
                innerTask.set(Task.builder().executor(Runnable::run).start(() -> {
                    throw new IllegalStateException("inner failed");
                }));
                afterInner.set(Task.current());
            });
            outer.join();
            assertThatThrownBy(() -> innerTask.get().join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class);
            assertThat(afterInner.get()).isSameAs(outer);
        }
        assertThat(Task.current()).isNull();
    }

    @Test
    void current_ofManyTasksRunningAtOnce_isEachTasksOwn() {
        int n = 2_000;
        AtomicReferenceArray<@Nullable Task<?>> seen = new AtomicReferenceArray<>(n);
        List<Task<@Nullable Void>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            tasks.add(Task.start(() -> {
                Thread.yield(); // let other bodies run in between: each must still see its own task
                seen.set(index, Task.current());
            }));
        }
        for (int i = 0; i < n; i++) {
            tasks.get(i).join();
            assertThat(seen.get(i)).as("task %d", i).isSameAs(tasks.get(i));
        }
    }

    /** Builders that start a task on a new virtual thread and on a new platform thread. */
    private static List<Task.Builder> virtualAndPlatform() {
        return List.of(Task.builder(), Task.builder().threadFactory(r -> new Thread(r, "platform")));
    }
}
