package dev.weft.core;

import dev.weft.core.internal.Timers;
import dev.weft.core.task.Task;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Entry points named after the functions of Python's {@code asyncio} module.
 *
 * <p>The primitives themselves live in their own packages ({@code dev.weft.core.task},
 * {@code dev.weft.core.queue}, {@code dev.weft.core.sync}); this class holds the free functions
 * of {@code asyncio} that have no better home, so that code ported from Python reads the same.
 *
 * <table class="striped">
 *   <caption>asyncio functions and their counterparts here</caption>
 *   <thead><tr><th>asyncio</th><th>Weft</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code await asyncio.sleep(d)}</td><td>{@link #sleep(Duration)} (blocking) or
 *         {@link #sleepAsync(Duration)}</td></tr>
 *     <tr><td>{@code asyncio.run(main())}</td><td>{@link #run(Callable)}</td></tr>
 *     <tr><td>{@code asyncio.create_task(coro, name=n)}</td><td>{@link #createTask(Callable)},
 *         {@link #createTask(String, Callable)} (both {@link Task#start(Callable)})</td></tr>
 *     <tr><td>{@code asyncio.current_task()}</td><td>{@link #currentTask()}
 *         ({@link Task#current()})</td></tr>
 *   </tbody>
 * </table>
 *
 * @since 0.1
 */
public final class Weft {

    private Weft() {}

    /**
     * Blocks the calling thread for at least {@code delay}: the counterpart of
     * {@code await asyncio.sleep(delay)}.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks until {@code delay} has elapsed; nothing else ends the wait early except an interrupt.
     * On a virtual thread the carrier thread is released for the whole wait. If the interrupt
     * status is set on entry, or the thread is interrupted while sleeping (which is what cancelling
     * the task that runs this code does), it throws
     * {@link InterruptedException} and clears the status. A zero or negative delay returns at once
     * (after the interrupt check). See the package's <a href="package-summary.html#timeouts">timeout
     * rules</a>.
     *
     * @param delay how long to sleep
     * @throws InterruptedException if interrupted before or during the sleep
     * @throws NullPointerException if {@code delay} is null
     */
    public static void sleep(Duration delay) throws InterruptedException {
        Objects.requireNonNull(delay, "delay");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long remaining = saturatedNanos(delay);
        if (remaining <= 0) {
            return;
        }
        long deadline = System.nanoTime() + remaining;
        do {
            TimeUnit.NANOSECONDS.sleep(remaining);
            remaining = deadline - System.nanoTime();
        } while (remaining > 0);
    }

    /**
     * Returns a future that completes with {@code null} once {@code delay} has elapsed, without
     * occupying any thread while it waits.
     *
     * <p>The future is completed by Weft's shared timer thread (a daemon platform thread); dependent
     * actions attached with the non-async {@code CompletableFuture} methods run there and should be
     * short. Cancelling the returned future withdraws the timer at once, so that repeated
     * cancelled sleeps do not accumulate. A zero or negative delay gives an already completed
     * future.
     *
     * @param delay how long to wait
     * @return a future completed with {@code null} after {@code delay}
     * @throws NullPointerException if {@code delay} is null
     */
    public static CompletableFuture<@Nullable Void> sleepAsync(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        long nanos = saturatedNanos(delay);
        CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
        if (nanos <= 0) {
            done.complete(null);
            return done;
        }
        Timers.schedule(done, nanos, () -> done.complete(null));
        return done;
    }

    /**
     * Runs {@code body} as a {@link Task}, waits for it and returns its result: the counterpart of
     * {@code asyncio.run(main())}.
     *
     * <p>The body runs on a new virtual thread (a task named {@code main}). If it returns, its
     * value is returned; if it throws, that same exception is rethrown here (an {@code Error} or
     * {@code Exception} as is, any other {@code Throwable} wrapped in an
     * {@link UndeclaredThrowableException}). If the task is cancelled (the body can cancel itself
     * through {@link Task#current()}), or the body lets an {@link InterruptedException} escape,
     * a {@link CancellationException} is thrown.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks until the body has finished. If the interrupt status is set on entry, throws
     * {@link InterruptedException} (clearing the status) and does not start the body. If the
     * calling thread is interrupted while waiting, the task is cancelled (its body's thread is
     * interrupted) and this method waits until the body has stopped, then throws
     * {@link InterruptedException} with the status cleared; failures the body threw while
     * stopping are attached to it as suppressed exceptions. A second interrupt during that wait
     * ends it at once (as a second Ctrl-C ends {@code asyncio.run}): the
     * {@code InterruptedException} is thrown while the body may still be stopping.
     *
     * @param body the main work
     * @param <T> the type of its result
     * @return the body's result
     * @throws Exception whatever the body throws; or {@link InterruptedException} as described
     * @throws CancellationException if the task was cancelled or the body ended by an interrupt
     * @throws NullPointerException if {@code body} is null
     */
    public static <T extends @Nullable Object> T run(Callable<? extends T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Task<T> task = Task.start("main", body);
        try {
            return task.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new UndeclaredThrowableException(cause);
        } catch (InterruptedException interrupted) {
            task.cancel("asyncio-style run interrupted: " + task.name());
            try {
                task.awaitStopped();
            } catch (InterruptedException again) {
                interrupted.addSuppressed(again);
                throw interrupted;
            }
            try {
                task.join();
            } catch (CancellationException cancelled) {
                Throwable own = cancelled.getCause() != null ? cancelled.getCause() : cancelled;
                for (Throwable late : own.getSuppressed()) {
                    interrupted.addSuppressed(late);
                }
            } catch (RuntimeException finishedFirst) {
                // The body's failure won the race against the cancel; it is the cause of the end.
                interrupted.addSuppressed(finishedFirst);
            }
            throw interrupted;
        }
    }

    /**
     * Starts {@code body} on a new virtual thread and returns its task: the counterpart of
     * {@code asyncio.create_task(coro)}; the same as {@link Task#start(Callable)}.
     *
     * @param body the work
     * @param <T> the type of its result
     * @return the started task
     * @throws NullPointerException if {@code body} is null
     */
    public static <T extends @Nullable Object> Task<T> createTask(Callable<? extends T> body) {
        return Task.start(body);
    }

    /**
     * Starts {@code body} on a new virtual thread as a task named {@code name}: the counterpart of
     * {@code asyncio.create_task(coro, name=name)}; the same as
     * {@link Task#start(String, Callable)}.
     *
     * @param name the task's name
     * @param body the work
     * @param <T> the type of its result
     * @return the started task
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object> Task<T> createTask(String name, Callable<? extends T> body) {
        return Task.start(name, body);
    }

    /**
     * Returns the task whose body the calling thread runs, or {@code null}: the counterpart of
     * {@code asyncio.current_task()}; the same as {@link Task#current()}.
     *
     * @return the current task, or {@code null} outside of any task
     */
    public static @Nullable Task<?> currentTask() {
        return Task.current();
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
