package dev.weft.core.sync;

/**
 * A {@link CountingSemaphore} that refuses to be released more times than it was acquired: the
 * contract of every Weft bounded semaphore, the counterpart of Python's
 * {@code asyncio.BoundedSemaphore}, {@code threading.BoundedSemaphore} and
 * {@code multiprocessing.BoundedSemaphore}.
 *
 * <p>In addition to the {@link CountingSemaphore} guarantees: the initial number of permits is the
 * {@link #bound()}; a release that would make more permits available than the bound throws
 * {@link IllegalStateException} and changes nothing (Python raises {@code ValueError}), and the
 * check is atomic with the release, so two racing over-releases cannot both slip through. An
 * acquire of more permits than the bound could never succeed and throws
 * {@link IllegalArgumentException} instead of waiting forever. An implementation that recovers the
 * permits of dead holders never makes more than the bound available by doing so.
 *
 * {@snippet :
 * static void checkedUse(BoundedCountingSemaphore connections) throws InterruptedException {
 *     connections.acquire();
 *     connections.release();
 *     connections.release();   // throws IllegalStateException: released too many times
 * }
 * }
 *
 * @since 0.1
 */
public interface BoundedCountingSemaphore extends CountingSemaphore {

    /**
     * The bound: the initial number of permits.
     *
     * @return the most permits that may be available at once
     */
    int bound();
}
