package dev.weft.core.sync;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Condition} needs from its lock: the exclusive, unowned locks of this package.
 *
 * <p>Not API: the sealed set of locks a condition can be bound to.
 */
sealed interface ExclusiveLock permits Lock, ReadWriteLock.WriteLock {

    /** Whether the lock is held, by anyone. */
    boolean isLocked();

    /** Acquires, interruptibly. */
    void acquire() throws InterruptedException;

    /** Acquires, deferring interrupts. */
    void acquireUninterruptibly();

    /** Acquires asynchronously. */
    CompletableFuture<@Nullable Void> acquireAsync();

    /** Releases; fails if not held. */
    void release();
}
