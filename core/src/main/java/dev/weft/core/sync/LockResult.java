package dev.weft.core.sync;

/**
 * The outcome of an attempt to acquire an {@link ExclusiveLock}, or permits of a
 * {@link CountingSemaphore}, through one of their {@code ...ForResult} forms.
 *
 * <p>Python's {@code Lock.acquire} returns {@code True} or {@code False}; Weft adds a third answer,
 * {@link #OWNER_DIED}, in the manner of a robust POSIX mutex ({@code EOWNERDEAD}): the caller holds
 * the lock, but the previous holder died while holding it (a killed process, an expired lease), so
 * whatever the lock protects may be half-updated and should be checked or repaired before use. A
 * lock between threads of one process never reports it. For a semaphore, {@link #OWNER_DIED} says
 * that at least one of the permits acquired was returned to the pool by the recovery of a holder
 * that died while holding it, so whatever the permits guard may need checking.
 *
 * @since 0.1
 */
public enum LockResult {

    /** The lock was free (or released by its holder) and the caller now holds it. */
    ACQUIRED,

    /**
     * The caller now holds the lock, taken over from a holder that died without releasing it. The
     * protected state may be inconsistent.
     */
    OWNER_DIED,

    /** The caller does not hold the lock: it was busy and the attempt did not wait or timed out. */
    NOT_ACQUIRED;

    /**
     * Whether the caller holds the lock ({@link #ACQUIRED} or {@link #OWNER_DIED}).
     *
     * @return {@code true} unless {@link #NOT_ACQUIRED}
     */
    public boolean acquired() {
        return this != NOT_ACQUIRED;
    }

    /**
     * Whether the lock was taken over from a dead holder.
     *
     * @return {@code true} only for {@link #OWNER_DIED}
     */
    public boolean ownerDied() {
        return this == OWNER_DIED;
    }
}
