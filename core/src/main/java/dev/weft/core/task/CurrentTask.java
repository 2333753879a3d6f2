package dev.weft.core.task;

import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The binding behind {@link Task#current()}: which task's body the calling thread runs.
 *
 * <p>This is the Java 21 version. On Java 25+ a class of the same name in the multi-release part
 * of the jar ({@code src/main/java25}) replaces it with a {@code ScopedValue} binding, which costs
 * a task's start neither a map entry nor a thread-local map.
 *
 * <p>Platform threads (pool threads, which run many tasks) keep the task in a thread-local: the
 * map is made once per thread. Virtual threads usually run one task and end, so they use a shared
 * map keyed by thread instead: a thread-local would cost each of them a map and a weak entry, and
 * every collection a weak reference per running task.
 *
 * <p>Nesting (a body that runs another task's body on the same thread, e.g. through an executor
 * that runs inline) restores the outer task when the inner body ends.
 */
final class CurrentTask {

    private static final ThreadLocal<@Nullable Task<?>> ON_PLATFORM_THREAD = new ThreadLocal<>();
    private static final ConcurrentHashMap<Thread, Task<?>> ON_VIRTUAL_THREAD = new ConcurrentHashMap<>();

    private CurrentTask() {}

    /**
     * Returns the task whose body the calling thread runs, or {@code null}.
     *
     * @return the current task, or {@code null}
     */
    static @Nullable Task<?> get() {
        Thread me = Thread.currentThread();
        return me.isVirtual() ? ON_VIRTUAL_THREAD.get(me) : ON_PLATFORM_THREAD.get();
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
        Thread me = Thread.currentThread();
        if (me.isVirtual()) {
            Task<?> outer = ON_VIRTUAL_THREAD.put(me, task);
            try {
                return body.call();
            } finally {
                if (outer == null) {
                    ON_VIRTUAL_THREAD.remove(me);
                } else {
                    ON_VIRTUAL_THREAD.put(me, outer);
                }
            }
        }
        Task<?> outer = ON_PLATFORM_THREAD.get();
        ON_PLATFORM_THREAD.set(task);
        try {
            return body.call();
        } finally {
            if (outer == null) {
                ON_PLATFORM_THREAD.remove();
            } else {
                ON_PLATFORM_THREAD.set(outer);
            }
        }
    }

    /**
     * Names the mechanism of this version, for tests that check which class the runtime chose.
     *
     * @return {@code "thread-map"}
     */
    static String binding() {
        return "thread-map";
    }
}
