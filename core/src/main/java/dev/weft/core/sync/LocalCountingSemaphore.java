package dev.weft.core.sync;

import dev.weft.core.internal.LinkedFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@link LockResult} forms of the semaphores between threads, on their plain forms: a holder
 * between threads cannot die, so the result is {@link LockResult#ACQUIRED} or
 * {@link LockResult#NOT_ACQUIRED}, never {@link LockResult#OWNER_DIED}.
 */
interface LocalCountingSemaphore extends CountingSemaphore {

    /**
     * As {@link #acquire(int)}; always {@link LockResult#ACQUIRED}.
     *
     * @param permits the number of permits
     * @return {@link LockResult#ACQUIRED}
     * @throws InterruptedException as {@link #acquire(int)}
     */
    @Override
    default LockResult acquireForResult(int permits) throws InterruptedException {
        acquire(permits);
        return LockResult.ACQUIRED;
    }

    /**
     * As {@link #tryAcquire(int)}, as a {@link LockResult}.
     *
     * @param permits the number of permits
     * @return {@link LockResult#ACQUIRED} or {@link LockResult#NOT_ACQUIRED}
     */
    @Override
    default LockResult tryAcquireForResult(int permits) {
        return resultOf(tryAcquire(permits));
    }

    /**
     * As {@link #tryAcquire(int, Duration)}, as a {@link LockResult}.
     *
     * @param permits the number of permits
     * @param timeout the longest time to wait
     * @return {@link LockResult#ACQUIRED} or {@link LockResult#NOT_ACQUIRED}
     * @throws InterruptedException as {@link #tryAcquire(int, Duration)}
     */
    @Override
    default LockResult tryAcquireForResult(int permits, Duration timeout) throws InterruptedException {
        return resultOf(tryAcquire(permits, timeout));
    }

    /**
     * As {@link #tryAcquire(int, long, TimeUnit)}, as a {@link LockResult}.
     *
     * @param permits the number of permits
     * @param timeout the longest time to wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return {@link LockResult#ACQUIRED} or {@link LockResult#NOT_ACQUIRED}
     * @throws InterruptedException as {@link #tryAcquire(int, long, TimeUnit)}
     */
    @Override
    default LockResult tryAcquireForResult(int permits, long timeout, TimeUnit unit) throws InterruptedException {
        return resultOf(tryAcquire(permits, timeout, unit));
    }

    /**
     * As {@link #acquireAsync(int)}, completing with {@link LockResult#ACQUIRED}; cancelling (or
     * otherwise completing) the returned future withdraws the request in the same way.
     *
     * @param permits the number of permits
     * @return a future completed with {@link LockResult#ACQUIRED} when the permits are held
     */
    @Override
    default CompletableFuture<LockResult> acquireForResultAsync(int permits) {
        return LinkedFuture.map(acquireAsync(permits), ignored -> LockResult.ACQUIRED);
    }

    private static LockResult resultOf(boolean acquired) {
        return acquired ? LockResult.ACQUIRED : LockResult.NOT_ACQUIRED;
    }
}
