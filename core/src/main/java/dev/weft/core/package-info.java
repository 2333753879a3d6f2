/**
 * Definitions shared by every Weft core package.
 *
 * <h2 id="contracts">Contracts across scales</h2>
 * Each primitive that exists at more than one scale has one contract, an interface in this module,
 * that every implementation meets: between threads (this module), between processes on one host
 * ({@code weft-ipc}) and between hosts. Code written against a contract runs unchanged on any of
 * them, so the scale can be chosen later.
 * <table class="striped">
 *   <caption>The contracts and their implementations</caption>
 *   <thead><tr><th>Contract</th><th>Python</th><th>Between threads</th><th>Between processes</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link dev.weft.core.queue.WorkQueue}</td><td>{@code asyncio.Queue}, {@code multiprocessing.Queue}</td>
 *         <td>{@link dev.weft.core.queue.AsyncQueue}</td><td>{@code IpcQueue}, {@code TypedQueue}</td></tr>
 *     <tr><td>{@link dev.weft.core.queue.JoinableQueue}</td><td>{@code asyncio.Queue}, {@code multiprocessing.JoinableQueue}</td>
 *         <td>{@link dev.weft.core.queue.AsyncQueue}</td><td>{@code IpcJoinableQueue}, {@code TypedJoinableQueue}</td></tr>
 *     <tr><td>{@link dev.weft.core.sync.ExclusiveLock}</td><td>{@code asyncio.Lock}, {@code multiprocessing.Lock}</td>
 *         <td>{@link dev.weft.core.sync.Lock}, {@link dev.weft.core.sync.ReadWriteLock.WriteLock}</td><td>{@code IpcLock}</td></tr>
 *     <tr><td>{@link dev.weft.core.sync.EventFlag}</td><td>{@code asyncio.Event}, {@code multiprocessing.Event}</td>
 *         <td>{@link dev.weft.core.sync.Event}</td><td>{@code IpcEvent}</td></tr>
 *     <tr><td>{@link dev.weft.core.sync.CountingSemaphore}</td><td>{@code asyncio.Semaphore}, {@code multiprocessing.Semaphore}</td>
 *         <td>{@link dev.weft.core.sync.Semaphore}</td><td>{@code IpcSemaphore}</td></tr>
 *     <tr><td>{@link dev.weft.core.sync.BoundedCountingSemaphore} (extends {@code CountingSemaphore})</td>
 *         <td>{@code asyncio.BoundedSemaphore}, {@code multiprocessing.BoundedSemaphore}</td>
 *         <td>{@link dev.weft.core.sync.BoundedSemaphore}</td><td>{@code IpcBoundedSemaphore}</td></tr>
 *     <tr><td>{@link dev.weft.core.sync.PartyBarrier}</td><td>{@code asyncio.Barrier}, {@code multiprocessing.Barrier}</td>
 *         <td>{@link dev.weft.core.sync.Barrier}</td><td>{@code IpcBarrier}</td></tr>
 *     <tr><td>{@link dev.weft.core.sync.ConditionVariable}</td><td>{@code asyncio.Condition}, {@code multiprocessing.Condition}</td>
 *         <td>{@link dev.weft.core.sync.Condition}</td><td>{@code IpcCondition}</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2 id="vocabulary">Vocabulary</h2>
 * One name per operation, in every class and at every scale:
 * <table class="striped">
 *   <caption>Operation names</caption>
 *   <thead><tr><th>Operation</th><th>Throws</th><th>Special value</th><th>Blocks</th>
 *       <th>Times out</th><th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><th scope="row">queue put</th><td>{@code putNowait(e)}</td><td>{@code offer(e)}</td>
 *         <td>{@code put(e)}</td><td>{@code offer(e, timeout)}</td><td>{@code putAsync(e)}</td></tr>
 *     <tr><th scope="row">queue get</th><td>{@code getNowait()}</td><td>{@code poll()}</td>
 *         <td>{@code get()}</td><td>{@code poll(timeout)}</td><td>{@code getAsync()}</td></tr>
 *     <tr><th scope="row">queue join</th><td></td><td></td><td>{@code join()}</td>
 *         <td>{@code join(timeout)}</td><td>{@code joinAsync()}</td></tr>
 *     <tr><th scope="row">lock, semaphore</th><td></td><td>{@code tryAcquire()}</td><td>{@code acquire()}</td>
 *         <td>{@code tryAcquire(timeout)}</td><td>{@code acquireAsync()}</td></tr>
 *     <tr><th scope="row">event, condition, barrier</th><td></td><td>{@code isSet()} (event)</td><td>{@code await()}</td>
 *         <td>{@code await(timeout)}</td><td>{@code awaitAsync()}</td></tr>
 *   </tbody>
 * </table>
 * <ul>
 *   <li>"Throws" forms throw {@link dev.weft.core.queue.QueueFullException} or
 *       {@link dev.weft.core.queue.QueueEmptyException}; "special value" forms return
 *       {@code false} or {@code null}.</li>
 *   <li>Every timed form exists twice: with a {@link java.time.Duration} and with a
 *       {@code (long, TimeUnit)} pair. A timed put, acquire or await returns {@code false} (a timed
 *       get {@code null}) on timeout; a barrier's throws {@link java.util.concurrent.TimeoutException},
 *       as {@link java.util.concurrent.CyclicBarrier} does.</li>
 *   <li>Sizes: {@code size()}, {@code capacity()} ({@link Integer#MAX_VALUE} when unbounded),
 *       {@code isEmpty()}, {@code isFull()}. Shutdown: {@code shutdown()},
 *       {@code shutdown(immediate)}, {@code isShutdown()}. Waiters on the in-process locks, semaphores,
 *       conditions, barriers and events: {@code waiterCount()} and {@code hasWaiters()}; on a queue,
 *       {@code waitingGetters()}, {@code waitingPutters()}, {@code waitingJoiners()}.</li>
 *   <li>One exception per misuse: releasing a lock that is not held throws
 *       {@link IllegalMonitorStateException}; {@code taskDone()} without an unfinished task and an
 *       over-release of a bounded semaphore throw {@link IllegalStateException}; a put to or get
 *       from a shut-down queue throws {@link dev.weft.core.queue.QueueShutDownException}. The
 *       cross-process implementations throw the same types.</li>
 *   <li>Locks also have the {@link java.util.concurrent.locks.Lock} forms ({@code lock},
 *       {@code tryLock}, {@code unlock}), and {@code ...ForResult} forms that return a
 *       {@link dev.weft.core.sync.LockResult}, which tells when a lock was taken over from a
 *       holder that died. Semaphores have the same {@code ...ForResult} forms, telling when a
 *       permit acquired was recovered from a holder that died, and every semaphore form has a
 *       weighted overload taking the number of permits first ({@code acquire(k)},
 *       {@code tryAcquire(k, timeout)}, {@code release(k)}).</li>
 * </ul>
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
