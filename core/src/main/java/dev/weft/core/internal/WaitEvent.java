package dev.weft.core.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import org.jspecify.annotations.Nullable;

/**
 * JFR event {@code dev.weft.Wait}: a thread waited on a Weft primitive (a lock, semaphore,
 * condition, barrier, event or queue, in-process or shared between processes) for longer than the
 * threshold, 20 ms by default as for the JDK's {@code jdk.ThreadPark}; set another with
 * {@code jfr configure} or a recording setting ({@code dev.weft.Wait#threshold=5 ms}).
 *
 * <p>Only the waiting path creates the event: an operation that completes without waiting never
 * reaches it, and with the event disabled the waiting path pays one {@link #isEnabled()} check.
 *
 * <pre>{@code
 * WaitEvent event = WaitEvent.start();          // null unless a recording enables the event
 * String outcome = WaitEvent.FAILED;
 * try {
 *     ... wait ...
 *     outcome = "acquired";
 * } finally {
 *     WaitEvent.end(event, "IpcLock", name, "acquire", outcome);
 * }
 * }</pre>
 */
@Name("dev.weft.Wait")
@Label("Weft Wait")
@Category({"Weft", "Synchronization"})
@Description("A thread waited on a Weft lock, semaphore, condition, barrier, event or queue")
@Threshold("20 ms")
@StackTrace(true)
public final class WaitEvent extends jdk.jfr.Event {

    /** Outcome of a wait that ended with an exception (interrupt, shutdown, closed domain). */
    public static final String FAILED = "interrupted or failed";

    @Label("Primitive")
    @Description("The kind of object waited on, e.g. Lock or IpcQueue")
    String primitive;

    @Label("Object")
    @Description("The object's name, or its identity if it has none")
    String object;

    @Label("Operation")
    @Description("The operation that waited, e.g. acquire, await, put, take, join")
    String operation;

    @Label("Outcome")
    @Description("How the wait ended, e.g. ACQUIRED, OWNER_DIED, timed out, interrupted or failed")
    String outcome;

    /** Begins a wait event if the event is enabled; else returns {@code null} at once. */
    public static @Nullable WaitEvent start() {
        WaitEvent event = new WaitEvent();
        if (!event.isEnabled()) {
            return null;
        }
        event.begin();
        return event;
    }

    /**
     * As {@link #end(WaitEvent, String, String, String, String)} for an in-process object, which
     * the event names by its kind and identity hash ({@code Lock@1b6d3586}); the name is formatted
     * only for an event that is committed.
     */
    public static void endLocal(@Nullable WaitEvent event, String primitive, Object owner, String operation,
            String outcome) {
        if (event == null) {
            return;
        }
        event.end();
        if (event.shouldCommit()) {
            event.commitWith(primitive, primitive + "@" + Integer.toHexString(System.identityHashCode(owner)), operation,
                    outcome);
        }
    }

    /** Ends {@code event} (if not {@code null}) and commits it if it lasted past the threshold. */
    public static void end(@Nullable WaitEvent event, String primitive, String object, String operation, String outcome) {
        if (event == null) {
            return;
        }
        event.end();
        if (event.shouldCommit()) {
            event.commitWith(primitive, object, operation, outcome);
        }
    }

    private void commitWith(String primitive, String object, String operation, String outcome) {
        this.primitive = primitive;
        this.object = object;
        this.operation = operation;
        this.outcome = outcome;
        commit();
    }
}
