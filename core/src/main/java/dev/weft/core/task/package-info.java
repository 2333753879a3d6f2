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
