/**
 * Tasks and the combinators over them: the counterparts of {@code asyncio.Task},
 * {@code create_task}, {@code gather}, {@code wait}, {@code as_completed}, {@code shield},
 * timeouts and {@code TaskGroup}.
 *
 * <p>Timeouts, interruption and cancellation follow the rules in {@link dev.weft.core}'s package
 * documentation.
 */
@NullMarked
package dev.weft.core.task;

import org.jspecify.annotations.NullMarked;
