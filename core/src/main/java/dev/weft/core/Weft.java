package dev.weft.core;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.Timers;
import dev.weft.core.task.AsCompleted;
import dev.weft.core.task.Gather;
import dev.weft.core.task.Outcome;
import dev.weft.core.task.Shield;
import dev.weft.core.task.Task;
import dev.weft.core.task.TaskGroup;
import dev.weft.core.task.Wait;
import dev.weft.core.time.Timeout;
import dev.weft.core.time.WaitFor;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 *     <tr><td>{@code await asyncio.sleep(d)}, {@code asyncio.sleep(d, result)}</td>
 *         <td>{@link #sleep(Duration)}, {@link #sleep(long, TimeUnit)},
 *         {@link #sleep(Duration, Object)}, {@link #sleep(long, TimeUnit, Object)} (blocking,
 *         interruptible) or {@link #sleepAsync(Duration)}, {@link #sleepAsync(Duration, Object)}</td></tr>
 *     <tr><td>{@code await aw} (a task or future), in a task that may be cancelled</td>
 *         <td>{@link #await(CompletionStage)}, {@link #await(CompletionStage, Duration)},
 *         {@link #await(CompletionStage, long, TimeUnit)} ({@link Task#await(CompletionStage)}):
 *         cancelling the awaiting task cancels {@code aw}</td></tr>
 *     <tr><td>{@code asyncio.run(main())}</td><td>{@link #run(Callable)}</td></tr>
 *     <tr><td>{@code asyncio.create_task(coro, name=n)}</td><td>{@link #createTask(Callable)},
 *         {@link #createTask(String, Callable)} (both {@link Task#start(Callable)})</td></tr>
 *     <tr><td>{@code asyncio.current_task()}</td><td>{@link #currentTask()}
 *         ({@link Task#current()})</td></tr>
 *     <tr><td>{@code asyncio.gather(*aws)}</td><td>{@link #gather(CompletionStage[])},
 *         {@link #gather(Collection)} ({@link Gather#all(Collection)})</td></tr>
 *     <tr><td>{@code asyncio.gather(*aws, return_exceptions=True)}</td>
 *         <td>{@link #gatherSettled(Collection)} ({@link Gather#allSettled(Collection)})</td></tr>
 *     <tr><td>{@code asyncio.wait(fs, timeout=t, return_when=w)}</td>
 *         <td>{@link #wait(Collection, Wait.ReturnWhen)}, {@link #wait(Collection, Wait.ReturnWhen, Duration)},
 *         {@link #wait(Collection, Wait.ReturnWhen, long, TimeUnit)}
 *         ({@link Wait#await(Collection, Wait.ReturnWhen)})</td></tr>
 *     <tr><td>{@code asyncio.as_completed(fs, timeout=t)}</td><td>{@link #asCompleted(Collection)},
 *         {@link #asCompleted(Collection, Duration)} ({@link AsCompleted#of(Collection)})</td></tr>
 *     <tr><td>{@code asyncio.shield(aw)}</td><td>{@link #shield(CompletionStage)}
 *         ({@link Shield#shield(CompletionStage)})</td></tr>
 *     <tr><td>{@code asyncio.wait_for(aw, timeout)}</td><td>{@link #waitFor(CompletionStage, Duration)},
 *         {@link #waitFor(CompletionStage, long, TimeUnit)}
 *         ({@link WaitFor#waitFor(CompletionStage, Duration)})</td></tr>
 *     <tr><td>{@code async with asyncio.timeout(d)}</td><td>{@link #timeout(Duration, Timeout.Body)},
 *         {@link #timeout(long, TimeUnit, Timeout.Body)}
 *         ({@link Timeout#within(Duration, Timeout.Body)})</td></tr>
 *     <tr><td>{@code async with asyncio.timeout_at(when)}</td><td>{@link #timeoutAt(long, Timeout.Body)}
 *         ({@link Timeout#until(long, Timeout.Body)})</td></tr>
 *     <tr><td>{@code async with asyncio.TaskGroup() as tg}</td><td>{@link #taskGroup()}
 *         ({@link TaskGroup#open()}), or {@link TaskGroup#run(TaskGroup.Body)}</td></tr>
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
     * {@link InterruptedException} and clears the status. A zero or negative delay does not
     * sleep: after the interrupt check it only {@linkplain Thread#yield() yields} the processor
     * (on a virtual thread, its carrier), as {@code asyncio.sleep(0)} lets other tasks run. See
     * the package's <a href="package-summary.html#timeouts">timeout rules</a>.
     *
     * @param delay how long to sleep
     * @throws InterruptedException if interrupted before or during the sleep
     * @throws NullPointerException if {@code delay} is null
     */
    public static void sleep(Duration delay) throws InterruptedException {
        Objects.requireNonNull(delay, "delay");
        sleepNanos(Durations.toNanos(delay));
    }

    /**
     * Blocks the calling thread for at least {@code delay} in {@code unit}: the counterpart of
     * {@code await asyncio.sleep(delay)}; as {@link #sleep(Duration)}.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #sleep(Duration)}: blocks until the delay has elapsed; only an interrupt (on
     * entry, or while sleeping, as cancelling the task that runs this code delivers) ends it
     * early, with {@link InterruptedException} and the status cleared. A zero or negative delay
     * only yields. See the package's <a href="package-summary.html#timeouts">timeout rules</a>.
     *
     * @param delay how long to sleep
     * @param unit the unit of {@code delay}
     * @throws InterruptedException if interrupted before or during the sleep
     * @throws NullPointerException if {@code unit} is null
     */
    public static void sleep(long delay, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        sleepNanos(unit.toNanos(delay));
    }

    private static void sleepNanos(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long remaining = nanos;
        if (remaining <= 0) {
            Thread.yield();
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
        long nanos = Durations.toNanos(delay);
        CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
        if (nanos <= 0) {
            done.complete(null);
            return done;
        }
        Timers.schedule(done, nanos, () -> done.complete(null));
        return done;
    }

    /**
     * Blocks for at least {@code delay}, then returns {@code result}: the counterpart of
     * {@code await asyncio.sleep(delay, result)}. As {@link #sleep(Duration)} otherwise.
     *
     * @param delay how long to sleep
     * @param result the value to return
     * @param <T> its type
     * @return {@code result}
     * @throws InterruptedException if interrupted before or during the sleep
     * @throws NullPointerException if {@code delay} is null
     */
    public static <T extends @Nullable Object> T sleep(Duration delay, T result) throws InterruptedException {
        sleep(delay);
        return result;
    }

    /**
     * Blocks for at least {@code delay} in {@code unit}, then returns {@code result}: the
     * counterpart of {@code await asyncio.sleep(delay, result)}. As {@link #sleep(long, TimeUnit)}
     * otherwise.
     *
     * @param delay how long to sleep
     * @param unit the unit of {@code delay}
     * @param result the value to return
     * @param <T> its type
     * @return {@code result}
     * @throws InterruptedException if interrupted before or during the sleep
     * @throws NullPointerException if {@code unit} is null
     */
    public static <T extends @Nullable Object> T sleep(long delay, TimeUnit unit, T result) throws InterruptedException {
        sleep(delay, unit);
        return result;
    }

    /**
     * Returns a future that completes with {@code result} once {@code delay} has elapsed: the
     * asynchronous form of {@code asyncio.sleep(delay, result)}. As {@link #sleepAsync(Duration)}
     * otherwise (cancelling the future withdraws its timer).
     *
     * @param delay how long to wait
     * @param result the value to complete with
     * @param <T> its type
     * @return a future completed with {@code result} after {@code delay}
     * @throws NullPointerException if {@code delay} is null
     */
    public static <T extends @Nullable Object> CompletableFuture<T> sleepAsync(Duration delay, T result) {
        Objects.requireNonNull(delay, "delay");
        long nanos = Durations.toNanos(delay);
        CompletableFuture<T> done = new CompletableFuture<>();
        if (nanos <= 0) {
            done.complete(result);
            return done;
        }
        Timers.schedule(done, nanos, () -> done.complete(result));
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

    /**
     * Waits for {@code awaited} and returns its value; inside a task that is asked to cancel, an
     * interrupted wait cancels {@code awaited} first: the counterpart of {@code await aw}; the same
     * as {@link Task#await(CompletionStage)}, whose documentation gives the contract.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks until {@code awaited} completes; only its completion or an interrupt ends the wait
     * (no spurious returns). An interrupt on entry (even if {@code awaited} is done) or while
     * waiting throws {@link InterruptedException} with the status cleared; if the calling thread
     * runs a task that was cancelled or asked to cancel (including by a {@code Timeout} or
     * {@code WaitFor} deadline), {@code awaited} is cancelled first. On a plain thread nothing is
     * cancelled. A cancelled {@code awaited} ends the wait with a {@link CancellationException}.
     *
     * @param awaited the future or stage to wait for
     * @param <T> the type of its value
     * @return the value of {@code awaited}
     * @throws ExecutionException holding the failure of {@code awaited}
     * @throws CancellationException if {@code awaited} was cancelled
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if {@code awaited} is null
     */
    public static <T extends @Nullable Object> T await(CompletionStage<T> awaited)
            throws InterruptedException, ExecutionException {
        return Task.await(awaited);
    }

    /**
     * Waits at most {@code timeout} for {@code awaited}; the same as
     * {@link Task#await(CompletionStage, Duration)}.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #await(CompletionStage)}, and the wait also ends when the timeout elapses, with a
     * {@link TimeoutException} that leaves {@code awaited} running (nothing is cancelled by the
     * timeout). A timeout {@code <= 0} returns the outcome of an {@code awaited} that is done and
     * otherwise times out at once.
     *
     * @param awaited the future or stage to wait for
     * @param timeout the longest time to wait
     * @param <T> the type of its value
     * @return the value of {@code awaited}
     * @throws ExecutionException holding the failure of {@code awaited}
     * @throws CancellationException if {@code awaited} was cancelled
     * @throws InterruptedException if interrupted before or while waiting
     * @throws TimeoutException if the timeout elapsed first
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object> T await(CompletionStage<T> awaited, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        return Task.await(awaited, timeout);
    }

    /**
     * Waits at most {@code timeout} in {@code unit} for {@code awaited}; the same as
     * {@link Task#await(CompletionStage, long, TimeUnit)}, and as
     * {@link #await(CompletionStage, Duration)}.
     *
     * @param awaited the future or stage to wait for
     * @param timeout the longest time to wait
     * @param unit the unit of {@code timeout}
     * @param <T> the type of its value
     * @return the value of {@code awaited}
     * @throws ExecutionException holding the failure of {@code awaited}
     * @throws CancellationException if {@code awaited} was cancelled
     * @throws InterruptedException if interrupted before or while waiting
     * @throws TimeoutException if the timeout elapsed first
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object> T await(CompletionStage<T> awaited, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return Task.await(awaited, timeout, unit);
    }

    // ---- composition (thin delegations; the contracts are on the delegates) -----------------

    /**
     * Gathers the results of {@code inputs} in argument order: the counterpart of
     * {@code asyncio.gather(*aws)}; the same as {@link Gather#all(CompletionStage[])}, whose
     * documentation gives the failure policy (first failure fails the gather, the others keep
     * running) and the cancellation direction (cancelling the gather cancels the inputs).
     *
     * @param inputs the futures to gather
     * @param <T> the common type of their results
     * @return a future of the results
     * @throws NullPointerException if {@code inputs} or an element is null
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only read, through a list view that does not escape
    public static <T extends @Nullable Object> CompletableFuture<List<T>> gather(CompletionStage<? extends T>... inputs) {
        return Gather.all(Arrays.asList(Objects.requireNonNull(inputs, "inputs")));
    }

    /**
     * Gathers the results of {@code inputs} in iteration order; the same as
     * {@link Gather#all(Collection)}.
     *
     * @param inputs the futures to gather
     * @param <T> the common type of their results
     * @return a future of the results
     * @throws NullPointerException if {@code inputs} or an element is null
     */
    public static <T extends @Nullable Object> CompletableFuture<List<T>> gather(
            Collection<? extends CompletionStage<? extends T>> inputs) {
        return Gather.all(inputs);
    }

    /**
     * Gathers one {@link Outcome} per input once all have completed: the counterpart of
     * {@code asyncio.gather(*aws, return_exceptions=True)}; the same as
     * {@link Gather#allSettled(Collection)}.
     *
     * @param inputs the futures to gather
     * @param <T> the common type of their results
     * @return a future of the outcomes
     * @throws NullPointerException if {@code inputs} or an element is null
     */
    public static <T extends @Nullable Object> CompletableFuture<List<Outcome<T>>> gatherSettled(
            Collection<? extends CompletionStage<? extends T>> inputs) {
        return Gather.allSettled(inputs);
    }

    /**
     * Waits until {@code when} holds and returns the done and pending futures: the counterpart of
     * {@code asyncio.wait(fs, return_when=when)}; the same as
     * {@link Wait#await(Collection, Wait.ReturnWhen)} (which never cancels anything).
     *
     * @param futures the futures to wait for, at least one
     * @param when when to return
     * @param <F> the type of the futures
     * @return the done and pending futures
     * @throws InterruptedException if interrupted before or while waiting
     * @throws IllegalArgumentException if {@code futures} is empty
     * @throws NullPointerException if an argument or an element is null
     */
    public static <F extends CompletionStage<?>> Wait.Result<F> wait(Collection<? extends F> futures, Wait.ReturnWhen when)
            throws InterruptedException {
        return Wait.await(futures, when);
    }

    /**
     * Waits until {@code when} holds or {@code timeout} elapses: the counterpart of
     * {@code asyncio.wait(fs, timeout=t, return_when=when)}; the same as
     * {@link Wait#await(Collection, Wait.ReturnWhen, Duration)}.
     *
     * @param futures the futures to wait for, at least one
     * @param when when to return
     * @param timeout the longest time to wait
     * @param <F> the type of the futures
     * @return the done and pending futures
     * @throws InterruptedException if interrupted before or while waiting
     * @throws IllegalArgumentException if {@code futures} is empty
     * @throws NullPointerException if an argument or an element is null
     */
    public static <F extends CompletionStage<?>> Wait.Result<F> wait(
            Collection<? extends F> futures, Wait.ReturnWhen when, Duration timeout) throws InterruptedException {
        return Wait.await(futures, when, timeout);
    }

    /**
     * Waits until {@code when} holds or {@code timeout} in {@code unit} elapses: the counterpart
     * of {@code asyncio.wait(fs, timeout=t, return_when=when)}; the same as
     * {@link Wait#await(Collection, Wait.ReturnWhen, long, TimeUnit)}.
     *
     * @param futures the futures to wait for, at least one
     * @param when when to return
     * @param timeout the longest time to wait
     * @param unit the unit of {@code timeout}
     * @param <F> the type of the futures
     * @return the done and pending futures
     * @throws InterruptedException if interrupted before or while waiting
     * @throws IllegalArgumentException if {@code futures} is empty
     * @throws NullPointerException if an argument or an element is null
     */
    public static <F extends CompletionStage<?>> Wait.Result<F> wait(
            Collection<? extends F> futures, Wait.ReturnWhen when, long timeout, TimeUnit unit)
            throws InterruptedException {
        return Wait.await(futures, when, timeout, unit);
    }

    /**
     * Hands out {@code futures} in completion order: the counterpart of
     * {@code asyncio.as_completed(fs)} (3.13 form, yielding the futures themselves); the same as
     * {@link AsCompleted#of(Collection)}.
     *
     * @param futures the futures
     * @param <F> their type
     * @return the futures in completion order
     * @throws NullPointerException if {@code futures} or an element is null
     */
    public static <F extends CompletionStage<?>> AsCompleted<F> asCompleted(Collection<? extends F> futures) {
        return AsCompleted.of(futures);
    }

    /**
     * Hands out {@code futures} in completion order with an overall timeout: the counterpart of
     * {@code asyncio.as_completed(fs, timeout=t)}; the same as
     * {@link AsCompleted#of(Collection, Duration)}.
     *
     * @param futures the futures
     * @param timeout the overall timeout
     * @param <F> their type
     * @return the futures in completion order
     * @throws NullPointerException if an argument or an element is null
     */
    public static <F extends CompletionStage<?>> AsCompleted<F> asCompleted(Collection<? extends F> futures, Duration timeout) {
        return AsCompleted.of(futures, timeout);
    }

    /**
     * Returns a future of {@code inner} that can be cancelled without cancelling {@code inner}:
     * the counterpart of {@code asyncio.shield(aw)}; the same as
     * {@link Shield#shield(CompletionStage)}.
     *
     * @param inner the work to protect
     * @param <T> the type of its value
     * @return the outer future
     * @throws NullPointerException if {@code inner} is null
     */
    public static <T extends @Nullable Object> CompletableFuture<T> shield(CompletionStage<T> inner) {
        return Shield.shield(inner);
    }

    /**
     * Waits at most {@code timeout} for {@code future}, then cancels the work and waits until it
     * has stopped: the counterpart of {@code asyncio.wait_for(aw, timeout)}; the same as
     * {@link WaitFor#waitFor(CompletionStage, Duration)}.
     *
     * @param future the work
     * @param timeout the longest time to wait before cancelling
     * @param <T> the type of its value
     * @return the value of the work
     * @throws TimeoutException if the deadline passed and the work ended cancelled
     * @throws ExecutionException holding the failure of the work
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object> T waitFor(CompletionStage<T> future, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        return WaitFor.waitFor(future, timeout);
    }

    /**
     * Waits at most {@code timeout} in {@code unit} for {@code future}, then cancels the work and
     * waits until it has stopped: the counterpart of {@code asyncio.wait_for(aw, timeout)}; the
     * same as {@link WaitFor#waitFor(CompletionStage, long, TimeUnit)}.
     *
     * @param future the work
     * @param timeout the longest time to wait before cancelling
     * @param unit the unit of {@code timeout}
     * @param <T> the type of its value
     * @return the value of the work
     * @throws TimeoutException if the deadline passed and the work ended cancelled
     * @throws ExecutionException holding the failure of the work
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object> T waitFor(CompletionStage<T> future, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return WaitFor.waitFor(future, timeout, unit);
    }

    /**
     * Runs {@code body} with a deadline {@code delay} from now: the counterpart of
     * {@code async with asyncio.timeout(delay)}; the same as
     * {@link Timeout#within(Duration, Timeout.Body)}.
     *
     * @param delay how long the body may run
     * @param body the code, given its scope
     * @param <T> the type of its result
     * @param <X> the checked exception it may throw
     * @return the body's result
     * @throws X the body's failure
     * @throws InterruptedException if the body was interrupted by something else than the scope
     * @throws TimeoutException if the deadline passed and the body ended with a cancellation signal
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object, X extends Exception> T timeout(Duration delay, Timeout.Body<T, X> body)
            throws X, InterruptedException, TimeoutException {
        return Timeout.within(delay, body);
    }

    /**
     * Runs {@code body} with a deadline {@code delay} in {@code unit} from now: the counterpart of
     * {@code async with asyncio.timeout(delay)}; as {@link #timeout(Duration, Timeout.Body)} and
     * {@link Timeout#within(Duration, Timeout.Body)}, with the delay given as a number of units
     * (saturated at about 292 years).
     *
     * @param delay how long the body may run
     * @param unit the unit of {@code delay}
     * @param body the code, given its scope
     * @param <T> the type of its result
     * @param <X> the checked exception it may throw
     * @return the body's result
     * @throws X the body's failure
     * @throws InterruptedException if the body was interrupted by something else than the scope
     * @throws TimeoutException if the deadline passed and the body ended with a cancellation signal
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object, X extends Exception> T timeout(
            long delay, TimeUnit unit, Timeout.Body<T, X> body) throws X, InterruptedException, TimeoutException {
        Objects.requireNonNull(unit, "unit");
        return Timeout.within(Duration.ofNanos(unit.toNanos(delay)), body);
    }

    /**
     * Runs {@code body} with the deadline {@code deadlineNanos} (in {@link System#nanoTime()}
     * terms): the counterpart of {@code async with asyncio.timeout_at(when)}; the same as
     * {@link Timeout#until(long, Timeout.Body)}.
     *
     * @param deadlineNanos when the body must have ended
     * @param body the code, given its scope
     * @param <T> the type of its result
     * @param <X> the checked exception it may throw
     * @return the body's result
     * @throws X the body's failure
     * @throws InterruptedException if the body was interrupted by something else than the scope
     * @throws TimeoutException if the deadline passed and the body ended with a cancellation signal
     * @throws NullPointerException if {@code body} is null
     */
    public static <T extends @Nullable Object, X extends Exception> T timeoutAt(long deadlineNanos, Timeout.Body<T, X> body)
            throws X, InterruptedException, TimeoutException {
        return Timeout.until(deadlineNanos, body);
    }

    /**
     * Opens a task group owned by the calling thread: the counterpart of
     * {@code async with asyncio.TaskGroup() as tg}; the same as {@link TaskGroup#open()}.
     *
     * @return the open group, for try-with-resources
     */
    public static TaskGroup taskGroup() {
        return TaskGroup.open();
    }

}
