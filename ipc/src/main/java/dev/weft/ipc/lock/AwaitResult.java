package dev.weft.ipc.lock;

import dev.weft.core.sync.LockResult;

/**
 * The outcome of a timed wait on an {@link IpcCondition} through
 * {@link IpcCondition#awaitForResult(java.time.Duration)}: whether a signal chose the waiter before the
 * timeout, and whether the lock, which is held again in every case, was taken over from a holder
 * that died.
 *
 * <p>The two answers are independent, so there are four values, one for each pair; the caller
 * reads them with {@link #signalled()} and {@link #ownerDied()}, or switches on the value. There is
 * no "not acquired" value: a wait on a condition always ends holding the lock.
 *
 * <table class="striped">
 *   <caption>The values and what they tell</caption>
 *   <thead><tr><th>Value</th><th>{@link #signalled()}</th><th>{@link #ownerDied()}</th>
 *       <th>{@link #lockResult()}</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link #SIGNALLED}</td><td>{@code true}</td><td>{@code false}</td><td>{@link LockResult#ACQUIRED}</td></tr>
 *     <tr><td>{@link #SIGNALLED_OWNER_DIED}</td><td>{@code true}</td><td>{@code true}</td><td>{@link LockResult#OWNER_DIED}</td></tr>
 *     <tr><td>{@link #TIMED_OUT}</td><td>{@code false}</td><td>{@code false}</td><td>{@link LockResult#ACQUIRED}</td></tr>
 *     <tr><td>{@link #TIMED_OUT_OWNER_DIED}</td><td>{@code false}</td><td>{@code true}</td><td>{@link LockResult#OWNER_DIED}</td></tr>
 *   </tbody>
 * </table>
 *
 * {@snippet :
 * lock.acquire();
 * try {
 *     AwaitResult r = ready.awaitForResult(Duration.ofSeconds(5));
 *     if (r.ownerDied()) {
 *         repairJobs();        // a holder died mid-update while this process waited
 *     }
 *     if (!r.signalled()) {
 *         log("no signal within 5 s");
 *     }
 * } finally {
 *     lock.release();
 * }
 * }
 *
 * @see LockResult
 * @since 0.1
 */
public enum AwaitResult {

    /** A signal chose the waiter before the timeout; the lock was re-acquired normally. */
    SIGNALLED,

    /**
     * A signal chose the waiter before the timeout; the lock was taken over from a holder that died
     * without releasing it (the protected state may be inconsistent).
     */
    SIGNALLED_OWNER_DIED,

    /** The timeout elapsed before any signal chose the waiter; the lock was re-acquired normally. */
    TIMED_OUT,

    /**
     * The timeout elapsed before any signal chose the waiter; the lock was taken over from a holder
     * that died without releasing it (the protected state may be inconsistent).
     */
    TIMED_OUT_OWNER_DIED;

    /**
     * The value for a wait that was or was not signalled and re-acquired the lock with
     * {@code reacquired}.
     *
     * @param signalled whether a signal chose the waiter before the timeout
     * @param reacquired how the lock was re-acquired: {@link LockResult#ACQUIRED} or
     *     {@link LockResult#OWNER_DIED}
     * @return the value
     * @throws IllegalArgumentException if {@code reacquired} is {@link LockResult#NOT_ACQUIRED}
     */
    public static AwaitResult of(boolean signalled, LockResult reacquired) {
        return switch (reacquired) {
            case ACQUIRED -> signalled ? SIGNALLED : TIMED_OUT;
            case OWNER_DIED -> signalled ? SIGNALLED_OWNER_DIED : TIMED_OUT_OWNER_DIED;
            case NOT_ACQUIRED -> throw new IllegalArgumentException(
                    "reacquired must be ACQUIRED or OWNER_DIED (a wait always ends holding the lock), was "
                            + reacquired);
        };
    }

    /**
     * Whether a signal chose the waiter before the timeout: the value that
     * {@link IpcCondition#await(Duration)} returns.
     *
     * @return {@code true} for {@link #SIGNALLED} and {@link #SIGNALLED_OWNER_DIED}
     */
    public boolean signalled() {
        return this == SIGNALLED || this == SIGNALLED_OWNER_DIED;
    }

    /**
     * Whether the lock was taken over from a holder that died.
     *
     * @return {@code true} for {@link #SIGNALLED_OWNER_DIED} and {@link #TIMED_OUT_OWNER_DIED}
     */
    public boolean ownerDied() {
        return this == SIGNALLED_OWNER_DIED || this == TIMED_OUT_OWNER_DIED;
    }

    /**
     * How the lock was re-acquired, as the lock's own result forms say it.
     *
     * @return {@link LockResult#OWNER_DIED} if {@link #ownerDied()}, else {@link LockResult#ACQUIRED}
     */
    public LockResult lockResult() {
        return ownerDied() ? LockResult.OWNER_DIED : LockResult.ACQUIRED;
    }
}
