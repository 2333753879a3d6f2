/**
 * Definitions shared by every Weft core package.
 *
 * <h2 id="memory">Memory consistency</h2>
 * Actions in a thread before an operation that hands something to another thread (a queue put,
 * an event set, the completion of a task) <i>happen-before</i> the actions that follow the
 * matching operation in the receiving thread (the get that returns that item, a wait that
 * returns because of that set, a {@code join} or {@code get} that sees that completion).
 *
 * <h2 id="timeouts">Timeouts</h2>
 * <ul>
 *   <li>A timeout is a minimum wait: a timed method never gives up before its timeout has elapsed,
 *       and may return somewhat after it, as the scheduler allows.</li>
 *   <li>A timeout {@code <= 0} means "do not block": the method polls once and returns at once.</li>
 *   <li>The untimed overload waits without a limit.</li>
 *   <li>Timed methods measure with {@link java.lang.System#nanoTime()} and work in nanoseconds,
 *       so a re-wait after a spurious wake-up does not drift.</li>
 * </ul>
 *
 * <h2 id="cancellation">Cancellation and interruption</h2>
 * Cancellation in Weft is cooperative, as in asyncio: cancelling a task interrupts the thread
 * that runs its body, and a blocking Weft method reacts to that interrupt by throwing
 * {@link java.lang.InterruptedException}. Code that never blocks and never checks
 * {@link java.lang.Thread#isInterrupted()} runs on until it ends by itself.
 * <ul>
 *   <li>A blocking method checks the interrupt status on entry and throws
 *       {@code InterruptedException} (clearing the status) if it is set, before it changes any
 *       state.</li>
 *   <li>An interrupt that arrives while a method waits ends the wait with
 *       {@code InterruptedException} and a cleared status. If the method's effect had already
 *       happened when the interrupt arrived (the item was already taken), the method completes
 *       normally and re-asserts the interrupt status instead, so nothing is lost.</li>
 *   <li>Cancelling the {@code CompletableFuture} returned by an asynchronous method withdraws that
 *       request. If the request had already been satisfied, the cancel fails
 *       ({@code cancel} returns {@code false}) and the result stays in the future; otherwise the
 *       request leaves no trace: no item, slot or wake-up is consumed by it.</li>
 * </ul>
 *
 * <h2 id="callbacks">Which thread runs callbacks</h2>
 * Futures returned by Weft are completed outside of any internal lock. Dependent actions attached
 * with the non-async {@code CompletableFuture} methods run in the thread that completes the
 * future, which may be a thread calling an unrelated Weft method; attach heavy work with the
 * {@code ...Async} variants.
 */
@NullMarked
package dev.weft.core;

import org.jspecify.annotations.NullMarked;
