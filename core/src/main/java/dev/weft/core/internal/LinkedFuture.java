package dev.weft.core.internal;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * A future derived from another ({@code source}) whose completions from outside are forwarded to
 * the source as a cancellation, so that withdrawing the derived request withdraws the source's
 * ({@link CompletableFuture#thenApply} would leave the source running, and a taken message would
 * then be delivered to nobody).
 *
 * <p>{@code cancel}, {@code complete} and {@code completeExceptionally} (and so {@code orTimeout})
 * succeed only if they can cancel the source; otherwise the source has its result and this future
 * completes with the mapped result. The mapping runs in the thread that completes the source.
 *
 * <p>Not API: exported only to Weft's own modules.
 *
 * @param <S> the source's result type
 * @param <T> this future's result type
 */
public final class LinkedFuture<S, T> extends CompletableFuture<T> {

    private final CompletableFuture<S> source;

    private LinkedFuture(CompletableFuture<S> source) {
        this.source = source;
    }

    /**
     * A future completed with {@code mapping} applied to the source's result, whose outside
     * completions withdraw the source.
     *
     * @param source the future to derive from
     * @param mapping applied to the source's value, in the thread that completes the source
     * @param <S> the source's result type
     * @param <T> the derived result type
     * @return the derived future
     */
    public static <S, T> LinkedFuture<S, T> map(CompletableFuture<S> source, Function<? super S, ? extends T> mapping) {
        LinkedFuture<S, T> derived = new LinkedFuture<>(source);
        source.whenComplete((value, failure) -> {
            if (failure == null) {
                try {
                    derived.completeInternal(mapping.apply(value));
                } catch (RuntimeException | Error e) {
                    derived.failInternal(e);
                }
            } else if (!(failure instanceof CancellationException)) {
                derived.failInternal(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        });
        return derived;
    }

    private void completeInternal(T value) {
        super.complete(value);
    }

    private void failInternal(Throwable failure) {
        super.completeExceptionally(failure);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return source.cancel(mayInterruptIfRunning) ? super.cancel(mayInterruptIfRunning) : isCancelled();
    }

    @Override
    public boolean complete(T value) {
        return source.cancel(true) && super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        return source.cancel(true) && super.completeExceptionally(ex);
    }
}
