package dev.weft.core.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code dev.weft.TaskCancelled}: a task was cancelled (by {@code cancel}, a timeout, a
 * task group's abort, or a combinator), recorded in the thread that cancelled it.
 */
@Name("dev.weft.TaskCancelled")
@Label("Task Cancelled")
@Category({"Weft", "Tasks"})
@Description("A Weft task was cancelled; recorded in the cancelling thread")
@StackTrace(true)
public final class TaskCancelledEvent extends jdk.jfr.Event {

    @Label("Task")
    @Description("The task's name")
    String task;

    @Label("Message")
    @Description("The message of the task's CancellationException")
    String message;

    @Label("Was Running")
    @Description("Whether the task's body had started (it is then interrupted); otherwise it never runs")
    boolean running;

    /** Records the event if it is enabled. */
    public static void emit(String task, String message, boolean running) {
        TaskCancelledEvent e = new TaskCancelledEvent();
        if (e.isEnabled()) {
            e.task = task;
            e.message = message;
            e.running = running;
            e.commit();
        }
    }
}
