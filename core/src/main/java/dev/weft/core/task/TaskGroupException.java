package dev.weft.core.task;

import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The failures of the tasks of a {@link TaskGroup} (and of the group's body, for
 * {@link TaskGroup#run(TaskGroup.Body)}): the counterpart of the {@code ExceptionGroup} that
 * {@code asyncio.TaskGroup} raises.
 *
 * <p>Every failure is kept: {@link #failures()} lists them all in the order they happened; the
 * first is also the {@linkplain #getCause() cause} and the others are
 * {@linkplain #getSuppressed() suppressed}, so that a printed stack trace shows each of them.
 * Cancelled tasks are not failures and do not appear. A failing nested group appears as its own
 * {@code TaskGroupException} among the failures of the enclosing group, as exception groups nest.
 *
 * @since 0.1
 */
public final class TaskGroupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The failures, in order; an unmodifiable copy. */
    private final transient List<Throwable> failures;

    TaskGroupException(String group, List<Throwable> failures) {
        super(message(group, failures), failures.get(0));
        this.failures = List.copyOf(failures);
        for (int i = 1; i < this.failures.size(); i++) {
            addSuppressed(this.failures.get(i));
        }
    }

    /**
     * Returns every failure, in the order they were recorded (at least one).
     *
     * @return an unmodifiable list of the failures
     */
    public List<Throwable> failures() {
        return failures;
    }

    private static String message(String group, List<Throwable> failures) {
        Objects.requireNonNull(group, "group");
        if (failures.isEmpty()) {
            throw new IllegalArgumentException("expected at least one failure, got none for " + group);
        }
        StringJoiner each = new StringJoiner("; ");
        for (Throwable t : failures) {
            each.add(String.valueOf(t));
        }
        return failures.size() + (failures.size() == 1 ? " failure" : " failures") + " in " + group + ": " + each;
    }
}
