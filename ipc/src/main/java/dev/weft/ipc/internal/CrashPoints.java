package dev.weft.ipc.internal;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Named points inside the algorithms where the crash tests stop or observe a child process.
 *
 * <p>Inert unless the system property {@value #PROPERTY} names points, which only the test harness
 * does in the child JVMs it starts: {@code -Dweft.ipc.crashpoints=lock.released:stop,lock.sleeping:mark}.
 * At a point armed {@code mark} the thread prints {@code POINT <name>} on standard output and goes
 * on (printing only the first time); at a point armed {@code stop} it prints the same line and parks forever, so the test can then
 * {@code SIGKILL} the process at exactly that step; at a point armed {@code pause} it prints the
 * line (the first time) and parks until {@link #resume(String)} is called for the point, so the
 * test can stop and resume the process while it holds something. When the property is absent, {@link #ENABLED}
 * is a {@code false} constant and the JIT removes every check.
 */
public final class CrashPoints {

    /** The system property that arms points. */
    public static final String PROPERTY = "weft.ipc.crashpoints";

    /** Whether any point is armed (constant for the JVM's life). */
    public static final boolean ENABLED;
    private static final Map<String, String> ARMED;
    private static final java.util.Set<String> MARKED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.Set<String> RESUMED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.Map<String, Thread> PAUSED = new java.util.concurrent.ConcurrentHashMap<>();

    static {
        String spec = System.getProperty(PROPERTY, "").trim();
        ARMED = spec.isEmpty() ? Map.of() : Arrays.stream(spec.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableMap(s -> s.split(":")[0], s -> s.contains(":") ? s.split(":")[1] : "stop"));
        ENABLED = !ARMED.isEmpty();
    }

    private CrashPoints() {}

    /** Lets the thread paused at {@code point} (mode {@code pause}) go on. */
    public static void resume(String point) {
        RESUMED.add(point);
        Thread t = PAUSED.get(point);
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Reaches the named point: nothing unless armed (callers guard with {@link #ENABLED}). */
    public static void reach(String point) {
        String mode = ARMED.get(point);
        if (mode == null || (!mode.equals("stop") && !MARKED.add(point))) {
            return;
        }
        if (mode.equals("pause")) {
            PAUSED.put(point, Thread.currentThread());
            System.out.println("POINT " + point);
            System.out.flush();
            while (!RESUMED.contains(point)) {
                LockSupport.park(CrashPoints.class);
            }
            return;
        }
        System.out.println("POINT " + point);
        System.out.flush();
        if (mode.equals("stop")) {
            while (true) {
                LockSupport.park(CrashPoints.class);
            }
        }
    }
}
