package dev.weft.core.sync;

import dev.weft.core.internal.LinkedFuture;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** The {@link LockResult} forms of the locks between threads, which never report a dead holder. */
final class LockResults {

    private LockResults() {}

    static LockResult of(boolean acquired) {
        return acquired ? LockResult.ACQUIRED : LockResult.NOT_ACQUIRED;
    }

    /** {@code request} mapped to {@link LockResult#ACQUIRED}; withdrawing the result withdraws the request. */
    static CompletableFuture<LockResult> acquired(CompletableFuture<@Nullable Void> request) {
        return LinkedFuture.map(request, ignored -> LockResult.ACQUIRED);
    }
}
