package dev.weft.core.task;

import dev.weft.core.internal.Stages;
import dev.weft.core.internal.TaskGroupAbortedEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A scope that owns the tasks started in it: none outlives it, and the first failure cancels the
 * others. The counterpart of {@code asyncio.TaskGroup}.
 *
 * {@snippet :
 * try (TaskGroup tg = TaskGroup.open()) {
 *     Task<String> a = tg.start(() -> fetch("a"));
 *     Task<String> b = tg.start(() -> fetch("b"));
 * }   // waits until both bodies have stopped; throws TaskGroupException if one failed
 * System.out.println(a.join() + b.join());
 * }
 *
 * <h2>Failure policy: fail fast, every failure kept</h2>
 * A task that fails (its body throws anything but {@link InterruptedException} or
 * {@link CancellationException}) makes the group <em>abort</em>: every other task of the group
 * that is still running is asked to stop ({@link Task#interrupt()}; a task that has not started
 * yet is cancelled and never runs), and no new task may be started. When every task has stopped,
 * {@link #close()} throws a {@link TaskGroupException} that lists every failure: the first one,
 * and those that the other tasks raised while stopping (asyncio: errors in clean-up are errors
 * too). A task that ends cancelled is not a failure. This is asyncio's policy and
 * {@code coroutineScope}'s, not {@code supervisorScope}'s: for independent tasks whose failures
 * should not affect each other, start plain {@link Task}s and {@link Gather#allSettled gather}
 * their outcomes instead.
 *
 * <h2>Cancellation</h2>
 * Cancellation flows <b>down</b>: the group's abort interrupts its tasks; and the cancellation of
 * the group's owner (the thread that opened it) cancels the tasks when the owner reaches
 * {@code close()}. The owner counts as cancelled if it is interrupted on entry to or during
 * {@code close()}, or, when it runs as a {@link Task}, if that task has more cancel requests
 * ({@link Task#cancelling()}) than when the group was opened, so a cancellation that the block
 * already answered with an {@code InterruptedException} is still seen. {@code close()} then
 * cancels every task, waits until all have stopped, and throws a {@link CancellationException}
 * (or the {@code TaskGroupException}, if tasks failed: failures win over cancellation, as in
 * asyncio), with the thread's interrupt status set again if {@code close()} consumed an interrupt.
 * Cancellation does not flow <b>up</b>: a task that is cancelled, by the group or by anyone, only
 * ends; it does not affect the group or its other tasks.
 *
 * <h2>Closing waits until every body has stopped</h2>
 * {@code close()} returns only when every task's body has stopped ({@link Task#isStopped()}),
 * not just when every task is done: no task of the group is still running code after it. Tasks
 * may start more tasks in the group while it is closing; they are waited for too. A second
 * interrupt while closing does not end the wait (it is remembered and set again).
 *
 * <h2>Concurrency limit</h2>
 * {@link Builder#limit(int)} bounds how many tasks of the group run at once (no peer has this:
 * {@code StructuredTaskScope} and {@code asyncio.TaskGroup} start every task at once). Tasks
 * started beyond the limit wait in FIFO order, in the {@link Task.Status#PENDING} state, and start
 * as running ones stop; waiting tasks hold no thread.
 *
 * <h2>Two forms</h2>
 * <ul>
 *   <li>try-with-resources ({@link #open()} and {@link #close()}): {@code close()} cannot see an
 *       exception thrown by the block. If the block throws, the tasks keep running until they end
 *       (and {@code close()} waits for them; a {@code TaskGroupException} it throws is then
 *       suppressed by the block's exception). Call {@link #cancel()} before rethrowing to stop them
 *       at once. A failing task does not interrupt the block itself; the block notices the abort
 *       when it reaches {@code close()} (as with {@code StructuredTaskScope}).</li>
 *   <li>{@link #run(Body)}: the block is a lambda, and the group sees it as asyncio's
 *       {@code async with} block is seen: a failing task also interrupts the block, so that
 *       whatever it waits for is abandoned (when the caller is a task, that interrupt is a
 *       cancel request, so a task or future the block awaits through {@link Task#get()},
 *       {@link Task#join()} or {@link Task#await(java.util.concurrent.CompletionStage)} is
 *       cancelled too; see <a href="Task.html#awaiting">awaiting from inside a task</a>), an
 *       exception of the block aborts the tasks, and the group's own interrupt of the block is
 *       withdrawn afterwards. What it throws is listed at {@link #run(Body)}; it differs from
 *       asyncio in two ways (below).</li>
 * </ul>
 *
 * <h2>How failures are reported, and the asyncio differences</h2>
 * The rule is the same for both forms: <b>a {@link TaskGroupException} is thrown if and only if
 * at least one task failed</b>, and then it lists every task failure, whatever its type
 * ({@link Error}s included), in the order they were recorded. A task's failure is never thrown on
 * its own: it happened on another thread, and is wrapped as {@link java.util.concurrent.Future#get()}
 * wraps every failure of another thread. The block's own exception ({@link #run(Body)} only) comes
 * from the calling thread and is thrown as is, whatever its type, unless tasks failed too; then it
 * is listed last in the {@code TaskGroupException}. This differs from asyncio in two ways:
 * <ul>
 *   <li>asyncio wraps an exception of the block in an {@code ExceptionGroup} even when no task
 *       failed; here it is rethrown unchanged, so that its checked type {@code X} reaches the
 *       caller ({@code except* E} in Python, {@code catch (E e)} here);</li>
 *   <li>asyncio re-raises {@code KeyboardInterrupt} and {@code SystemExit} (of the block or of a
 *       task) unwrapped and drops the other errors; Java has no such exceptions, and a task's
 *       {@link Error} is listed in the {@code TaskGroupException} like any failure.</li>
 * </ul>
 *
 * <h2>States</h2>
 * <table class="striped">
 *   <caption>TaskGroup states</caption>
 *   <thead><tr><th>state</th><th>{@link #start(Callable)}</th><th>meaning</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code OPEN}</td><td>starts a task</td><td>the owner's block runs</td></tr>
 *     <tr><td>{@code CLOSING}</td><td>starts a task</td><td>{@code close()} waits for the tasks</td></tr>
 *     <tr><td>{@code ABORTING}</td><td>{@link IllegalStateException} ("shutting down")</td>
 *         <td>a task failed, the owner was cancelled, or {@link #cancel()}: tasks are being
 *         stopped</td></tr>
 *     <tr><td>{@code CLOSED}</td><td>{@link IllegalStateException} ("finished")</td>
 *         <td>every task has stopped; single use</td></tr>
 *   </tbody>
 * </table>
 * <pre>
 *   OPEN ──close()──► CLOSING ──all stopped──► CLOSED
 *     │                  │                       ▲
 *     │ failure, cancel, │ failure, cancel,      │
 *     │ owner cancelled  │ owner cancelled       │ all stopped
 *     ▼                  ▼                       │
 *   ABORTING ────────────────────────────────────┘
 * </pre>
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before {@code start} happen-before the task's body runs; actions of every
 * task's body happen-before {@code close()} returns or throws. See the package's
 * <a href="../package-summary.html#memory">memory consistency</a> rules.
 *
 * <h2>Thread safety</h2>
 * {@link #start(Callable)}, {@link #cancel()} and the queries may be called from any thread,
 * including the group's own tasks; {@link #close()} is meant for the owner. Internal state
 * changes are made under a lock held for constant time; tasks are interrupted and cancelled
 * outside of it.
 *
 * <h2>Pitfalls</h2>
 * A task that ignores its interrupt keeps {@code close()} waiting until it ends by itself
 * ({@code StructuredTaskScope} and kotlinx' {@code coroutineScope} wait the same way): that is
 * the price of "no thread outlives the group".
 * {@snippet :
 * try (TaskGroup tg = TaskGroup.open()) {
 *     tg.start(() -> { throw new IOException("boom"); });
 *     tg.start(() -> { while (true) { } });   // never looks at its interrupt: close() never returns
 * }
 * }
 *
 * @since 0.1
 */
public final class TaskGroup implements AutoCloseable {

    /*
     * Implementation notes.
     *
     * Overview
     *   The group keeps the set of its tasks whose bodies have not stopped (`live`) plus the
     *   number of starts admitted but not yet registered (`starting`), under one lock. Each task
     *   gets a whenStopped callback that removes it, records its failure, and on the first
     *   failure begins the abort (marks the group aborting under the lock, then interrupts the
     *   live tasks outside of it). close() waits on a Condition until live and starting are both
     *   empty. A start that was admitted before an abort but registered after it cancels its own
     *   task, so no task escapes the abort.
     *
     * Invariants (under the lock)
     *   - live holds exactly the registered tasks whose stop callback has not run.
     *   - closed implies live.isEmpty() && starting == 0; nothing is admitted after closed.
     *   - aborting never goes back to false; nothing is admitted while aborting.
     *   - ownerInterrupted implies interruptOwnerOnFailure and that the request was made while
     *     inBody.
     *
     * Linearization points
     *   - start: the admission under the lock (starting++), or the rejection.
     *   - abort: the write aborting = true under the lock.
     *   - close: the write closed = true under the lock, after the last stop callback.
     *
     * Memory ordering
     *   All mutable fields are guarded by the lock, except `stateForToString`-style reads in
     *   toString, which take the lock too. A task's effects are published to close() through the
     *   task's own stop signal and then the lock.
     *
     * Blocking and cancellation
     *   close() awaits the Condition; an interrupt there begins the abort and the wait goes on
     *   (the interrupt is remembered and re-asserted). Stop callbacks run in the stopping task's
     *   thread, take the lock for O(1) work (plus an O(live) snapshot on the first failure), and
     *   interrupt outside the lock.
     *
     * Progress
     *   Blocking: a ReentrantLock guards the bookkeeping (no user code runs under it).
     */

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final String name;
    private final TaskStarter starter;
    private final Thread ownerThread;
    private final @Nullable Task<?> ownerTask;
    /** The owner task's cancel-request count when the group was opened. */
    private final int ownerLevel;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition allStopped = lock.newCondition();
    /** Guarded by lock. */
    private final Set<Task<?>> live = new LinkedHashSet<>();
    /** Starts admitted but whose task is not in {@link #live} yet; guarded by lock. */
    private int starting;
    /** Guarded by lock. */
    private final List<Throwable> failures = new ArrayList<>();
    /** Guarded by lock. */
    private boolean aborting;
    /** Guarded by lock. */
    private boolean closing;
    /** Guarded by lock. */
    private boolean closed;
    /** Guarded by lock; set by {@link #run(Body)}. */
    private boolean interruptOwnerOnFailure;
    /** Guarded by lock: the owner's block of {@link #run(Body)} is running. */
    private boolean inBody;
    /** Guarded by lock: the group interrupted the owner's block. */
    private boolean ownerInterrupted;

    private TaskGroup(Builder b) {
        this.name = b.name != null ? b.name : "TaskGroup-" + SEQUENCE.incrementAndGet();
        this.starter = TaskStarter.of(this.name, b.limit, b.executor, b.threadFactory);
        this.ownerThread = Thread.currentThread();
        this.ownerTask = Task.current();
        this.ownerLevel = ownerTask != null ? ownerTask.cancelling() : 0;
    }

    // ---- opening -------------------------------------------------------------------------------

    /**
     * Opens a group owned by the calling thread, without a concurrency limit; its tasks run on
     * new virtual threads. Use it with try-with-resources.
     *
     * @return the open group
     */
    public static TaskGroup open() {
        return new Builder().open();
    }

    /**
     * Returns a builder for a group with a name, a concurrency limit, or a choice of threads.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code body} with a new group and returns its value once every task of the group has
     * stopped: the counterpart of {@code async with asyncio.TaskGroup() as tg:} (see "Two forms"
     * and "How failures are reported" in the class documentation).
     *
     * <p>Outcome, in order of precedence:
     * <ol>
     *   <li>At least one task failed: a {@link TaskGroupException} listing every task failure in
     *       the order they were recorded ({@link Error}s included), followed last by the body's
     *       own throwable if it threw one that is not a cancellation signal
     *       ({@link InterruptedException}, {@link java.util.concurrent.CancellationException} or
     *       their I/O forms).</li>
     *   <li>Otherwise, the body threw: that throwable itself, unwrapped, whatever its type (its
     *       checked {@code X}, a {@code RuntimeException}, an {@code Error}, or the
     *       {@code InterruptedException} of a cancellation from outside).</li>
     *   <li>Otherwise, the owner was cancelled while the group waited for its tasks:
     *       {@link InterruptedException}.</li>
     *   <li>Otherwise, the body's value.</li>
     * </ol>
     * Unlike asyncio, a lone exception of the body is not wrapped in the group exception, and
     * there is no exception that escapes unwrapped from a task (asyncio's
     * {@code KeyboardInterrupt} and {@code SystemExit}).
     *
     * <h4>Blocking and cancellation</h4>
     * Runs the body in the calling thread, then blocks until every task of the group has stopped.
     * When the first task fails while the body runs, the body's thread is interrupted (a counted
     * {@link Task#interrupt()} request when the caller is a task); that request is withdrawn and
     * the interrupt status cleared when the body ends, and the body's
     * {@code InterruptedException} is then replaced by the {@code TaskGroupException}. An
     * interrupt from elsewhere (or a cancel request of the caller's task) aborts the group and is
     * reported as {@code InterruptedException}, or, if tasks failed, by the
     * {@code TaskGroupException} with the interrupt status set.
     *
     * @param body the block that starts tasks in the group
     * @param <T> the type of its value
     * @param <X> the checked exception it may throw
     * @return the body's value
     * @throws X the body's failure, if no task failed
     * @throws InterruptedException if the owner was cancelled and no task failed
     * @throws TaskGroupException if tasks failed
     * @throws NullPointerException if {@code body} is null
     */
    public static <T extends @Nullable Object, X extends Exception> T run(Body<T, X> body)
            throws X, InterruptedException {
        return new Builder().run(body);
    }

    /**
     * The block of {@link #run(Body)}.
     *
     * @param <T> the type of its value
     * @param <X> the checked exception it may throw besides {@link InterruptedException}
     */
    @FunctionalInterface
    public interface Body<T extends @Nullable Object, X extends Exception> {
        /**
         * Runs the block.
         *
         * @param group the group to start tasks in
         * @return the block's value
         * @throws X a failure of the block
         * @throws InterruptedException if the block was interrupted
         */
        T run(TaskGroup group) throws X, InterruptedException;
    }

    /**
     * Configures and opens task groups. A builder may open any number of groups; it is not
     * thread-safe.
     */
    public static final class Builder {
        private @Nullable String name;
        private int limit;
        private @Nullable Executor executor;
        private @Nullable ThreadFactory threadFactory;

        private Builder() {}

        /**
         * Names the group (for {@code toString()} and messages).
         *
         * @param name the name
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Lets at most {@code maxRunning} tasks of the group run at once; the others wait, in the
         * order they were started, without holding a thread.
         *
         * @param maxRunning the most tasks running at once, {@code >= 1}
         * @return this builder
         * @throws IllegalArgumentException if {@code maxRunning < 1}
         */
        public Builder limit(int maxRunning) {
            if (maxRunning < 1) {
                throw new IllegalArgumentException("expected a limit of at least 1 running task, got " + maxRunning);
            }
            this.limit = maxRunning;
            return this;
        }

        /**
         * Runs the group's tasks with {@code executor} (one {@code execute} per task, or per
         * worker when a limit is set) instead of new virtual threads. Replaces a thread factory.
         *
         * @param executor where the tasks run
         * @return this builder
         * @throws NullPointerException if {@code executor} is null
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            this.threadFactory = null;
            return this;
        }

        /**
         * Runs the group's tasks on threads from {@code factory} instead of new virtual threads.
         * Replaces an executor.
         *
         * @param factory makes the threads
         * @return this builder
         * @throws NullPointerException if {@code factory} is null
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "factory");
            this.executor = null;
            return this;
        }

        /**
         * Opens a group owned by the calling thread.
         *
         * @return the open group
         */
        public TaskGroup open() {
            return new TaskGroup(this);
        }

        /**
         * Opens a group and runs {@code body} with it; see {@link TaskGroup#run(Body)}.
         *
         * @param body the block that starts tasks in the group
         * @param <T> the type of its value
         * @param <X> the checked exception it may throw
         * @return the body's value
         * @throws X the body's failure, if no task failed
         * @throws InterruptedException if the owner was cancelled and no task failed
         * @throws TaskGroupException if tasks failed
         * @throws NullPointerException if {@code body} is null
         */
        public <T extends @Nullable Object, X extends Exception> T run(Body<T, X> body) throws X, InterruptedException {
            Objects.requireNonNull(body, "body");
            return open().runBody(body);
        }
    }

    // ---- starting tasks ------------------------------------------------------------------------

    /**
     * Starts {@code body} as a task of this group: the counterpart of
     * {@code TaskGroup.create_task(coro)}.
     *
     * @param body the work
     * @param <T> the type of its result
     * @return the task (pending, if the group's limit is reached)
     * @throws IllegalStateException if the group is aborting ("shutting down") or closed
     *     ("finished"); the body never runs
     * @throws RejectedExecutionException if the group's executor or thread factory refuses; the
     *     body never runs
     * @throws NullPointerException if {@code body} is null
     */
    public <T extends @Nullable Object> Task<T> start(Callable<? extends T> body) {
        return spawn(null, Objects.requireNonNull(body, "body"));
    }

    /**
     * Starts {@code body} as a task of this group named {@code name}.
     *
     * @param name the task's name
     * @param body the work
     * @param <T> the type of its result
     * @return the task
     * @throws IllegalStateException if the group is aborting or closed; the body never runs
     * @throws RejectedExecutionException if the group's executor or thread factory refuses
     * @throws NullPointerException if an argument is null
     */
    public <T extends @Nullable Object> Task<T> start(String name, Callable<? extends T> body) {
        return spawn(Objects.requireNonNull(name, "name"), Objects.requireNonNull(body, "body"));
    }

    /**
     * Starts {@code body}, which has no result, as a task of this group.
     *
     * @param body the work
     * @return the task, whose result is {@code null}
     * @throws IllegalStateException if the group is aborting or closed; the body never runs
     * @throws RejectedExecutionException if the group's executor or thread factory refuses
     * @throws NullPointerException if {@code body} is null
     */
    public Task<@Nullable Void> start(Task.Action body) {
        Objects.requireNonNull(body, "body");
        return spawn(null, () -> {
            body.run();
            return null;
        });
    }

    private <T extends @Nullable Object> Task<T> spawn(@Nullable String taskName, Callable<? extends T> body) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(this + " is finished: it cannot start more tasks");
            }
            if (aborting) {
                throw new IllegalStateException(this + " is shutting down: it cannot start more tasks");
            }
            starting++;
        } finally {
            lock.unlock();
        }
        Task<T> task;
        try {
            task = starter.start(taskName, body);
        } catch (RuntimeException | Error e) {
            lock.lock();
            try {
                starting--;
                signalIfAllStoppedLocked();
            } finally {
                lock.unlock();
            }
            throw e;
        }
        boolean abortedMeanwhile;
        lock.lock();
        try {
            starting--;
            live.add(task);
            abortedMeanwhile = aborting;
        } finally {
            lock.unlock();
        }
        // Registered after the task is in `live`, so that a task already stopped is removed.
        task.whenStopped().whenComplete((v, e) -> onStopped(task));
        if (abortedMeanwhile) {
            // NOTE: admitted before the abort began but registered after its snapshot: stop it
            // here, so that no task escapes the abort.
            stop(task);
        }
        return task;
    }

    /** A task's body has stopped: forget it, record its failure, abort on the first one. */
    private void onStopped(Task<?> task) {
        List<Throwable> found = failuresOf(task);
        @Nullable List<Task<?>> toStop = null;
        lock.lock();
        try {
            live.remove(task);
            if (!found.isEmpty()) {
                failures.addAll(found);
                toStop = beginAbortLocked("a task failed: " + found.get(0));
                if (toStop != null && interruptOwnerOnFailure && inBody && !ownerInterrupted) {
                    ownerInterrupted = true;
                    if (ownerTask != null) {
                        ownerTask.interrupt();
                    } else {
                        ownerThread.interrupt();
                    }
                }
            }
            signalIfAllStoppedLocked();
        } finally {
            lock.unlock();
        }
        if (toStop != null) {
            stopAll(toStop);
        }
    }

    /** The failures a stopped task contributes: its own, or the late ones of a cancelled task. */
    private static List<Throwable> failuresOf(Task<?> task) {
        try {
            task.join();
            return List.of();
        } catch (CancellationException c) {
            Throwable own = c.getCause() != null ? c.getCause() : c;
            List<Throwable> late = new ArrayList<>();
            for (Throwable t : own.getSuppressed()) {
                if (!Stages.isCancellationSignal(t)) {
                    late.add(t);
                }
            }
            return late;
        } catch (CompletionException e) {
            return List.of(Stages.unwrap(e));
        }
    }

    /** Marks the group aborting; returns the tasks to stop, or null if it already was. */
    private @Nullable List<Task<?>> beginAbortLocked(String reason) {
        if (aborting) {
            return null;
        }
        aborting = true;
        TaskGroupAbortedEvent.emit(name, reason, live.size());
        return new ArrayList<>(live);
    }

    private void abort() {
        @Nullable List<Task<?>> toStop;
        lock.lock();
        try {
            toStop = beginAbortLocked("cancelled");
        } finally {
            lock.unlock();
        }
        if (toStop != null) {
            stopAll(toStop);
        }
    }

    private static void stopAll(List<Task<?>> tasks) {
        for (Task<?> t : tasks) {
            stop(t);
        }
    }

    /** Asks a task to stop: cancel it if it has not started (it never will), else interrupt it. */
    private static void stop(Task<?> task) {
        if (task.status() == Task.Status.PENDING) {
            task.cancel("its task group is shutting down");
        } else {
            task.interrupt();
        }
    }

    private void signalIfAllStoppedLocked() {
        if (live.isEmpty() && starting == 0) {
            allStopped.signalAll();
        }
    }

    // ---- cancelling and closing ----------------------------------------------------------------

    /**
     * Cancels the group: asks every task to stop (interrupting running ones, cancelling those not
     * started) and refuses new ones, without it counting as a failure; {@link #close()} then waits
     * for the tasks and throws nothing for the cancellation itself (failures of tasks are still
     * reported). Use it when the block gives up, e.g. before rethrowing its own exception. Does
     * nothing if the group is already aborting or closed.
     */
    public void cancel() {
        abort();
    }

    /**
     * Waits until every task of the group has stopped, then reports: the counterpart of leaving
     * the {@code async with} block.
     *
     * <h4>Blocking and cancellation</h4>
     * Blocks until every task's body has stopped, including tasks started while waiting; there
     * are no spurious returns. An interrupt (set on entry or arriving while waiting), or more cancel
     * requests on the owner's task than when the group was opened, count as the cancellation of
     * the owner: every task is asked to stop, and the wait goes on until all have stopped (further
     * interrupts do not end it). Then:
     * <ul>
     *   <li>if tasks failed: throws {@link TaskGroupException} with every failure;</li>
     *   <li>else, if the owner was cancelled: throws {@link CancellationException};</li>
     *   <li>else returns normally.</li>
     * </ul>
     * If {@code close()} consumed an interrupt, the interrupt status is set again before it
     * returns or throws. A second call returns at once.
     *
     * @throws TaskGroupException if tasks failed
     * @throws CancellationException if the owner was cancelled and no task failed
     */
    @Override
    public void close() {
        Ending end = awaitAll(false);
        if (end.interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!end.failures.isEmpty()) {
            throw new TaskGroupException(toString(), end.failures);
        }
        if (end.ownerCancelled) {
            throw new CancellationException(this + " was cancelled because its owner was cancelled");
        }
    }

    private <T extends @Nullable Object, X extends Exception> T runBody(Body<T, X> body) throws X, InterruptedException {
        lock.lock();
        try {
            interruptOwnerOnFailure = true;
            inBody = true;
        } finally {
            lock.unlock();
        }
        T value = null;
        @Nullable Throwable thrown = null;
        try {
            value = body.run(this);
        } catch (Throwable t) {
            thrown = t;
        }
        boolean weInterrupted;
        lock.lock();
        try {
            inBody = false;
            weInterrupted = ownerInterrupted;
        } finally {
            lock.unlock();
        }
        if (weInterrupted) {
            boolean ours = ownerTask == null || ownerTask.uncancel() <= ownerLevel;
            if (ours) {
                Thread.interrupted(); // the group's own interrupt of the block must not outlive it
                if (thrown != null && Stages.isCancellationSignal(thrown)) {
                    thrown = null; // the block's answer to the group's own interrupt
                }
            }
        }
        boolean bodyCancelled = thrown != null && Stages.isCancellationSignal(thrown);
        Ending end = awaitAll(bodyCancelled || thrown != null);
        if (!end.failures.isEmpty()) {
            List<Throwable> all = new ArrayList<>(end.failures);
            if (thrown != null && !bodyCancelled) {
                all.add(thrown);
            }
            if (end.interrupted || bodyCancelled) {
                Thread.currentThread().interrupt();
            }
            throw new TaskGroupException(toString(), all);
        }
        if (end.interrupted && thrown == null) {
            throw new InterruptedException(this + " was cancelled because its owner was interrupted");
        }
        if (end.interrupted) {
            Thread.currentThread().interrupt();
        }
        if (thrown != null) {
            throw TaskGroup.<RuntimeException>sneaky(thrown);
        }
        if (end.ownerCancelled) {
            throw new InterruptedException(this + " was cancelled because its owner was cancelled");
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** How waiting for the tasks ended. */
    private record Ending(List<Throwable> failures, boolean ownerCancelled, boolean interrupted) {}

    /**
     * Waits until every task has stopped, aborting first if {@code abortFirst} or the owner is
     * cancelled; closes the group.
     */
    private Ending awaitAll(boolean abortFirst) {
        boolean interrupted = Thread.interrupted();
        boolean ownerCancelled = interrupted || ownerCancelRequested();
        boolean needAbort = abortFirst || ownerCancelled;
        for (;;) {
            @Nullable List<Task<?>> toStop = null;
            lock.lock();
            try {
                if (closed) {
                    return new Ending(List.of(), false, interrupted);
                }
                closing = true;
                if (needAbort) {
                    needAbort = false;
                    toStop = beginAbortLocked(ownerCancelled ? "its owner was cancelled or interrupted" : "closed aborting");
                } else if (live.isEmpty() && starting == 0) {
                    closed = true;
                    return new Ending(List.copyOf(failures), ownerCancelled, interrupted);
                } else {
                    try {
                        allStopped.await();
                    } catch (InterruptedException e) {
                        interrupted = true;
                        if (!ownerCancelled) {
                            ownerCancelled = true;
                            needAbort = true;
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            if (toStop != null) {
                stopAll(toStop);
            }
        }
    }

    /** Whether the owner's task has cancel requests made after the group was opened. */
    private boolean ownerCancelRequested() {
        Task<?> t = ownerTask;
        return t != null && Thread.currentThread() == ownerThread && t.cancelling() > ownerLevel;
    }

    // ---- queries ------------------------------------------------------------------------------

    /**
     * Returns the group's name.
     *
     * @return the name given to the builder, or {@code TaskGroup-N}
     */
    public String name() {
        return name;
    }

    /**
     * Returns the number of tasks whose body has not stopped yet (including tasks waiting for the
     * concurrency limit). A snapshot.
     *
     * @return the number of live tasks
     */
    public int liveCount() {
        lock.lock();
        try {
            return live.size() + starting;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the name, state, live tasks and failures, e.g.
     * {@code TaskGroup[name=fetchers, state=ABORTING, live=2, failures=1]}.
     *
     * @return a diagnostic description
     */
    @Override
    public String toString() {
        lock.lock();
        try {
            String state = closed ? "CLOSED" : aborting ? "ABORTING" : closing ? "CLOSING" : "OPEN";
            return "TaskGroup[name=" + name + ", state=" + state + ", live=" + (live.size() + starting)
                    + ", failures=" + failures.size() + "]";
        } finally {
            lock.unlock();
        }
    }

    // ---- where the tasks run -------------------------------------------------------------------

    /** Starts the group's tasks: directly, or through a limiter. */
    private abstract static class TaskStarter {
        abstract <T extends @Nullable Object> Task<T> start(@Nullable String name, Callable<? extends T> body);

        static TaskStarter of(String group, int limit, @Nullable Executor executor, @Nullable ThreadFactory factory) {
            if (limit == 0) {
                return new TaskStarter() {
                    @Override
                    <T extends @Nullable Object> Task<T> start(@Nullable String name, Callable<? extends T> body) {
                        Task.Builder b = Task.builder();
                        if (name != null) {
                            b.name(name);
                        }
                        if (executor != null) {
                            b.executor(executor);
                        } else if (factory != null) {
                            b.threadFactory(factory);
                        }
                        return b.start(body);
                    }
                };
            }
            Executor workers;
            if (executor != null) {
                workers = executor;
            } else {
                ThreadFactory f = factory != null ? factory : Thread.ofVirtual().name(group + "-worker-", 1).factory();
                workers = r -> {
                    Thread t = f.newThread(r);
                    if (t == null) {
                        throw new RejectedExecutionException("thread factory " + f + " returned null for " + group);
                    }
                    t.start();
                };
            }
            Limiter limiter = new Limiter(limit, workers);
            return new TaskStarter() {
                @Override
                <T extends @Nullable Object> Task<T> start(@Nullable String name, Callable<? extends T> body) {
                    Task.Builder b = Task.builder().executor(limiter);
                    if (name != null) {
                        b.name(name);
                    }
                    return b.start(body);
                }
            };
        }
    }

    /**
     * Runs at most {@code limit} of the runnables given to it at once, in FIFO order, on worker
     * threads that each run queued runnables until the queue is empty.
     */
    private static final class Limiter implements Executor {

        /*
         * Implementation notes.
         *
         * Overview
         *   A lock-free queue of runnables and a count of active workers. execute() enqueues and
         *   starts a worker if fewer than `limit` are active. A worker drains the queue; when it
         *   finds it empty it retires (decrements) and then re-checks the queue, taking its slot
         *   back if something arrived in between, so no runnable is stranded.
         *
         * Invariants
         *   - active <= limit.
         *   - A runnable in the queue is eventually run: either a worker is active (and will poll
         *     it) or the last retiring worker saw it and took a slot back.
         *
         * Progress
         *   Lock-free (CAS on active; ConcurrentLinkedQueue).
         */

        private final int limit;
        private final Executor workers;
        private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger active = new AtomicInteger();

        Limiter(int limit, Executor workers) {
            this.limit = limit;
            this.workers = workers;
        }

        @Override
        public void execute(Runnable command) {
            queue.add(command);
            try {
                tryStartWorker();
            } catch (RuntimeException | Error e) {
                if (queue.remove(command)) {
                    throw e; // nobody will run it: the start fails
                }
                // another worker has already taken it: it runs, the start succeeded
            }
        }

        private void tryStartWorker() {
            for (;;) {
                int a = active.get();
                if (a >= limit || queue.isEmpty()) {
                    return;
                }
                if (active.compareAndSet(a, a + 1)) {
                    try {
                        workers.execute(this::work);
                    } catch (RuntimeException | Error e) {
                        active.decrementAndGet();
                        throw e;
                    }
                    return;
                }
            }
        }

        private void work() {
            for (;;) {
                Runnable r;
                while ((r = queue.poll()) != null) {
                    r.run(); // a task's runner: never throws
                }
                active.decrementAndGet();
                // Re-check after retiring: a runnable enqueued just before the decrement found
                // `limit` workers active and started none.
                for (;;) {
                    if (queue.isEmpty()) {
                        return;
                    }
                    int a = active.get();
                    if (a >= limit) {
                        return; // another active worker will poll it
                    }
                    if (active.compareAndSet(a, a + 1)) {
                        break;
                    }
                }
            }
        }
    }
}
