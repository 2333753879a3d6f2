package dev.weft.ipc.inspect;

/**
 * Whether a participant of a domain is still running, as far as a read-only observer can tell.
 *
 * <p>The domain itself proves a participant dead with an OS file lock that the kernel drops when
 * the process exits; taking that lock, even to test it, is a change to the domain (and, inside a
 * process that has the domain open, would drop that process's own locks), so the inspector judges
 * by the process table instead: a participant is {@link #ALIVE} when a process with its recorded
 * pid exists and started at its recorded start time. On Linux that start is compared in clock
 * ticks since boot within the same boot ({@code /proc}), so setting the wall clock never makes a
 * live participant look dead; elsewhere the start instants must agree within one second.
 *
 * @since 0.1
 */
public enum Liveness {
    /** A process with the participant's pid and start time is running. */
    ALIVE,
    /**
     * The participant is gone: its registry entry was freed or reused, or no process with its pid
     * and start time exists (the pid may since belong to another process).
     */
    DEAD,
    /** The registry entry could not be read, or the process's start time is not known. */
    UNKNOWN
}
