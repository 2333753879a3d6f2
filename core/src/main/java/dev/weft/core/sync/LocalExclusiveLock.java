package dev.weft.core.sync;

import dev.weft.core.internal.LinkedFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@link LockResult} forms of the locks between threads, on their plain forms: a holder
 * between threads cannot die, so the result is {@link LockResult#ACQUIRED} or
 * {@link LockResult#NOT_ACQUIRED}, never {@link LockResult#OWNER_DIED}.
 */
interface LocalExclusiveLock extends ExclusiveLock {

    /**
     * As {@link #acquire()}; always {@link LockResult#ACQUIRED}.
     *
     * @return {@link LockResult#ACQUIRED}
     * @throws InterruptedException as {@link #acquire()}
     */
    @Override
    default LockResult acquireForResult() throws InterruptedException {
        acquire();
        return LockResult.ACQUIRED;
    }

    /**
     * As {@link #tryAcquire()}, as a {@link LockResult}.
     *
     * @return {@link LockResult#ACQUIRED} or {@link LockResult#NOT_ACQUIRED}
     */
    @Override
    default LockResult tryAcquireForResult() {
        return resultOf(tryAcquire());
    }

    /**
     * As {@link #tryAcquire(Duration)}, as a {@link LockResult}.
     *
     * @param timeout the longest time to wait
     * @return {@link LockResult#ACQUIRED} or {@link LockResult#NOT_ACQUIRED}
     * @throws InterruptedException as {@link #tryAcquire(Duration)}
     */
    @Override
    default LockResult tryAcquireForResult(Duration timeout) throws InterruptedException {
        return resultOf(tryAcquire(timeout));
    }

    /**
     * As {@link #tryAcquire(long, TimeUnit)}, as a {@link LockResult}.
     *
     * @param timeout the longest time to wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return {@link LockResult#ACQUIRED} or {@link LockResult#NOT_ACQUIRED}
     * @throws InterruptedException as {@link #tryAcquire(long, TimeUnit)}
     */
    @Override
    default LockResult tryAcquireForResult(long timeout, TimeUnit unit) throws InterruptedException {
        return resultOf(tryAcquire(timeout, unit));
    }

    /**
     * As {@link #acquireAsync()}, completing with {@link LockResult#ACQUIRED}; cancelling (or
     * otherwise completing) the returned future withdraws the request in the same way.
     *
     * @return a future completed with {@link LockResult#ACQUIRED} when the lock is held
     */
    @Override
    default CompletableFuture<LockResult> acquireForResultAsync() {
        return LinkedFuture.map(acquireAsync(), ignored -> LockResult.ACQUIRED);
    }

    private static LockResult resultOf(boolean acquired) {
        return acquired ? LockResult.ACQUIRED : LockResult.NOT_ACQUIRED;
    }
}
