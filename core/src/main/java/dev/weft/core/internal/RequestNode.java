package dev.weft.core.internal;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link WaitNode} whose asynchronous form is handed to the caller as the future itself, one
 * object per request, for a primitive whose request may own something once decided (an element,
 * permits, a lock).
 *
 * <p>The rule for completing it from outside: {@code cancel}, {@code complete} and
 * {@code completeExceptionally} (and through them {@code orTimeout} and
 * {@code completeOnTimeout}) first {@link #withdraw} the pending request. If that succeeds, the
 * future completes as asked and owns nothing. If the request was decided first, the future
 * completes with the decided outcome instead ({@link #settle}) and the call reports that it did
 * not complete it ({@code cancel} returns whether the future ends cancelled). Exactly one of the
 * two wins, so nothing the request was given is lost or owned twice. {@code obtrudeValue},
 * {@code obtrudeException} and {@code completeAsync}, which would bypass the withdrawal, throw
 * {@link UnsupportedOperationException}. Stages derived from the node are plain futures, and
 * completing them withdraws nothing.
 *
 * <p>A thread waiter of the same primitive may share the class: its future part is never handed
 * out, and {@link #withdraw} and {@link #settle} are never called on it.
 *
 * <p>Not API: exported only to Weft's own modules.
 *
 * @param <T> the future's result type
 */
public abstract class RequestNode<T> extends WaitNode<T> {

    /** A waiter for {@code thread} (the current thread), or, if null, an asynchronous request. */
    protected RequestNode(@Nullable Thread thread) {
        super(thread);
    }

    /**
     * Withdraws the pending request, under the primitive's rules. The default, for a node that is
     * never handed out: nothing to withdraw.
     *
     * @return true if withdrawn (now, or by a concurrent withdrawal): the request owns nothing;
     *     false if it was decided first
     */
    protected boolean withdraw() {
        return false;
    }

    /**
     * Completes the future with the decided outcome, through {@link #completeDecided} or
     * {@link #failDecided}, if the request has been decided; idempotent, and a no-op while the
     * request is pending or after it was withdrawn. The default suits a request whose decision
     * carries no value (permits, a lock): once {@link #GRANTED}, it completes the future with
     * {@code null}.
     */
    protected void settle() {
        if (status() == GRANTED) {
            completeDecided(null);
        }
    }

    /** Completes the future normally, bypassing the withdrawal: for {@link #settle} only. */
    protected final boolean completeDecided(T value) {
        return super.complete(value);
    }

    /** Completes the future exceptionally, bypassing the withdrawal: for {@link #settle} only. */
    protected final boolean failDecided(Throwable ex) {
        return super.completeExceptionally(ex);
    }

    /**
     * Withdraws the pending request and cancels this future; if the request was decided first,
     * completes the future with that outcome instead.
     *
     * @return whether this future ends cancelled
     */
    @Override
    public final boolean cancel(boolean mayInterruptIfRunning) {
        if (!isDone() && withdraw()) {
            return super.cancel(mayInterruptIfRunning);
        }
        settle();
        return isCancelled();
    }

    /**
     * Withdraws the pending request and completes this future with {@code value} (the request
     * owns nothing); if the request was decided first, completes the future with that outcome
     * instead and returns {@code false}.
     */
    @Override
    public final boolean complete(T value) {
        if (!isDone() && withdraw()) {
            return super.complete(value);
        }
        settle();
        return false;
    }

    /**
     * Withdraws the pending request and completes this future with {@code ex}; if the request was
     * decided first, completes the future with that outcome instead and returns {@code false}.
     * This is the path of {@link CompletableFuture#orTimeout}.
     */
    @Override
    public final boolean completeExceptionally(Throwable ex) {
        Objects.requireNonNull(ex, "ex");
        if (!isDone() && withdraw()) {
            return super.completeExceptionally(ex);
        }
        settle();
        return false;
    }

    /** Unsupported: it would bypass the withdrawal of the request. */
    @Override
    public final void obtrudeValue(T value) {
        throw unsupported("obtrudeValue");
    }

    /** Unsupported: it would bypass the withdrawal of the request. */
    @Override
    public final void obtrudeException(Throwable ex) {
        throw unsupported("obtrudeException");
    }

    /** Unsupported: it would bypass the withdrawal of the request. */
    @Override
    public final CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
        throw unsupported("completeAsync");
    }

    /** Unsupported: it would bypass the withdrawal of the request. */
    @Override
    public final CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
        throw unsupported("completeAsync");
    }

    private static UnsupportedOperationException unsupported(String method) {
        return new UnsupportedOperationException(method
                + " is not supported on the future of a pending request: it would bypass the request's withdrawal");
    }
}
