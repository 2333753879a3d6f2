package dev.weft.core.sync;

/**
 * A {@link Semaphore} that refuses to be released more times than it was acquired: the
 * counterpart of {@code asyncio.BoundedSemaphore}, and the in-process implementation of the
 * {@link BoundedCountingSemaphore} contract.
 *
 * <p>The initial number of permits is also the bound. A release that would make more permits
 * available than the bound throws {@link IllegalStateException} and changes nothing (Python raises
 * {@code ValueError('BoundedSemaphore released too many times')}); the check is atomic with the
 * release, so two racing over-releases cannot both slip through. Use it where permits stand for
 * resources (connections, slots) that a double release would counterfeit.
 *
 * <p>Everything else, including the modes (bounded barging by default, {@link #fair(int)}), the forms of acquire and the cancellation
 * guarantees, is as in {@link Semaphore}. An acquire of more permits than the bound could never
 * succeed and throws {@link IllegalArgumentException} instead of waiting forever.
 *
 * {@snippet :
 * BoundedSemaphore pool = new BoundedSemaphore(2);
 * pool.acquire();
 * pool.release();
 * pool.release();   // throws IllegalStateException: released too many times
 * }
 *
 * @since 0.1
 */
public final class BoundedSemaphore extends Semaphore implements BoundedCountingSemaphore {

    /**
     * Creates a bounded semaphore with one permit, as {@code asyncio.BoundedSemaphore()} does.
     */
    public BoundedSemaphore() {
        this(1);
    }

    /**
     * Creates a bounded semaphore with {@code permits} permits, which is also its bound.
     *
     * @param permits the initial number of permits and the bound
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public BoundedSemaphore(int permits) {
        super(permits, permits, false);
    }

    private BoundedSemaphore(int permits, boolean fair) {
        super(permits, permits, fair);
    }

    /**
     * Creates a strictly FIFO bounded semaphore with {@code permits} permits, which is also its
     * bound (see {@link Semaphore#fair(int)}).
     *
     * @param permits the initial number of permits and the bound
     * @return a new fair bounded semaphore
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public static BoundedSemaphore fair(int permits) {
        return new BoundedSemaphore(permits, true);
    }

    /**
     * The bound: the initial number of permits.
     *
     * @return the most permits that may be available at once
     */
    @Override
    public int bound() {
        return (int) maxPermits;
    }

    @Override
    IllegalStateException overRelease(int permits) {
        return new IllegalStateException("BoundedSemaphore released too many times: releasing " + permits
                + " permit(s) to " + sync.available() + " available would pass the bound " + maxPermits);
    }

    /**
     * Describes the state, for diagnostics: {@code BoundedSemaphore[permits=0, waiters=3, bound=2]}.
     *
     * @return a description of the current state
     */
    @Override
    public String toString() {
        return "BoundedSemaphore[" + sync + ", bound=" + maxPermits + "]";
    }
}
