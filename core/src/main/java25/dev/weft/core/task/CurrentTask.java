package dev.weft.core.task;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * The binding behind {@link Task#current()} on Java 25+: a {@code ScopedValue} bound for the
 * duration of the body, which replaces the Java 21 version's thread-local and map.
 *
 * <p>Binding costs a start two small objects and no shared state, and reading it is a lookup in the
 * thread's own bindings. Nesting (a body that runs another task's body on the same thread) rebinds
 * for the inner body and restores the outer binding when it ends.
 *
 * <p>A thread forked by a {@code StructuredTaskScope} inside a body inherits the body's bindings;
 * such a thread does not run the task's body, so {@link #get()} answers only on the task's own
 * runner thread, and other threads see {@code null}, as on Java 21.
 */
final class CurrentTask {

    private static final ScopedValue<Task<?>> TASK = ScopedValue.newInstance();

    private CurrentTask() {}

    /**
     * Returns the task whose body the calling thread runs, or {@code null}.
     *
     * @return the current task, or {@code null}
     */
    static @Nullable Task<?> get() {
        if (!TASK.isBound()) {
            return null;
        }
        Task<?> task = TASK.get();
        return task.runsOn(Thread.currentThread()) ? task : null;
    }

    /**
     * Runs {@code body} with {@code task} as the calling thread's current task, and restores the
     * previous one (if any) when it returns or throws.
     *
     * @param task the task whose body this is
     * @param body the body
     * @param <T> the type of its result
     * @return what {@code body} returned
     * @throws Exception what {@code body} threw
     */
    static <T extends @Nullable Object> T call(Task<?> task, Callable<? extends T> body) throws Exception {
        return ScopedValue.where(TASK, task).call(body::call);
    }

    /**
     * Names the mechanism of this version, for tests that check which class the runtime chose.
     *
     * @return {@code "scoped-value"}
     */
    static String binding() {
        return "scoped-value";
    }
}
