/**
 * Tasks and the combinators over them: the counterparts of {@code asyncio.Task},
 * {@code create_task}, {@code gather}, {@code wait}, {@code as_completed}, {@code shield},
 * timeouts and {@code TaskGroup}.
 *
 * <p>{@link dev.weft.core.task.Task} is the unit: a body running on its own (by default virtual)
 * thread, whose result is the task itself as a {@code CompletableFuture}, and whose cancellation
 * interrupts the body.
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
