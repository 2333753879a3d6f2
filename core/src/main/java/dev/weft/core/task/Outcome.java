package dev.weft.core.task;

import dev.weft.core.internal.Stages;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * How one piece of work ended: with a value, a failure, or cancelled. The element type of
 * {@link Gather#allSettled(java.util.Collection)}, the counterpart of one entry of
 * {@code asyncio.gather(..., return_exceptions=True)}.
 *
 * <p>Unlike Guava's {@code successfulAsList}, which reports a failure as {@code null}, an outcome
 * always says which of the three it is; a {@link Success} may hold {@code null} only when the work
 * itself returned {@code null}. Match on it with a {@code switch}:
 * {@snippet :
 * for (Outcome<String> o : Gather.allSettled(List.of(a, b, c)).join()) {
 *     switch (o) {
 *         case Outcome.Success<String> s   -> System.out.println("ok " + s.value());
 *         case Outcome.Failure<String> f   -> System.out.println("failed " + f.exception());
 *         case Outcome.Cancelled<String> c -> System.out.println("cancelled " + c.exception().getMessage());
 *     }
 * }
 * }
 *
 * <h2>Asyncio differences</h2>
 * asyncio puts the exception object itself into the result list, and a cancelled child as a
 * {@code CancelledError} instance; here the three cases are distinct types, so a value that
 * happens to be an exception can never be mistaken for a failure.
 *
 * @param <T> the type of the value
 * @since 0.1
 */
public sealed interface Outcome<T extends @Nullable Object> permits Outcome.Success, Outcome.Failure, Outcome.Cancelled {

    /**
     * The work returned {@code value}.
     *
     * @param value the value, {@code null} only if the work returned {@code null}
     * @param <T> the type of the value
     */
    record Success<T extends @Nullable Object>(T value) implements Outcome<T> {}

    /**
     * The work failed with {@code exception}, which is never a {@link CancellationException}
     * (that is {@link Cancelled}) nor a {@link CompletionException} wrapper.
     *
     * @param exception the failure
     * @param <T> the type of the value the work would have returned
     */
    record Failure<T extends @Nullable Object>(Throwable exception) implements Outcome<T> {
        /**
         * Checks the failure.
         *
         * @param exception the failure
         * @throws NullPointerException if {@code exception} is null
         * @throws IllegalArgumentException if it is a {@link CancellationException}
         */
        public Failure {
            Objects.requireNonNull(exception, "exception");
            if (exception instanceof CancellationException) {
                throw new IllegalArgumentException(
                        "expected a failure, got a cancellation (use Outcome.Cancelled): " + exception);
            }
        }
    }

    /**
     * The work was cancelled; {@code exception} is the cancellation that {@code join()} would
     * throw (or its cause, for a task: the one carrying the cancel's message).
     *
     * @param exception the cancellation
     * @param <T> the type of the value the work would have returned
     */
    record Cancelled<T extends @Nullable Object>(CancellationException exception) implements Outcome<T> {
        /**
         * Checks the cancellation.
         *
         * @param exception the cancellation
         * @throws NullPointerException if {@code exception} is null
         */
        public Cancelled {
            Objects.requireNonNull(exception, "exception");
        }
    }

    /**
     * Whether this is a {@link Success}.
     *
     * @return {@code true} for a success
     */
    default boolean isSuccess() {
        return this instanceof Success;
    }

    /**
     * Returns the value of a success, or throws what {@code join()} would have thrown.
     *
     * @return the value
     * @throws CompletionException holding the failure, for a {@link Failure}
     * @throws CancellationException the cancellation, for a {@link Cancelled}
     */
    default T valueOrThrow() {
        return switch (this) {
            case Success<T> s -> s.value();
            case Failure<T> f -> throw new CompletionException(f.exception());
            case Cancelled<T> c -> throw c.exception();
        };
    }

    /**
     * Returns the outcome of a future that has completed.
     *
     * @param done a completed future
     * @param <T> the type of its value
     * @return its outcome
     * @throws IllegalStateException if {@code done} has not completed
     * @throws NullPointerException if {@code done} is null
     */
    static <T extends @Nullable Object> Outcome<T> of(Future<? extends T> done) {
        Objects.requireNonNull(done, "done");
        return switch (done.state()) {
            case SUCCESS -> new Success<>(done.resultNow());
            case FAILED -> ofFailure(done.exceptionNow());
            case CANCELLED -> {
                try {
                    done.get();
                    throw new AssertionError("a cancelled future returned a value: " + done);
                } catch (CancellationException c) {
                    yield new Cancelled<>(c);
                } catch (InterruptedException e) {
                    // A Future that checks the interrupt even when done: keep the status, report
                    // the cancellation without its original exception.
                    Thread.currentThread().interrupt();
                    yield new Cancelled<>(new CancellationException("cancelled: " + done));
                } catch (Exception e) {
                    throw new AssertionError("a cancelled future threw " + e + ": " + done, e);
                }
            }
            case RUNNING -> throw new IllegalStateException("expected a completed future, got a running one: " + done);
        };
    }

    /**
     * Returns the outcome for a failure as a completion callback sees it: wrappers are removed,
     * and a {@link CancellationException} gives a {@link Cancelled}.
     *
     * @param exception the failure
     * @param <T> the type of the value
     * @return a {@link Failure} or a {@link Cancelled}
     */
    static <T extends @Nullable Object> Outcome<T> ofFailure(Throwable exception) {
        Throwable t = Stages.unwrap(Objects.requireNonNull(exception, "exception"));
        return t instanceof CancellationException c ? new Cancelled<>(c) : new Failure<>(t);
    }
}
