/**
 * Tasks and the combinators over them: the counterparts of {@code asyncio.Task},
 * {@code create_task}, {@code gather}, {@code wait}, {@code as_completed}, {@code shield} and
 * {@code TaskGroup}. Deadlines ({@code timeout}, {@code wait_for}) are in {@link dev.weft.core.time}.
 *
 * <p>{@link dev.weft.core.task.Task} is the unit: a body running on its own (by default virtual)
 * thread, whose result is the task itself as a {@code CompletableFuture}, and whose cancellation
 * interrupts the body. The combinators take any {@link java.util.concurrent.CompletionStage}
 * (tasks included), and where asyncio takes coroutines they have a form that takes
 * {@link java.util.concurrent.Callable}s and starts each as a task.
 *
 * <table class="striped">
 *   <caption>Failure policy and cancellation direction of each combinator</caption>
 *   <thead><tr><th>combinator</th><th>on a failure</th><th>cancellation flows</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link dev.weft.core.task.Gather#all Gather.all}</td><td>fails fast; siblings keep
 *         running</td><td>down: cancelling the gather cancels every input</td></tr>
 *     <tr><td>{@link dev.weft.core.task.Gather#allSettled Gather.allSettled}</td><td>waits for all;
 *         one {@link dev.weft.core.task.Outcome} each</td><td>down, as above</td></tr>
 *     <tr><td>{@link dev.weft.core.task.Wait}</td><td>none: failures are completions</td>
 *         <td>nowhere: a wait never cancels</td></tr>
 *     <tr><td>{@link dev.weft.core.task.AsCompleted}</td><td>none: failed inputs are handed out</td>
 *         <td>nowhere: never cancels, even on timeout</td></tr>
 *     <tr><td>{@link dev.weft.core.task.Shield}</td><td>forwarded; reported if the shield was
 *         cancelled first</td><td>up only: the inner work's cancellation reaches the shield, not
 *         the reverse</td></tr>
 *     <tr><td>{@link dev.weft.core.task.TaskGroup}</td><td>fails fast: siblings are stopped; every
 *         failure is kept</td><td>down: the owner's cancellation stops the tasks</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2 id="awaiting">Awaiting from inside a task: cancellation reaches what is awaited</h2>
 * A wait made through Weft from inside a task body passes that task's cancellation on to what it
 * awaits, as cancelling an asyncio task cancels the task or future it is awaiting. The waits that
 * do so are {@link dev.weft.core.task.Task#get() Task.get()} (and its timed forms),
 * {@link dev.weft.core.task.Task#join() Task.join()}, and
 * {@link dev.weft.core.task.Task#await(java.util.concurrent.CompletionStage) Task.await(future)}
 * for any future or stage. When the calling thread's
 * {@linkplain dev.weft.core.task.Task#current() current task} has a cancel request (it was
 * cancelled, or asked to cancel with {@link dev.weft.core.task.Task#interrupt()}, which is how a
 * {@link dev.weft.core.time.Timeout} or {@link dev.weft.core.time.WaitFor} deadline asks) and the
 * wait is interrupted, the awaited task or future is cancelled; then {@code get} and
 * {@code await} throw {@link java.lang.InterruptedException}, and {@code join} throws a
 * {@link java.util.concurrent.CancellationException} with the interrupt status set again. On a
 * plain thread, or in a task interrupted without a cancel request, nothing is cancelled:
 * {@code get} and {@code await} throw {@code InterruptedException} and {@code join} keeps waiting,
 * as {@code CompletableFuture.join()} does. A raw {@code CompletableFuture.get()} on a future that
 * is not a task cannot be intercepted (it only sees the interrupt); wait for it with
 * {@code Task.await(future)}. The details and the exact contracts are in
 * {@link dev.weft.core.task.Task}'s documentation.
 *
 * <table class="striped">
 *   <caption>What a cancelled task's interrupted wait does to what it awaits</caption>
 *   <thead><tr><th>the task's body waits with</th><th>the awaited work</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code task.get()}, {@code task.join()}, {@code Task.await(f)}</td>
 *         <td>cancelled (a task's body is interrupted in turn)</td></tr>
 *     <tr><td>{@code Task.await(Shield.shield(w))}</td><td>the shield is cancelled, {@code w}
 *         runs on</td></tr>
 *     <tr><td>{@code Wait.await(...)}, {@code AsCompleted.get()}</td><td>not affected (asyncio's
 *         {@code wait} and {@code as_completed} do not cancel either)</td></tr>
 *     <tr><td>{@code Gather.await(...)}, {@code WaitFor.waitFor(...)}</td><td>cancelled, on any
 *         interrupt, also on a plain thread</td></tr>
 *     <tr><td>a raw {@code future.get()}, {@code future.join()} ({@code future} not a task)</td>
 *         <td>not affected: the JDK method only sees the interrupt</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>Timeouts, interruption and cancellation follow the rules in {@link dev.weft.core}'s package
 * documentation.
 *
 * <p>Implementation convention: fields accessed through VarHandles are read and written through
 * thin JDK-style accessors named after the access mode ({@code getStateVolatile},
 * {@code casState}, {@code setStateRelease}), with the VarHandles in one
 * {@code // VarHandle mechanics} block at the end of the class.
 */
@NullMarked
package dev.weft.core.task;

import org.jspecify.annotations.NullMarked;
