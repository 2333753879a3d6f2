package dev.weft.core.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * JFR event {@code dev.weft.TaskGroupAborted}: a task group began to abort (a task failed, the group
 * was cancelled, or its owner was cancelled or interrupted) and asked its live tasks to stop.
 */
@Name("dev.weft.TaskGroupAborted")
@Label("Task Group Aborted")
@Category({"Weft", "Tasks"})
@Description("A Weft task group began to abort and asked its live tasks to stop")
public final class TaskGroupAbortedEvent extends jdk.jfr.Event {

    @Label("Group")
    @Description("The group's name")
    String group;

    @Label("Reason")
    @Description("Why the group aborts")
    String reason;

    @Label("Tasks Stopped")
    @Description("Live tasks asked to stop (cancelled if not started, else interrupted)")
    int tasksStopped;

    /** Records the event if it is enabled. */
    public static void emit(String group, String reason, int tasksStopped) {
        TaskGroupAbortedEvent e = new TaskGroupAbortedEvent();
        if (e.isEnabled()) {
            e.group = group;
            e.reason = reason;
            e.tasksStopped = tasksStopped;
            e.commit();
        }
    }
}
