package dev.weft.core.task;

import dev.weft.core.internal.Durations;
import dev.weft.core.internal.Stages;
import dev.weft.core.internal.TaskCancelledEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A body of work running on its own thread whose result is this future: the counterpart of
 * {@code asyncio.Task} and {@code asyncio.create_task}.
 *
 * <p>{@link #start(Callable)} runs the body on a new virtual thread at once and returns its task;
 * {@link #builder()} picks a name, an {@link Executor} or a {@link ThreadFactory} instead. A task
 * <em>is</em> a {@link CompletableFuture} of the body's result, so it can be joined, composed
 * ({@code thenApply}, {@code allOf}) and passed wherever a {@code CompletableFuture} is expected.
 * Dependent stages created from it are plain {@code CompletableFuture}s, not tasks.
 *
 * <p>What a task adds to a {@code CompletableFuture}:
 * <ul>
 *   <li><b>Cancelling interrupts the body.</b> {@link #cancel(boolean) cancel(true)} and
 *       {@link #cancel(String)} complete the task with a {@link CancellationException} at once (the
 *       {@link java.util.concurrent.Future} contract) <em>and</em> interrupt the thread running the
 *       body, which blocking code answers with {@link InterruptedException}. A task cancelled before
 *       its body started never runs the body.</li>
 *   <li><b>"Cancelled" and "stopped" are different moments.</b> After a cancel the result is
 *       settled, but the body may still be running its clean-up. {@link #awaitStopped()} and
 *       {@link #whenStopped()} wait until the body's thread has really left the body.</li>
 *   <li><b>Nobody else can complete it.</b> {@link #complete}, {@link #completeExceptionally},
 *       {@code obtrude*}, {@code completeAsync}, {@link #orTimeout} and
 *       {@link #completeOnTimeout} throw {@link UnsupportedOperationException}, as asyncio's
 *       {@code Task.set_result} raises {@code RuntimeError}. Use a dependent stage
 *       ({@code task.copy().orTimeout(...)}) to put a deadline on waiting.</li>
 *   <li><b>Cancel requests are counted</b> ({@link #cancelling()}, {@link #uncancel()}), as in
 *       asyncio 3.13, for structured helpers such as timeouts and task groups.</li>
 *   <li><b>An {@link Error} is never lost.</b> If the body throws an {@code Error} (an
 *       {@code OutOfMemoryError}, an {@code AssertionError}, ...) and nobody has asked for the
 *       task's outcome yet (no dependent stage, no {@code get}, {@code join} or {@code getNow}),
 *       the error is also passed to the uncaught-exception handler of the thread that ran the body,
 *       as a plain thread dying of it would; asyncio logs "Task exception was never retrieved" in
 *       that case. Exceptions are not reported this way: they are the task's result.</li>
 * </ul>
 *
 * <h2>States</h2>
 * The body's life and the task's result are tracked together in one atomic state:
 * <table class="striped">
 *   <caption>Task states</caption>
 *   <thead><tr><th>{@link Status}</th><th>body</th><th>{@link #isDone()}</th>
 *       <th>{@link #isCancelled()}</th><th>{@link #isStopped()}</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code PENDING}</td><td>not started</td><td>false</td><td>false</td><td>false</td></tr>
 *     <tr><td>{@code RUNNING}</td><td>running</td><td>false</td><td>false</td><td>false</td></tr>
 *     <tr><td>{@code STOPPING}</td><td>running (interrupted, or told to finish)</td><td>true</td>
 *         <td>true</td><td>false</td></tr>
 *     <tr><td>{@code FINISHED}</td><td>returned or threw</td><td>true</td><td>false (*)</td>
 *         <td>true</td></tr>
 *     <tr><td>{@code CANCELLED}</td><td>stopped, or never started</td><td>true</td><td>true</td>
 *         <td>true</td></tr>
 *   </tbody>
 * </table>
 * (*) A body that itself throws {@link CancellationException} or {@link InterruptedException}
 * ends the task {@code CANCELLED}, as a coroutine that raises {@code CancelledError} does.
 * <pre>
 *              runner starts the body          body returns or throws
 *   PENDING ─────────────────────────────► RUNNING ──────────────────────────► FINISHED
 *      │                                      │   │
 *      │ cancel()                    cancel() │   │ body throws InterruptedException
 *      │ (body never runs)    (interrupts the │   │ or CancellationException
 *      │                        body's thread)│   │
 *      │                                      ▼   │
 *      │                                STOPPING  │
 *      │                                      │   │
 *      │                body returns or throws│   │
 *      ▼                (outcome discarded)   ▼   ▼
 *   CANCELLED ◄──────────────────────────────────────
 * </pre>
 * {@code isDone()} turns true on the arrows into {@code STOPPING}, {@code FINISHED} and
 * {@code CANCELLED}; {@code isStopped()} on the arrows into {@code FINISHED} and
 * {@code CANCELLED}.
 *
 * <h2>Failures</h2>
 * A failure of the body is the task's exceptional result: {@code join()} throws it wrapped in a
 * {@link java.util.concurrent.CompletionException}, {@code get()} in an {@link ExecutionException}.
 * If the body fails <em>after</em> the task was cancelled, the failure cannot be the result any
 * more; it is then added as a {@linkplain Throwable#getSuppressed() suppressed exception} to the
 * task's own {@code CancellationException} (the cause of the one {@link #get()} and
 * {@link #join()} throw, see {@link #join()}) before the task counts as stopped, so it is there
 * for anyone who looks after {@link #awaitStopped()}:
 * {@snippet :
 * task.cancel("shutting down");
 * task.awaitStopped();
 * try {
 *     task.join();
 * } catch (CancellationException e) {
 *     for (Throwable late : e.getCause().getSuppressed()) log(late);   // failures during clean-up
 * }
 * }
 * An {@code InterruptedException} or {@code CancellationException} thrown by the body after a
 * cancel is the expected reaction to the cancel and is not attached. A value returned after a
 * cancel is discarded.
 *
 * <h2>Asyncio differences</h2>
 * In asyncio, {@code Task.cancel()} only <em>requests</em> cancellation: the coroutine may catch
 * {@code CancelledError} and finish normally, and the task is then not cancelled. Here
 * {@link #cancel(String)} follows the {@code Future} contract instead (the result is settled at
 * once), and {@link #interrupt()} is the request-only form: it interrupts the body and counts as a
 * cancel request, but leaves the result to the body.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in the thread that starts a task happen-before the body runs. Actions of the body
 * happen-before a thread sees its completion ({@code join}, {@code get}, a dependent stage) and
 * before {@link #awaitStopped()} returns or {@link #whenStopped()} completes. Actions before a
 * successful {@link #cancel(String)} happen-before the body observes the interrupt. See the
 * package's <a href="../package-summary.html#memory">memory consistency</a> rules.
 *
 * <h2>Cancellation</h2>
 * Cancellation is cooperative (see the package's <a href="../package-summary.html#cancellation">
 * cancellation rules</a>): a body that never blocks and never checks
 * {@link Thread#isInterrupted()} runs to its end after a cancel, and only then is the task
 * stopped. Pitfall, a body that cannot be stopped:
 * {@snippet :
 * Task<Void> spin = Task.start(() -> { while (true) { } });
 * spin.cancel("enough");   // true, and spin.isCancelled() is true at once,
 * spin.awaitStopped();     // but this never returns: the loop never looks at the interrupt
 * }
 *
 * <h2 id="awaiting">Awaiting from inside a task</h2>
 * A wait made through Weft from inside a task body passes that task's cancellation on to what it
 * awaits, as asyncio cancels the task or future that a cancelled task is awaiting. The waits that
 * do so are a task's {@link #get()}, {@link #get(long, TimeUnit)}, {@link #get(Duration)} and
 * {@link #join()}, and {@link #await(CompletionStage)} (and its timed forms) for any future or
 * stage. The rule: when the calling thread's {@linkplain #current() current task} has a cancel
 * request and the wait is interrupted, the awaited task or future is cancelled before the wait
 * ends. A cancel request is a {@link #cancel(String) cancel} (the task {@link #isCancelled()}) or
 * a request made with {@link #interrupt()} ({@link #cancelling()} is above zero), which is also
 * how a {@link dev.weft.core.time.Timeout} deadline around the wait, or a
 * {@link dev.weft.core.time.WaitFor} deadline on the calling task, asks it to stop. The awaited
 * task is cancelled with {@link #cancel(String)}, which interrupts its body, so a cancellation
 * travels down a chain of tasks that await each other; any other
 * {@link java.util.concurrent.Future} is cancelled with {@code cancel(true)}. Then {@code get}
 * and {@code await} throw {@link InterruptedException}, and {@code join} throws a
 * {@link CancellationException} with the interrupt status set again, so the body keeps
 * unwinding.
 * <table class="striped">
 *   <caption>What an interrupted wait does, by caller</caption>
 *   <thead><tr><th>caller</th><th>{@code get}, {@code await}</th><th>{@code join}</th>
 *       <th>the awaited work</th></tr></thead>
 *   <tbody>
 *     <tr><td>a task with a cancel request</td><td>{@code InterruptedException}</td>
 *         <td>{@code CancellationException}, interrupt set again</td><td>cancelled</td></tr>
 *     <tr><td>a task interrupted with {@link Thread#interrupt()} only</td>
 *         <td>{@code InterruptedException}</td><td>keeps waiting; interrupt set again on return</td>
 *         <td>not affected</td></tr>
 *     <tr><td>a plain thread</td><td>{@code InterruptedException}</td>
 *         <td>keeps waiting; interrupt set again on return</td><td>not affected</td></tr>
 *   </tbody>
 * </table>
 * What is not passed on:
 * <ul>
 *   <li><b>Raw JDK waits.</b> {@code CompletableFuture.get()} on a future that is not a task (or
 *       any {@code Future.get()}) cannot be intercepted: it sees only the interrupt and leaves the
 *       future running. Wait with {@code Task.await(future)} instead:
 *       {@snippet :
 *       Task<String> t = Task.start(() -> {
 *           String a = download.get();          // t.cancel(): download keeps running
 *           String b = Task.await(download);    // t.cancel(): download is cancelled too
 *           return a + b;
 *       });
 *       }</li>
 *   <li><b>Shields.</b> Awaiting a {@link Shield#shield(CompletionStage) shield} cancels the
 *       shield, never the work behind it.</li>
 *   <li><b>Combinators that never cancel.</b> {@link Wait} and {@link AsCompleted} leave their
 *       inputs alone when the waiter is cancelled, as asyncio's {@code wait} and
 *       {@code as_completed} do. ({@link Gather#await(java.util.Collection)} and
 *       {@link dev.weft.core.time.WaitFor} cancel their work on any interrupt, even on a plain
 *       thread; see there.)</li>
 * </ul>
 * Asyncio difference: asyncio passes the cancellation on as a <em>request</em> (the awaited task
 * may swallow it and return a value, which the waiter then receives); here the awaited task is
 * cancelled outright ({@link #cancel(String)}, the {@code Future} contract), and the waiter stops
 * waiting in any case.
 *
 * <h2>Thread safety</h2>
 * Every method is thread-safe. The interrupt a task delivers to its body is withdrawn (the
 * thread's interrupt status is cleared) when the body stops, so it never leaks into whatever the
 * thread runs next.
 *
 * {@snippet :
 * Task<String> fetch = Task.start("fetch", () -> download(url));   // runs at once
 * Task<String> parse = Task.start("parse", () -> parse(fetch.get()));
 * System.out.println(parse.join());
 *
 * Task<Void> ticker = Task.start(() -> { while (true) { Weft.sleep(Duration.ofSeconds(1)); tick(); } });
 * ticker.cancel("shutting down");   // interrupts the sleep
 * ticker.awaitStopped();            // the loop has exited
 * }
 *
 * @param <T> the type of the body's result
 * @since 0.1
 */
public final class Task<T extends @Nullable Object> extends CompletableFuture<T> {

    /*
     * Implementation notes.
     *
     * Overview
     *   The task's public result lives in CompletableFuture's own result field, but the decision
     *   about what that result is, and the body's life cycle, live in one long `state` word here.
     *   Whoever wins the CAS that decides the outcome (the runner when the body ends, or a
     *   canceller) publishes it to the CompletableFuture; so can anyone who later sees the decided
     *   state ("helping"), because the outcome is stored in fields written before the deciding CAS
     *   (result/failure by the single runner; cancellation by CAS-from-null before any CAS that
     *   sets CANCELLED). This gives the Future contract (after cancel returns true, isCancelled()
     *   is true; after cancel returns false, isDone() is true) without a lock.
     *   Interrupts are delivered under an INTERRUPTING bit, in the manner of FutureTask's
     *   INTERRUPTING state: the runner does not leave the body's phase while an interrupter is
     *   between deciding to interrupt and Thread.interrupt() returning, and clears the thread's
     *   interrupt status after the body if the task delivered one. So an interrupt meant for the
     *   body never lands in later, unrelated code on a pooled thread.
     *
     * Diagram (state word)
     *   bit 63 ............. 8 | 7 6 | 5         | 4         | 3            | 2         | 1 0
     *   cancel-request count   |  0  | DELIVERED | INT_PEND  | INTERRUPTING | CANCELLED | phase
     *   phase: 0 PENDING, 1 RUNNING, 2 STOPPED.
     *
     * Invariants
     *   - phase only moves PENDING -> RUNNING -> STOPPED or PENDING -> STOPPED.
     *   - CANCELLED is set only while phase is PENDING (together with the move to STOPPED) or
     *     RUNNING; once set it stays set. If CANCELLED is set, `cancellation` is non-null and is
     *     the task's outcome.
     *   - STOPPED without CANCELLED: `result`/`failure` hold the body's outcome.
     *   - INTERRUPTING only while phase is RUNNING; phase never becomes STOPPED while it is set.
     *   - INTERRUPT_PENDING only while phase is PENDING.
     *   - `runner` is non-null whenever phase is RUNNING.
     *   - The CompletableFuture is completed only with the outcome the state decided.
     *   - When the runnable handed to the executor (or thread) returns, the future and `stopped`
     *     are complete: the runner publishes its own outcome, or helps a canceller publish.
     *
     * Non-invariants
     *   - state may say STOPPING (or STOPPED) a moment before the CompletableFuture is completed:
     *     the decider publishes right after its CAS. status() and toString() may thus be one step
     *     ahead of isDone()/isCancelled(); cancel() helps before it returns, so its own answer is
     *     always consistent with isDone()/isCancelled().
     *   - `cancellation` may be installed by a cancel that then loses to the body's completion; it
     *     is then never used.
     *
     * Linearization points
     *   - start: the CAS PENDING -> RUNNING by the runner.
     *   - body outcome: the CAS RUNNING -> STOPPED.
     *   - cancel: the CAS that sets CANCELLED (PENDING -> STOPPED|CANCELLED, or RUNNING ->
     *     RUNNING|CANCELLED); a cancel that finds the phase STOPPED linearizes at that read.
     *   - interrupt, uncancel, cancelling: their CAS or read of `state`.
     *
     * Memory ordering
     *   - state: volatile reads and CAS (full fences); the hub every other field is published by.
     *   - runner: claimed by CAS when an executor or a caller's thread factory runs the task
     *     (one runner even if an executor misbehaves), by a plain write on a thread this class
     *     started itself (it runs the runnable once); either way read by an interrupter after its
     *     CAS saw RUNNING (synchronizes with the runner's CAS to RUNNING, which follows the
     *     claim). Cleared with a plain write after STOPPED, which no interrupter can read any more.
     *   - listener: installed before the thread starts (startListened, plain writes published
     *     by Thread.start) or by CAS from null (listenOnce); the completing call reads it and,
     *     finding none, marks it FIRED by compare-and-exchange, so a racing listenOnce either
     *     installs first (and is called) or fails (and its caller uses whenComplete).
     *   - result, failure: plain writes by the runner before its CAS to STOPPED (release),
     *     plain reads by helpers after a volatile read that saw STOPPED (acquire).
     *   - cancellation: CAS from null (first canceller wins); read after a volatile read of state
     *     that saw CANCELLED.
     *   - body: plain; written in the constructor (published to the runner by Executor.execute /
     *     Thread.start), read only by the winner of PENDING -> RUNNING, cleared by whoever moved
     *     the phase away from PENDING.
     *
     * Blocking and cancellation
     *   get/join/await wait on the CompletableFuture itself. When such a wait is interrupted, the
     *   waiter looks at its own current task (current(), see CurrentTask): if that task's state
     *   word has CANCELLED or a non-zero count, it cancels the awaited task or future before it
     *   throws. join() waits with the interruptible get() only to see interrupts; without a
     *   cancel request it waits on and re-asserts the interrupt, as CompletableFuture.join does.
     *   No operation of the task blocks except these and awaitStopped (on `stopped`, a private
     *   CompletableFuture made by the first waiter that needs it and completed when the phase
     *   becomes STOPPED, whose timed get unlinks its waiter on timeout) and the runner's wait for an in-flight interrupter (a bounded spin,
     *   then Thread.yield, as FutureTask does: the interrupter is between two instructions).
     *
     * Progress
     *   cancel, interrupt, uncancel and status are lock-free. The runner's exit waits for an
     *   interrupter that is inside Thread.interrupt() (obstruction, not lock-freedom, for those
     *   few instructions).
     *
     * Revision notes
     *   0.1: first version.
     */

    /** The task's life-cycle state, as {@link #status()} reports it; see the class documentation. */
    public enum Status {
        /** Created; the body has not started. */
        PENDING,
        /** The body is running and the task has no result yet. */
        RUNNING,
        /** The task was cancelled (its result is settled) but the body has not stopped yet. */
        STOPPING,
        /** The body returned a value or threw an exception, which is the task's result. */
        FINISHED,
        /** The task was cancelled and its body has stopped, or never started. */
        CANCELLED
    }

    /**
     * A task body without a result that may throw checked exceptions: the {@code Runnable}
     * counterpart of {@link Callable}.
     *
     * <p>{@code start(Callable)} and {@code start(Action)} are chosen as
     * {@code ExecutorService.submit(Callable)} and {@code submit(Runnable)} are: a lambda that
     * returns a value picks {@code Callable}. Pitfall: a reference to an overloaded method, such as
     * {@code latch::await}, matches both and does not compile; write a lambda,
     * {@code () -> latch.await()}.
     */
    @FunctionalInterface
    public interface Action {
        /**
         * Does the work.
         *
         * @throws Exception if the work fails; it becomes the task's exceptional result
         */
        void run() throws Exception;
    }

    // ---- state word ---------------------------------------------------------------------------

    /** Mask of the phase bits. */
    private static final long PHASE_MASK = 0b11L;
    /** Phase: the body has not started. Must be 0 (the initial value). */
    private static final long PENDING = 0L;
    /** Phase: the body is running on {@link #runner}. */
    private static final long RUNNING = 1L;
    /** Phase: the body has stopped, or will never run. Terminal. */
    private static final long STOPPED = 2L;
    /** The task was cancelled by {@link #cancel}; must only be set with phase PENDING or RUNNING. */
    private static final long CANCELLED = 1L << 2;
    /** An interrupter is delivering an interrupt to {@link #runner}; must only be set while RUNNING. */
    private static final long INTERRUPTING = 1L << 3;
    /** {@link #interrupt()} was called before the body started; must only be set while PENDING. */
    private static final long INTERRUPT_PENDING = 1L << 4;
    /** The task has interrupted the runner thread at least once; the runner clears it on exit. */
    private static final long INTERRUPT_DELIVERED = 1L << 5;
    /** Shift of the cancel-request count in the state word. */
    private static final int COUNT_SHIFT = 8;
    /** One cancel request. */
    private static final long COUNT_UNIT = 1L << COUNT_SHIFT;
    /** The count saturates here; {@link #cancelling()} returns an {@code int}. */
    private static final long MAX_COUNT = Integer.MAX_VALUE;

    /** Spins before the runner starts yielding while an interrupter finishes its interrupt. */
    private static final int INTERRUPTER_SPINS_BEFORE_YIELD = 64;

    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** Makes the unnamed virtual threads of unnamed tasks (thread-safe, unlike a builder). */
    private static final ThreadFactory UNNAMED_THREADS = Thread.ofVirtual().factory();

    /**
     * Phase, flags and cancel-request count; see the implementation notes. Legal phase/flag
     * combinations: PENDING[|INTERRUPT_PENDING]; RUNNING[|CANCELLED][|INTERRUPTING]
     * [|INTERRUPT_DELIVERED]; STOPPED[|CANCELLED][|INTERRUPT_DELIVERED]. Accessed only through
     * {@link #getStateVolatile()} and {@link #casState(long, long)}.
     */
    private volatile long state;

    /** The name given at the start, or {@code Task-N} built on first use from {@link #sequence}. */
    private @Nullable String name;
    /** N of an unnamed task's {@code Task-N}; 0 for a named task. */
    private final long sequence;
    private @Nullable Callable<? extends T> body;
    /** The thread running the body; claimed by CAS through {@link #casRunner}. */
    private volatile @Nullable Thread runner;
    /** The body's value; written by the runner before its CAS to STOPPED. */
    private @Nullable Object result;
    /** The body's failure, already mapped (see {@link #outcomeOf}); written like {@link #result}. */
    private @Nullable Throwable failure;
    /** The outcome of a successful {@link #cancel}; installed by CAS from null. */
    private volatile @Nullable CancellationException cancellation;

    /**
     * Whether anyone has asked for the outcome: a dependent stage was created (every
     * {@code then...}, {@code handle}, {@code whenComplete}, ... goes through
     * {@link #newIncompleteFuture()}), or {@code get}, {@code join} or {@code getNow} was called.
     * Written {@code false -> true} only; read when the body ends, to decide whether an
     * {@link Error} it threw would otherwise reach nobody.
     */
    private volatile boolean observed;
    /**
     * Completed once the phase is STOPPED; made by the first waiter that needs it (most tasks
     * never have one), installed by CAS from null. Whoever moves the phase to STOPPED reads it
     * afterwards, and a waiter that installs it reads the phase afterwards, so one of the two
     * completes it.
     */
    private volatile @Nullable CompletableFuture<@Nullable Void> stopped;
    /**
     * The {@link DoneListener} installed by {@link #listenOnce} or {@link #startListened}, or
     * {@link #FIRED} once the future completed without one.
     */
    private volatile @Nullable Object listener;

    private Task(@Nullable String name, long sequence, Callable<? extends T> body) {
        this.name = name;
        this.sequence = sequence;
        this.body = body;
    }

    // ---- starting -----------------------------------------------------------------------------

    /**
     * Starts {@code body} on a new virtual thread and returns its task; the counterpart of
     * {@code asyncio.create_task(coro)}. The task is named {@code Task-N}; its thread, like any
     * thread of {@code Thread.ofVirtual()}, has an empty name (naming each thread would cost a
     * string per task; {@link #current()} gives the task, and so its name, on that thread).
     *
     * @param body the work; its value becomes the task's result
     * @param <T> the type of the result
     * @return the running (or about to run) task
     * @throws NullPointerException if {@code body} is null
     */
    public static <T extends @Nullable Object> Task<T> start(Callable<? extends T> body) {
        return new Builder().start(body);
    }

    /**
     * Starts {@code body} on a new virtual thread named {@code name} and returns its task.
     *
     * @param name the task's name, also given to its thread
     * @param body the work; its value becomes the task's result
     * @param <T> the type of the result
     * @return the running (or about to run) task
     * @throws NullPointerException if an argument is null
     */
    public static <T extends @Nullable Object> Task<T> start(String name, Callable<? extends T> body) {
        return new Builder().name(name).start(body);
    }

    /**
     * Starts {@code body}, which has no result, on a new virtual thread and returns its task,
     * whose result is {@code null}.
     *
     * @param body the work
     * @return the running (or about to run) task
     * @throws NullPointerException if {@code body} is null
     */
    public static Task<@Nullable Void> start(Action body) {
        return new Builder().start(body);
    }

    /**
     * Starts {@code body}, which has no result, on a new virtual thread named {@code name}.
     *
     * @param name the task's name, also given to its thread
     * @param body the work
     * @return the running (or about to run) task
     * @throws NullPointerException if an argument is null
     */
    public static Task<@Nullable Void> start(String name, Action body) {
        return new Builder().name(name).start(body);
    }

    /**
     * Returns a builder that starts tasks with a chosen name, executor or thread factory.
     *
     * @return a new builder with the defaults (generated name, one new virtual thread per task)
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the task whose body the calling thread is running, or {@code null} if it runs none:
     * the counterpart of {@code asyncio.current_task()}. A thread that a body starts runs no task
     * (also one forked by a {@code StructuredTaskScope}); when a body runs another task's body on
     * its own thread (an executor that runs inline), the inner task is current until its body
     * ends, then the outer one again.
     *
     * @return the current task, or {@code null}
     */
    public static @Nullable Task<?> current() {
        return CurrentTask.get();
    }

    /**
     * Starts tasks with a chosen name and where they run.
     *
     * <p>By default each task runs on a new virtual thread, named after the task if the task was
     * given a name (unnamed otherwise). With
     * {@link #executor(Executor)} the body is handed to that executor as one {@code Runnable};
     * with {@link #threadFactory(ThreadFactory)} a new thread from that factory runs it. Choosing
     * one of the two replaces the other. A builder may start any number of tasks; it is not
     * thread-safe.
     */
    public static final class Builder {
        private @Nullable String name;
        private @Nullable Executor executor;
        private @Nullable ThreadFactory threadFactory;

        private Builder() {}

        /**
         * Sets the name of the tasks started from now on (and of their threads, when the builder
         * creates them). Without a name, each task is named {@code Task-N} and its thread is
         * unnamed.
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
         * Runs the bodies of tasks started from now on with {@code executor} (one
         * {@code execute} call per task) instead of a new virtual thread.
         *
         * @param executor where the bodies run
         * @return this builder
         * @throws NullPointerException if {@code executor} is null
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            this.threadFactory = null;
            return this;
        }

        /**
         * Runs the body of each task started from now on on a new thread from {@code factory}
         * instead of a new virtual thread.
         *
         * @param factory makes one thread per task
         * @return this builder
         * @throws NullPointerException if {@code factory} is null
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "factory");
            this.executor = null;
            return this;
        }

        /**
         * Starts {@code body} as configured and returns its task.
         *
         * @param body the work; its value becomes the task's result
         * @param <T> the type of the result
         * @return the started task
         * @throws NullPointerException if {@code body} is null
         * @throws RejectedExecutionException if the executor rejects the task or the thread
         *     factory returns {@code null}; the body then never runs
         */
        public <T extends @Nullable Object> Task<T> start(Callable<? extends T> body) {
            Objects.requireNonNull(body, "body");
            Task<T> task = new Task<>(name, name == null ? SEQUENCE.incrementAndGet() : 0, body);
            Executor ex = executor;
            ThreadFactory factory = threadFactory;
            if (ex != null) {
                ex.execute(task::runBody);
            } else if (factory != null) {
                Thread thread = factory.newThread(task::runBody);
                if (thread == null) {
                    throw new RejectedExecutionException(
                            "thread factory " + factory + " returned null for " + task);
                }
                thread.start();
            } else if (name != null) {
                Thread.ofVirtual().name(name).start(task::runOnOwnThread);
            } else {
                UNNAMED_THREADS.newThread(task::runOnOwnThread).start();
            }
            return task;
        }

        /**
         * Starts {@code body}, which has no result, as configured and returns its task, whose
         * result is {@code null}.
         *
         * @param body the work
         * @return the started task
         * @throws NullPointerException if {@code body} is null
         * @throws RejectedExecutionException as {@link #start(Callable)}
         */
        public Task<@Nullable Void> start(Action body) {
            Objects.requireNonNull(body, "body");
            return start(() -> {
                body.run();
                return null;
            });
        }
    }

    // ---- running ------------------------------------------------------------------------------

    /**
     * The runner handed to an executor or to a caller's thread factory: claims the task by CAS
     * (an executor may run the same runnable twice; the first run owns the task), then runs it.
     */
    private void runBody() {
        Thread me = Thread.currentThread();
        if (casRunner(null, me)) {
            runClaimed(me);
        }
    }

    /**
     * The runner of a thread this class made and started itself, which runs it exactly once:
     * claims the task with a plain write, which the CAS to RUNNING (or the read of a cancelled
     * state) that follows publishes to every interrupter, then runs it.
     */
    private void runOnOwnThread() {
        Thread me = Thread.currentThread();
        RUNNER.set(this, me);
        runClaimed(me);
    }

    /** Runs the body unless cancelled, then stops and publishes; {@code me} owns the task. */
    private void runClaimed(Thread me) {
        long s;
        for (;;) {
            s = getStateVolatile();
            if ((s & PHASE_MASK) != PENDING) {
                // Cancelled before it started: the body never runs. Help the canceller publish,
                // so that the task is done by the time its executor sees this runnable return.
                runner = null;
                publish(s);
                signalStopped();
                return;
            }
            long n = (s & ~(PHASE_MASK | INTERRUPT_PENDING)) | RUNNING;
            if ((s & INTERRUPT_PENDING) != 0) {
                n |= INTERRUPT_DELIVERED;
            }
            if (casState(s, n)) {
                break;
            }
        }
        if ((s & INTERRUPT_PENDING) != 0) {
            me.interrupt(); // interrupt() was requested before the start: the body starts interrupted
        }
        Callable<? extends T> work = Objects.requireNonNull(body);
        body = null;
        @Nullable Object value = null;
        @Nullable Throwable thrown = null;
        try {
            value = CurrentTask.call(this, work);
        } catch (Throwable t) {
            thrown = t;
        }
        finish(value, thrown);
    }

    /**
     * Tells whether {@code thread} is running this task's body now (it claimed the task and has
     * not yet finished it).
     *
     * @param thread a thread
     * @return whether it is this task's runner
     */
    boolean runsOn(Thread thread) {
        return runner == thread;
    }

    /** Records the body's outcome, moves to STOPPED, withdraws the task's interrupt, publishes. */
    private void finish(@Nullable Object value, @Nullable Throwable thrown) {
        result = value;
        failure = thrown == null ? null : outcomeOf(thrown);
        long s;
        int spins = 0;
        for (;;) {
            s = getStateVolatile();
            if ((s & INTERRUPTING) != 0) {
                // An interrupter is inside Thread.interrupt(); wait for it so that its interrupt
                // lands before we clear it, not in whatever this thread runs next.
                if (++spins < INTERRUPTER_SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
                continue;
            }
            if (casState(s, (s & ~PHASE_MASK) | STOPPED)) {
                break;
            }
        }
        RUNNER.set(this, null); // plain: no interrupter reads it after STOPPED (see Memory ordering)
        if ((s & INTERRUPT_DELIVERED) != 0) {
            // The interrupt was meant for the body, which has ended; it must not outlive it.
            // NOTE: this also clears an unrelated interrupt that raced in at this moment; pools
            // that use interrupts to stop their workers re-check their own run state anyway.
            Thread.interrupted();
        }
        if ((s & CANCELLED) != 0 && thrown != null
                && !(thrown instanceof InterruptedException) && !(thrown instanceof CancellationException)) {
            // A late failure: the result is already the cancellation; keep the failure with it.
            Objects.requireNonNull(cancellation).addSuppressed(thrown);
        }
        publish(s);
        if (thrown instanceof Error error && !observed && (s & CANCELLED) == 0) {
            reportUnobserved(error);
        }
        signalStopped();
    }

    /** Sets {@link #observed}, writing it only the first time, so repeated joins do not write it. */
    private void markObserved() {
        if (!observed) {
            observed = true;
        }
    }

    /**
     * Passes an {@link Error} that nobody is waiting for to the uncaught-exception handler of the
     * thread that ran the body, as a plain thread dying of it would: a fire-and-forget task never
     * loses an {@code OutOfMemoryError} or an {@code AssertionError} silently (asyncio logs "Task
     * exception was never retrieved" in the same case).
     */
    private static void reportUnobserved(Error error) {
        Thread me = Thread.currentThread();
        try {
            me.getUncaughtExceptionHandler().uncaughtException(me, error);
        } catch (Throwable ignored) {
            // NOTE: a failing handler is ignored, as the JVM ignores it for a dying thread
        }
    }

    /** Maps a body's exception to the task's exceptional outcome. */
    private Throwable outcomeOf(Throwable thrown) {
        if (thrown instanceof InterruptedException) {
            CancellationException c = new CancellationException(name() + " was interrupted");
            c.initCause(thrown);
            return c;
        }
        return thrown;
    }

    /** Completes the CompletableFuture with the outcome that decided state {@code s} (helping). */
    @SuppressWarnings("unchecked")
    private void publish(long s) {
        // assert (s & PHASE_MASK) == STOPPED || (s & CANCELLED) != 0;
        if ((s & CANCELLED) != 0) {
            settle(null, Objects.requireNonNull(cancellation));
        } else if (failure != null) {
            settle(null, failure);
        } else {
            settle(result, null);
        }
    }

    /** Completes the future with the outcome; the one call that completes it tells the listener, if any. */
    @SuppressWarnings("unchecked")
    private void settle(@Nullable Object value, @Nullable Throwable thrown) {
        boolean completed = thrown != null ? super.completeExceptionally(thrown) : super.complete((T) value);
        if (completed) {
            // An installed listener is final (listenOnce installs only over null), so it needs no
            // FIRED mark; without one, FIRED is set so that a later listenOnce fails.
            Object l = listener;
            if (l == null) {
                l = LISTENER.compareAndExchange(this, null, FIRED);
            }
            if (l instanceof DoneListener done) {
                done.onDone(value, thrown);
            }
        }
    }

    /**
     * Gather's one-shot completion callback: told the outcome by the thread that completes the
     * task, as a {@code whenComplete} action would be, without the dependent future and completion
     * node that {@code whenComplete} allocates.
     */
    interface DoneListener {
        /** The task completed with {@code value}, or with {@code thrown} (as stored, not wrapped). */
        void onDone(@Nullable Object value, @Nullable Throwable thrown);
    }

    /**
     * Starts {@code body} as {@link #start(Callable)} does, with {@code listener} installed before
     * the body's thread starts: what {@link #listenOnce} does afterwards, without its
     * compare-and-set and without the chance of finding the task complete (Gather's start path).
     */
    static <T extends @Nullable Object> Task<T> startListened(Callable<? extends T> body, DoneListener listener) {
        Task<T> task = new Task<>(null, SEQUENCE.incrementAndGet(), Objects.requireNonNull(body, "body"));
        // Plain writes: the thread's start publishes them to the body's thread, and the task
        // reaches no other thread before this method returns.
        OBSERVED.set(task, true);
        LISTENER.set(task, listener);
        UNNAMED_THREADS.newThread(task::runOnOwnThread).start();
        return task;
    }

    /**
     * The bodies of a collection in iteration order, as an array, each checked for null before
     * anything starts.
     *
     * @throws NullPointerException naming the position of a null body
     */
    static Callable<?>[] checkedBodies(Collection<? extends Callable<?>> bodies) {
        Callable<?>[] checked = Objects.requireNonNull(bodies, "bodies").toArray(new Callable<?>[0]);
        for (int i = 0; i < checked.length; i++) {
            if (checked[i] == null) {
                throw new NullPointerException("bodies[" + i + "] is null");
            }
        }
        return checked;
    }

    /**
     * Installs {@code listener}, which the completing thread will call once, and counts as asking
     * for the outcome. Only one listener per task: returns {@code false} (installing nothing) if the
     * task already has one or is already complete, and the caller then uses {@code whenComplete}.
     */
    boolean listenOnce(DoneListener listener) {
        markObserved();
        return LISTENER.compareAndSet(this, null, listener);
    }

    // ---- cancellation -------------------------------------------------------------------------

    /**
     * Cancels this task: completes it with a {@link CancellationException} and, if
     * {@code mayInterruptIfRunning}, interrupts the thread running its body.
     *
     * <p>Does what {@link #cancel(String)} does, with a message naming the task, except that with
     * {@code mayInterruptIfRunning == false} a running body is not interrupted: it runs to its end
     * (the task is {@link Status#STOPPING} meanwhile) and its outcome is discarded. Unlike
     * {@link CompletableFuture#cancel(boolean)}, the flag is honoured.
     *
     * @param mayInterruptIfRunning whether to interrupt a running body
     * @return {@code true} if this task is now cancelled
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return cancel(null, mayInterruptIfRunning);
    }

    /**
     * Cancels this task with {@code message}: completes it with a {@link CancellationException}
     * carrying the message, and interrupts the thread running its body; the counterpart of
     * {@code Task.cancel(msg)}.
     *
     * <ul>
     *   <li>Pending (body not started): the task is cancelled and stopped at once; the body will
     *       never run.</li>
     *   <li>Running: the task is cancelled at once ({@code isDone()} and {@code isCancelled()} are
     *       true when this returns; {@code get()} and {@code join()} throw a
     *       {@code CancellationException} with the message) and the body's thread is
     *       interrupted. The body stops
     *       when it reacts; see {@link #awaitStopped()}.</li>
     *   <li>Already cancelled and still running: the thread is interrupted again (the body may
     *       have absorbed the first interrupt). The message of the first cancel stays.</li>
     *   <li>Finished: nothing happens.</li>
     * </ul>
     * Every call made before the body stopped counts as one cancel request in
     * {@link #cancelling()}, as every {@code cancel()} of a not-done asyncio task does.
     *
     * <p>Of several concurrent cancels of a running task, all return {@code true} and one's
     * message is used.
     *
     * @param message the message of the {@code CancellationException}, or {@code null} for one
     *     naming the task
     * @return {@code true} if this task is now cancelled (also when it already was), as
     *     {@link CompletableFuture#cancel(boolean)} returns; {@code false} if the body's outcome
     *     won
     */
    public boolean cancel(@Nullable String message) {
        return cancel(message, true);
    }

    private boolean cancel(@Nullable String message, boolean mayInterrupt) {
        long s = getStateVolatile();
        if ((s & PHASE_MASK) == STOPPED) {
            publish(s);
            return isCancelled();
        }
        CancellationException outcome = installCancellation(message);
        for (;;) {
            s = getStateVolatile();
            long phase = s & PHASE_MASK;
            if (phase == STOPPED) {
                publish(s); // the body won (or an earlier cancel did): make isDone() true before returning
                return isCancelled();
            }
            long n = countedRequest(s) | CANCELLED;
            if (phase == PENDING) {
                n = (n & ~(PHASE_MASK | INTERRUPT_PENDING)) | STOPPED;
                if (casState(s, n)) {
                    body = null;
                    settle(null, outcome);
                    signalStopped();
                    TaskCancelledEvent.emit(name(), String.valueOf(outcome.getMessage()), false);
                    return true;
                }
            } else {
                boolean deliver = mayInterrupt && (s & INTERRUPTING) == 0;
                if (deliver) {
                    n |= INTERRUPTING | INTERRUPT_DELIVERED;
                }
                // NOTE: if another interrupter holds INTERRUPTING, its interrupt has not landed
                // yet and serves this request too; the body cannot tell two interrupts apart.
                if (casState(s, n)) {
                    if (deliver) {
                        deliverInterrupt();
                    }
                    settle(null, outcome);
                    if ((s & CANCELLED) == 0) {
                        TaskCancelledEvent.emit(name(), String.valueOf(outcome.getMessage()), true);
                    }
                    return true;
                }
            }
        }
    }

    /** Installs the cancellation outcome unless one is already there; returns the installed one. */
    private CancellationException installCancellation(@Nullable String message) {
        CancellationException current = cancellation;
        if (current != null) {
            return current;
        }
        CancellationException mine = new CancellationException(message != null ? message : name() + " was cancelled");
        return casCancellation(null, mine) ? mine : Objects.requireNonNull(cancellation);
    }

    /** Interrupts the runner; the caller has set INTERRUPTING with phase RUNNING. */
    private void deliverInterrupt() {
        try {
            Objects.requireNonNull(runner).interrupt();
        } finally {
            for (;;) {
                long s = getStateVolatile();
                if (casState(s, s & ~INTERRUPTING)) {
                    break;
                }
            }
        }
    }

    private static long countedRequest(long s) {
        return (s >>> COUNT_SHIFT) >= MAX_COUNT ? s : s + COUNT_UNIT;
    }

    /**
     * Requests cancellation the asyncio way: interrupts the body's thread and counts one cancel
     * request, but leaves the result to the body.
     *
     * <p>This is what {@code Task.cancel()} does in asyncio, where the coroutine may catch
     * {@code CancelledError} and carry on. Here the body sees an {@link InterruptedException}
     * from its next (or current) blocking call. If it lets that (or a
     * {@link CancellationException}) escape, the task ends {@link Status#CANCELLED}; if it
     * catches it and returns a value, that value is the task's result. Structured helpers such
     * as timeouts use this with {@link #uncancel()}, and undo their own request when they absorb
     * the interrupt.
     *
     * <p>If the body has not started yet, the request is kept and the body starts with its
     * thread's interrupt status set, unless {@link #uncancel()} brings the count back to zero
     * first (asyncio 3.13). If the task is already cancelled but still running, the thread is
     * interrupted again.
     *
     * @return {@code true} if the request was made; {@code false} if the body has already
     *     stopped (or will never run)
     */
    public boolean interrupt() {
        for (;;) {
            long s = getStateVolatile();
            long phase = s & PHASE_MASK;
            if (phase == STOPPED) {
                return false;
            }
            long n = countedRequest(s);
            if (phase == PENDING) {
                if (casState(s, n | INTERRUPT_PENDING)) {
                    return true;
                }
            } else {
                boolean deliver = (s & INTERRUPTING) == 0;
                if (deliver) {
                    n |= INTERRUPTING | INTERRUPT_DELIVERED;
                }
                if (casState(s, n)) {
                    if (deliver) {
                        deliverInterrupt();
                    }
                    return true;
                }
            }
        }
    }

    /**
     * Returns the number of cancel requests ({@link #cancel(String)}, {@link #cancel(boolean)},
     * {@link #interrupt()}) made before the body stopped, less the {@link #uncancel()} calls:
     * the counterpart of {@code Task.cancelling()}.
     *
     * @return the pending cancel-request count, {@code >= 0}
     */
    public int cancelling() {
        return (int) (getStateVolatile() >>> COUNT_SHIFT);
    }

    /**
     * Withdraws one cancel request: decrements {@link #cancelling()} unless it is zero; the
     * counterpart of {@code Task.uncancel()} (asyncio 3.13).
     *
     * <p>When the count reaches zero before the body has started, a pending {@link #interrupt()}
     * request is dropped and the body starts normally. The call does not undo anything else: a
     * cancelled task stays cancelled, and an interrupt already delivered to the running body stays
     * delivered (the body has seen it, or will). Only the party that made a request should
     * withdraw it; structured helpers rely on the count.
     *
     * @return the new count
     */
    public int uncancel() {
        for (;;) {
            long s = getStateVolatile();
            long count = s >>> COUNT_SHIFT;
            if (count == 0) {
                return 0;
            }
            long n = s - COUNT_UNIT;
            if (count == 1 && (s & PHASE_MASK) == PENDING) {
                n &= ~INTERRUPT_PENDING;
            }
            if (casState(s, n)) {
                return (int) (count - 1);
            }
        }
    }

    // ---- awaiting -----------------------------------------------------------------------------

    /**
     * Waits for {@code awaited} and returns its value; inside a task that is asked to cancel, an
     * interrupted wait cancels {@code awaited} first: the counterpart of {@code await aw} in a
     * coroutine, for any future or stage (see <a href="#awaiting">Awaiting from inside a
     * task</a>).
     *
     * <p>A raw {@code future.get()} in a task body only sees the interrupt of a cancel and leaves
     * the future running; {@code Task.await(future)} also cancels the future, as cancelling an
     * asyncio task cancels the future it awaits. For a {@link Task}, {@code Task.await(task)} is
     * {@code task.get()} with the interrupt checked on entry.
     *
     * <h4>Blocking and cancellation</h4>
     * <ul>
     *   <li><b>When it blocks:</b> until {@code awaited} completes, unless it is already done.</li>
     *   <li><b>What wakes it:</b> the completion of {@code awaited} (with a value, a failure or a
     *       cancellation) or an interrupt. There are no spurious returns.</li>
     *   <li><b>Interrupts:</b> if the interrupt status is set on entry (checked before anything
     *       else, even if {@code awaited} is done), or the thread is interrupted while waiting,
     *       throws {@link InterruptedException} with the status cleared. Before it throws, if the
     *       calling thread runs a task with a cancel request (that task is cancelled, or its
     *       {@link #cancelling()} is above zero: {@link #cancel(String)}, {@link #interrupt()}, a
     *       {@link dev.weft.core.time.Timeout} or {@link dev.weft.core.time.WaitFor} deadline),
     *       {@code awaited} is cancelled: a {@code Task} with {@link #cancel(String)} (which
     *       interrupts its body), any other {@link java.util.concurrent.Future} with
     *       {@code cancel(true)}; a stage that cannot be cancelled is left alone. On a plain
     *       thread, or in a task interrupted without a cancel request, nothing is cancelled.</li>
     *   <li><b>Timeout:</b> none; see {@link #await(CompletionStage, Duration)}.</li>
     *   <li><b>Cancellation:</b> if {@code awaited} is cancelled by someone else, the wait ends
     *       with a {@link CancellationException} (for a task, the one described at
     *       {@link #join()}). When this method cancels {@code awaited} itself (above), it throws
     *       the {@code InterruptedException}; if {@code awaited} had completed just before, the
     *       cancel fails and the outcome stays in {@code awaited}. If {@code awaited} completes
     *       while the interrupt arrives, its outcome may be returned or thrown instead, with the
     *       interrupt status set again, as {@code CompletableFuture.get()} does (nothing is
     *       lost).</li>
     * </ul>
     *
     * <h4>Related</h4>
     * {@link dev.weft.core.task.Shield#shield(CompletionStage)}: awaiting a shield cancels only the
     * shield, never the work behind it. {@link dev.weft.core.time.WaitFor}: a deadline that
     * cancels the work and waits until it has stopped.
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
        CompletableFuture<T> f = awaitable(awaited);
        if (f instanceof Task<T> task) {
            return task.get(); // forwards the cancellation itself
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            forwardCancellation(awaited, e);
            throw e;
        }
    }

    /**
     * Waits at most {@code timeout} for {@code awaited} and returns its value; inside a task that
     * is asked to cancel, an interrupted wait cancels {@code awaited} first. As
     * {@link #await(CompletionStage)}, with a time limit.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #await(CompletionStage)}; the wait also ends when the timeout elapses, with a
     * {@link TimeoutException}, and the timeout cancels nothing: {@code awaited} keeps running
     * (use {@link dev.weft.core.time.WaitFor#waitFor(CompletionStage, long, TimeUnit)} to cancel
     * the work at a deadline). A timeout {@code <= 0} returns the outcome of an {@code awaited}
     * that is done and otherwise throws {@code TimeoutException} at once. See the package's
     * <a href="../package-summary.html#timeouts">timeout rules</a>.
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
        Objects.requireNonNull(unit, "unit");
        CompletableFuture<T> f = awaitable(awaited);
        if (f instanceof Task<T> task) {
            return task.get(timeout, unit); // forwards the cancellation itself
        }
        try {
            return f.get(timeout, unit);
        } catch (InterruptedException e) {
            forwardCancellation(awaited, e);
            throw e;
        }
    }

    /**
     * Waits at most {@code timeout} for {@code awaited} and returns its value; as
     * {@link #await(CompletionStage, long, TimeUnit)}.
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
        Objects.requireNonNull(timeout, "timeout");
        return await(awaited, Durations.toNanos(timeout), TimeUnit.NANOSECONDS);
    }

    /**
     * The future to wait on for {@code awaited}, after the interrupt check on entry (which
     * forwards the caller's cancellation like an interrupt while waiting).
     */
    private static <T extends @Nullable Object> CompletableFuture<T> awaitable(CompletionStage<T> awaited)
            throws InterruptedException {
        Objects.requireNonNull(awaited, "awaited");
        if (Thread.interrupted()) {
            InterruptedException e = new InterruptedException();
            forwardCancellation(awaited, e);
            throw e;
        }
        return Stages.asFuture(awaited);
    }

    /** Whether this task has been cancelled or asked to cancel (a cancel request is counted). */
    private boolean cancelRequested() {
        long s = getStateVolatile();
        return (s & CANCELLED) != 0 || (s >>> COUNT_SHIFT) != 0;
    }

    /**
     * The caller's wait for {@code awaited} was interrupted: if the caller runs a task with a
     * cancel request, cancel {@code awaited}.
     */
    private static void forwardCancellation(CompletionStage<?> awaited, InterruptedException interrupt) {
        Task<?> caller = current();
        // NOTE: the cancel request is visible here: cancel() and interrupt() count it (CAS) before
        // they interrupt the thread, and Thread.interrupt() happens-before the interrupt is seen.
        if (caller != null && caller != awaited && caller.cancelRequested()) {
            cancelAwaited(caller, awaited, interrupt);
        }
    }

    /** Cancels what {@code caller} awaited; a failure to cancel is kept with the interrupt. */
    private static void cancelAwaited(Task<?> caller, CompletionStage<?> awaited, Throwable interrupt) {
        try {
            Stages.cancel(awaited, caller.name() + ", which awaited it, was cancelled");
        } catch (RuntimeException cancelFailed) {
            interrupt.addSuppressed(cancelFailed);
        }
    }

    // ---- stopped ------------------------------------------------------------------------------

    /** The stop signal, made and installed on first use; completed if the phase is already STOPPED. */
    private CompletableFuture<@Nullable Void> stoppedSignal() {
        CompletableFuture<@Nullable Void> f = stopped;
        if (f == null) {
            CompletableFuture<@Nullable Void> mine = new CompletableFuture<>();
            @SuppressWarnings("unchecked")
            CompletableFuture<@Nullable Void> won = (CompletableFuture<@Nullable Void>) STOP_SIGNAL.compareAndExchange(this, null, mine);
            f = won == null ? mine : won;
            if (isStopped()) {
                f.complete(null); // the phase moved before the signal was installed
            }
        }
        return f;
    }

    /** Completes the stop signal if a waiter has installed one; called after the phase became STOPPED. */
    private void signalStopped() {
        CompletableFuture<@Nullable Void> f = stopped;
        if (f != null) {
            f.complete(null);
        }
    }

    /**
     * Whether the body has stopped: it returned or threw, or it will never run because the task
     * was cancelled before it started.
     *
     * @return {@code true} if the body is not running and never will
     */
    public boolean isStopped() {
        return (getStateVolatile() & PHASE_MASK) == STOPPED;
    }

    /**
     * Waits until the body has stopped: returned or thrown, or will never run.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if the body has stopped; otherwise blocks until the runner thread has left
     * the body (and a late failure has been attached, see the class documentation). Nothing else
     * ends the wait, except an interrupt; there are no spurious returns. A task cancelled before
     * its body started counts as stopped at once. If the interrupt status is set on entry, or the
     * thread is interrupted while waiting, throws {@link InterruptedException} and clears the
     * status; the task is not affected.
     *
     * @throws InterruptedException if interrupted before or while waiting
     */
    public void awaitStopped() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (isStopped()) {
            return;
        }
        try {
            stoppedSignal().get();
        } catch (ExecutionException e) {
            throw new AssertionError("the stop signal never fails", e);
        }
    }

    /**
     * Waits at most {@code timeout} until the body has stopped.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #awaitStopped()}, and also ends when the timeout elapses, returning
     * {@code false} and leaving nothing behind (the waiter is withdrawn). A timeout {@code <= 0}
     * returns at once whether the body has stopped. See the package's
     * <a href="../package-summary.html#timeouts">timeout rules</a>.
     *
     * @param timeout the longest time to wait
     * @param unit the unit of {@code timeout}
     * @return {@code true} if the body has stopped, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if {@code unit} is null
     */
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (isStopped()) {
            return true;
        }
        long nanos = unit.toNanos(timeout);
        if (nanos <= 0) {
            return false;
        }
        try {
            stoppedSignal().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return isStopped();
        } catch (ExecutionException e) {
            throw new AssertionError("the stop signal never fails", e);
        }
    }

    /**
     * Waits at most {@code timeout} until the body has stopped; as
     * {@link #awaitStopped(long, TimeUnit)}.
     *
     * @param timeout the longest time to wait
     * @return {@code true} if the body has stopped, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted before or while waiting
     * @throws NullPointerException if {@code timeout} is null
     */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return awaitStopped(Durations.toNanos(timeout), TimeUnit.NANOSECONDS);
    }

    /**
     * Returns a future that completes (with {@code null}) once the body has stopped; the
     * non-blocking form of {@link #awaitStopped()}.
     *
     * <p>The future is completed by the runner thread as it leaves, or by the canceller of a task
     * whose body never started; dependent actions attached with the non-async methods run there.
     * Each call returns a new future; cancelling or completing it affects neither the task nor
     * other callers' futures.
     *
     * @return a future of the body's stop
     */
    public CompletableFuture<@Nullable Void> whenStopped() {
        if (isStopped()) {
            return CompletableFuture.completedFuture(null);
        }
        return stoppedSignal().copy();
    }

    // ---- inspection ---------------------------------------------------------------------------

    /**
     * Returns the task's name: the one given when it was started, or {@code Task-N}.
     *
     * @return the name
     */
    public String name() {
        String n = name;
        if (n == null) {
            n = "Task-" + sequence;
            name = n; // NOTE: benign race: every thread builds the same string
        }
        return n;
    }

    /**
     * Returns a snapshot of the task's state (see the class documentation). It may be a step
     * ahead of {@link #isDone()}: a task is {@link Status#STOPPING} or {@link Status#FINISHED}
     * from the moment its outcome is decided, a moment before the future is completed.
     *
     * @return the current state
     */
    public Status status() {
        long s = getStateVolatile();
        long phase = s & PHASE_MASK;
        if (phase == PENDING) {
            return Status.PENDING;
        }
        if (phase == RUNNING) {
            return (s & CANCELLED) != 0 ? Status.STOPPING : Status.RUNNING;
        }
        return (s & CANCELLED) != 0 || failure instanceof CancellationException ? Status.CANCELLED : Status.FINISHED;
    }

    /**
     * Returns the name and state, and the cancel-request count when it is not zero, e.g.
     * {@code Task[name=fetch, state=RUNNING]} or
     * {@code Task[name=fetch, state=STOPPING, cancelling=1]}.
     *
     * @return a diagnostic description
     */
    @Override
    public String toString() {
        int count = cancelling();
        return "Task[name=" + name() + ", state=" + status() + (count != 0 ? ", cancelling=" + count : "") + "]";
    }

    // ---- CompletableFuture surface ------------------------------------------------------------

    /**
     * Waits for the task's result and returns it, as {@link CompletableFuture#join()} does; when
     * the caller is a task that is asked to cancel, it stops waiting and cancels this task (see
     * <a href="#awaiting">Awaiting from inside a task</a>).
     *
     * <p>If the task was cancelled, the {@link CancellationException} thrown is new (its stack
     * trace is this caller's), carries the cancel's message, and has as its cause the task's own
     * cancellation (whose stack trace is the canceller's, and which holds any late failure of the
     * body as suppressed exceptions). This is the same on every JDK; since JDK 23 the plain
     * {@code CompletableFuture} methods wrap the cancellation in one with the message
     * {@code "join"} or {@code "get"} instead.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if the task is done; otherwise blocks until it completes (with a value, a
     * failure or a cancellation). There are no spurious returns. What an interrupt does depends
     * on the caller:
     * <ul>
     *   <li>A task with a cancel request ({@link #current()} is cancelled, or its
     *       {@link #cancelling()} is above zero), interrupted on entry or while waiting: this task
     *       is cancelled ({@link #cancel(String)}, which interrupts its body), the wait ends with a
     *       {@link CancellationException} naming the caller, whose cause is the
     *       {@link InterruptedException}, and the caller's interrupt status is set again, so that
     *       its body keeps unwinding at its next blocking call.</li>
     *   <li>A plain thread, or a task interrupted without a cancel request: the interrupt does
     *       not end the wait (the {@code CompletableFuture.join()} contract); it is remembered and
     *       the interrupt status is set again when the method returns or throws. This task is not
     *       affected.</li>
     * </ul>
     *
     * @return the result
     * @throws CancellationException if the task was cancelled, or the calling task was asked to
     *     cancel while it waited
     * @throws java.util.concurrent.CompletionException if the body failed
     */
    @Override
    public T join() {
        markObserved();
        Task<?> caller = current();
        if (caller == null || caller == this || isDone()) {
            return reportJoin();
        }
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    super.get(); // only to wait, interruptibly; the outcome is reported join()'s way below
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    if (caller.cancelRequested()) {
                        cancelAwaited(caller, this, e);
                        CancellationException abandoned = new CancellationException(
                                caller.name() + " was cancelled while it joined " + name());
                        abandoned.initCause(e);
                        throw abandoned;
                    }
                    // NOTE: an interrupt without a cancel request keeps join() uninterruptible,
                    // as CompletableFuture's: wait on, and set the status again at the end.
                } catch (ExecutionException | CancellationException done) {
                    break;
                }
            }
            return reportJoin();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@link CompletableFuture#join()}, with a cancellation thrown as {@link #rethrown} makes it. */
    private T reportJoin() {
        try {
            return super.join();
        } catch (CancellationException e) {
            throw rethrown(e);
        }
    }

    /**
     * Waits for the task's result and returns it, as {@link CompletableFuture#get()} does; a
     * cancellation is thrown as described at {@link #join()}.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if the task is done; otherwise blocks until it completes. There are no
     * spurious returns. If the thread is interrupted on entry or while waiting (and the task is
     * not done), throws {@link InterruptedException} with the status cleared. If the caller is a
     * task with a cancel request ({@link #current()} is cancelled, or its {@link #cancelling()}
     * is above zero), this task is cancelled first ({@link #cancel(String)}); otherwise it is not
     * affected. See <a href="#awaiting">Awaiting from inside a task</a>.
     *
     * @return the result
     * @throws CancellationException if the task was cancelled
     * @throws ExecutionException if the body failed
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public T get() throws InterruptedException, ExecutionException {
        markObserved();
        try {
            return super.get();
        } catch (CancellationException e) {
            throw rethrown(e);
        } catch (InterruptedException e) {
            forwardCancellation(this, e);
            throw e;
        }
    }

    /**
     * Waits at most {@code timeout} for the task's result, as
     * {@link CompletableFuture#get(long, TimeUnit)} does; a cancellation is thrown as described
     * at {@link #join()}.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #get()}, and the wait also ends when the timeout elapses, with a
     * {@link TimeoutException}; the timeout leaves this task running. A timeout {@code <= 0}
     * throws {@code TimeoutException} at once unless the task is done. An interrupt from a
     * calling task with a cancel request cancels this task, as at {@link #get()}. See the
     * package's <a href="../package-summary.html#timeouts">timeout rules</a>.
     *
     * @param timeout the longest time to wait
     * @param unit the unit of {@code timeout}
     * @return the result
     * @throws CancellationException if the task was cancelled
     * @throws ExecutionException if the body failed
     * @throws InterruptedException if interrupted while waiting
     * @throws TimeoutException if the timeout elapsed first
     */
    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        markObserved();
        try {
            return super.get(timeout, unit);
        } catch (CancellationException e) {
            throw rethrown(e);
        } catch (InterruptedException e) {
            forwardCancellation(this, e);
            throw e;
        }
    }

    /**
     * Waits at most {@code timeout} for the task's result; as {@link #get(long, TimeUnit)}.
     *
     * @param timeout the longest time to wait
     * @return the result
     * @throws CancellationException if the task was cancelled
     * @throws ExecutionException if the body failed
     * @throws InterruptedException if interrupted while waiting
     * @throws TimeoutException if the timeout elapsed first
     * @throws NullPointerException if {@code timeout} is null
     */
    public T get(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        return get(Durations.toNanos(timeout), TimeUnit.NANOSECONDS);
    }

    /**
     * Returns the result if the task is done, else {@code valueIfAbsent}, as
     * {@link CompletableFuture#getNow(Object)} does; a cancellation is thrown as described at
     * {@link #join()}.
     *
     * @param valueIfAbsent the value to return if the task is not done
     * @return the result, or {@code valueIfAbsent}
     * @throws CancellationException if the task was cancelled
     * @throws java.util.concurrent.CompletionException if the body failed
     */
    @Override
    public T getNow(T valueIfAbsent) {
        markObserved();
        try {
            return super.getNow(valueIfAbsent);
        } catch (CancellationException e) {
            throw rethrown(e);
        }
    }

    /** A new cancellation for a waiter: the task's message, the task's cancellation as cause. */
    private CancellationException rethrown(CancellationException fromFuture) {
        CancellationException own = cancellation;
        long s = getStateVolatile();
        if ((s & CANCELLED) == 0 || own == null) {
            // Decided by the body: it threw a CancellationException (published before completion).
            own = failure instanceof CancellationException ce ? ce : fromFuture;
        }
        CancellationException thrown = new CancellationException(own.getMessage());
        thrown.initCause(own);
        return thrown;
    }

    /**
     * Returns a new plain {@link CompletableFuture}, so that stages derived from a task
     * ({@code thenApply}, {@code copy}, ...) are ordinary futures, not tasks.
     *
     * @param <U> the type of the new future's value
     * @return a new incomplete {@code CompletableFuture}
     */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        markObserved();
        return new CompletableFuture<>();
    }

    /**
     * Not supported: a task is completed only by its body or by {@link #cancel(String)}.
     *
     * @param value ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public boolean complete(T value) {
        throw unsupported("complete");
    }

    /**
     * Not supported: a task is completed only by its body or by {@link #cancel(String)}.
     *
     * @param ex ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public boolean completeExceptionally(Throwable ex) {
        throw unsupported("completeExceptionally");
    }

    /**
     * Not supported: a task's result cannot be replaced.
     *
     * @param value ignored
     * @throws UnsupportedOperationException always
     */
    @Override
    public void obtrudeValue(T value) {
        throw unsupported("obtrudeValue");
    }

    /**
     * Not supported: a task's result cannot be replaced.
     *
     * @param ex ignored
     * @throws UnsupportedOperationException always
     */
    @Override
    public void obtrudeException(Throwable ex) {
        throw unsupported("obtrudeException");
    }

    /**
     * Not supported: a task is completed only by its body or by {@link #cancel(String)}.
     *
     * @param supplier ignored
     * @param executor ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
        throw unsupported("completeAsync");
    }

    /**
     * Not supported: a task is completed only by its body or by {@link #cancel(String)}.
     *
     * @param supplier ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
        throw unsupported("completeAsync");
    }

    /**
     * Not supported, because it would complete the task from outside; put the deadline on a
     * dependent copy instead: {@code task.copy().orTimeout(timeout, unit)} (which leaves the
     * task running), or cancel the task when the deadline passes.
     *
     * @param timeout ignored
     * @param unit ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public CompletableFuture<T> orTimeout(long timeout, TimeUnit unit) {
        throw unsupported("orTimeout");
    }

    /**
     * Not supported, because it would complete the task from outside; use a dependent copy:
     * {@code task.copy().completeOnTimeout(value, timeout, unit)}.
     *
     * @param value ignored
     * @param timeout ignored
     * @param unit ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public CompletableFuture<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
        throw unsupported("completeOnTimeout");
    }

    private UnsupportedOperationException unsupported(String method) {
        return new UnsupportedOperationException("Task does not support " + method
                + ": only its body (or cancel) completes it; use copy() for a future you can complete. " + this);
    }

    // ---- VarHandle mechanics ------------------------------------------------------------------

    private long getStateVolatile() {
        return (long) STATE.getVolatile(this);
    }

    private boolean casState(long expected, long next) {
        return STATE.compareAndSet(this, expected, next);
    }

    private boolean casRunner(@Nullable Thread expected, Thread next) {
        return RUNNER.compareAndSet(this, expected, next);
    }

    private boolean casCancellation(@Nullable CancellationException expected, CancellationException next) {
        return CANCELLATION.compareAndSet(this, expected, next);
    }

    private static final VarHandle STATE;
    private static final VarHandle RUNNER;
    private static final VarHandle CANCELLATION;
    private static final VarHandle STOP_SIGNAL;
    private static final VarHandle LISTENER;
    private static final VarHandle OBSERVED;
    /** The value of {@link #listener} once the future is complete: no listener can be installed. */
    private static final Object FIRED = new Object();

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Task.class, "state", long.class);
            RUNNER = l.findVarHandle(Task.class, "runner", Thread.class);
            CANCELLATION = l.findVarHandle(Task.class, "cancellation", CancellationException.class);
            STOP_SIGNAL = l.findVarHandle(Task.class, "stopped", CompletableFuture.class);
            LISTENER = l.findVarHandle(Task.class, "listener", Object.class);
            OBSERVED = l.findVarHandle(Task.class, "observed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
