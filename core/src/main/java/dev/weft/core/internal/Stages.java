package dev.weft.core.internal;

import dev.weft.core.task.Task;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import org.jspecify.annotations.Nullable;

/**
 * Small helpers over {@link CompletionStage}s that the combinators share.
 *
 * <p>Not API. None of these methods blocks.
 */
public final class Stages {

    private Stages() {}

    /**
     * Strips the {@link CompletionException} and {@link ExecutionException} wrappers that
     * dependent stages and {@code get()} put around a failure.
     *
     * @param e a failure as a callback or {@code get()} saw it
     * @return the failure itself
     */
    public static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Whether {@code t} is how blocking code reports a cancellation in Weft: an
     * {@link InterruptedException}, a {@link CancellationException}, or the interrupt reactions of
     * I/O ({@link InterruptedIOException}, {@link ClosedByInterruptException}).
     *
     * @param t a failure
     * @return whether it signals cancellation rather than a failure
     */
    public static boolean isCancellationSignal(Throwable t) {
        return t instanceof InterruptedException || t instanceof CancellationException
                || t instanceof InterruptedIOException || t instanceof ClosedByInterruptException;
    }

    /**
     * Cancels {@code stage} if it can be cancelled: a {@link Task} with {@code message} (which
     * interrupts its body), any other {@link Future} with {@code cancel(true)}. A stage that is not
     * a future, or refuses cancellation ({@link UnsupportedOperationException}, as the JDK's
     * minimal stages do), is left alone.
     *
     * @param stage the stage to cancel
     * @param message the cancellation message for a task
     * @return whether the stage is now cancelled by this call or an earlier one
     */
    public static boolean cancel(CompletionStage<?> stage, String message) {
        if (stage instanceof Task<?> task) {
            return task.cancel(message);
        }
        if (stage instanceof Future<?> f) {
            try {
                return f.cancel(true);
            } catch (UnsupportedOperationException refused) {
                return false;
            }
        }
        return false;
    }

    /**
     * Returns {@code stage} itself if it is a {@link CompletableFuture} that can be queried and
     * waited on, else a new future completed as {@code stage} completes. The JDK's minimal stages
     * are {@code CompletableFuture}s that refuse {@code get} and {@code isDone}; they get a copy.
     *
     * @param stage a stage
     * @param <T> its value type
     * @return a future that completes as {@code stage} does
     */
    @SuppressWarnings("unchecked")
    public static <T extends @Nullable Object> CompletableFuture<T> asFuture(CompletionStage<T> stage) {
        if (stage instanceof CompletableFuture<?> cf) {
            try {
                cf.isDone();
                return (CompletableFuture<T>) cf;
            } catch (UnsupportedOperationException minimal) {
                // a minimal stage: fall through to a copy
            }
        }
        CompletableFuture<T> copy = new CompletableFuture<>();
        stage.whenComplete((v, e) -> {
            if (e == null) {
                copy.complete(v);
            } else {
                copy.completeExceptionally(unwrap(e));
            }
        });
        return copy;
    }

    /**
     * Whether {@code stage} is a future known to be done; {@code false} for stages that cannot
     * say.
     *
     * @param stage a stage
     * @return {@code true} only if the stage is done
     */
    public static boolean isKnownDone(CompletionStage<?> stage) {
        if (stage instanceof Future<?> f) {
            try {
                return f.isDone();
            } catch (UnsupportedOperationException minimal) {
                return false;
            }
        }
        return false;
    }
}
