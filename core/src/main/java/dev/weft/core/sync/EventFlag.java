package dev.weft.core.sync;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A flag that can be set, cleared and waited for: the contract that every Weft event meets, at
 * every scale. Between threads ({@link Event}), between processes on one host (the ipc event) and
 * between hosts, the same code sets and awaits the same way, so the scale can be chosen later. It
 * is the counterpart of Python's {@code asyncio.Event}, {@code threading.Event} and
 * {@code multiprocessing.Event}.
 *
 * <h2>Method forms</h2>
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead><tr><th></th><th>Throws</th><th>Special value</th><th>Blocks</th><th>Times out</th>
 *       <th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><th scope="row">wait until set</th><td></td><td>{@link #isSet()}</td><td>{@link #await()}</td><td>{@link #await(Duration)}, {@link #await(long, TimeUnit)}</td><td>{@link #awaitAsync()}</td></tr>
 *   </tbody>
 * </table>
 * {@link #set()} and {@link #clear()} never block. Python's {@code is_set()}, {@code set()},
 * {@code clear()}, {@code wait()} and {@code wait(timeout)} are {@code isSet}, {@code set},
 * {@code clear}, {@code await} and {@code await(timeout)} ({@code await}, because Java reserves
 * {@code wait}).
 *
 * <h2>What every implementation guarantees</h2>
 * <ul>
 *   <li><b>A set is never missed.</b> The flag starts clear. A waiter returns as soon as the flag is
 *       set, and returns {@code true} (or completes its future) if a {@link #set()} happened at any
 *       moment during its wait, even if a {@link #clear()} followed at once: a
 *       {@code set(); clear();} pulse wakes every current waiter. This is {@code threading.Event}'s
 *       rule; {@code multiprocessing.Event} can return {@code False} after such a pulse, Weft
 *       never does.</li>
 *   <li><b>Set and clear never block</b> and are idempotent.</li>
 *   <li><b>Giving up leaves no trace.</b> An interrupted or timed-out wait, or a cancelled
 *       {@link #awaitAsync()} future, withdraws only itself; the flag and the other waiters are
 *       unaffected.</li>
 *   <li><b>Timeouts</b> follow {@linkplain dev.weft.core##timeouts the core rules}.</li>
 * </ul>
 *
 * <h2>What a cross-process or cross-host implementation may add, and may not weaken</h2>
 * It may add: a waiter that dies never blocks a setter or other waiters; a handle that can be
 * closed (then its methods throw {@link IllegalStateException}, and its blocked waiters wake and
 * throw it). It may not weaken the pulse rule, nor make {@code set()} wait for the waiters.
 *
 * <h2>Memory consistency effects</h2>
 * Actions before a {@link #set()} <i>happen-before</i> the actions after an {@link #await()} (or an
 * {@link #isSet()}) that observes that set.
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread, platform or virtual; a waiting virtual thread does
 * not hold its carrier.
 *
 * {@snippet :
 * // Written once against the contract; the event may be in-process or shared between processes.
 * static void startWhenReady(EventFlag ready) throws InterruptedException {
 *     if (!ready.await(Duration.ofSeconds(30))) {
 *         throw new IllegalStateException("not ready after 30 s");
 *     }
 *     start();
 * }
 *
 * startWhenReady(new Event());                 // between threads
 * startWhenReady(domain.event("ready"));       // between processes
 * }
 *
 * @since 0.1
 */
public interface EventFlag {

    /**
     * Whether the flag is set now: Python's {@code is_set()}. A snapshot.
     *
     * @return {@code true} if set
     */
    boolean isSet();

    /**
     * Sets the flag and wakes every waiter: Python's {@code set()}. Waiters woken by this set
     * return {@code true} even if the flag is cleared before they run. Does nothing if the flag is
     * already set. Never blocks.
     */
    void set();

    /**
     * Clears the flag: Python's {@code clear()}. Waiters that a set already woke still return
     * {@code true}; later waiters wait for the next set. Never blocks.
     */
    void clear();

    /**
     * Waits until the flag is set: Python's {@code wait()}.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if the flag is set. Otherwise blocks until a {@link #set()} happens (even if
     * a {@link #clear()} follows at once) or the thread is interrupted; spurious wake-ups are
     * absorbed. An interrupt on entry or while waiting throws {@link InterruptedException} with the
     * status cleared and withdraws the wait; nothing else changes.
     *
     * @throws InterruptedException if interrupted before a set
     */
    void await() throws InterruptedException;

    /**
     * Waits at most {@code timeout} until the flag is set: Python's {@code wait(timeout)}. Blocks,
     * wakes and reacts to interrupts as {@link #await()}.
     *
     * @param timeout the longest wait; zero or negative: check the flag without waiting
     * @return {@code true} if the flag was set, or a set happened during the wait; {@code false}
     *     if the timeout elapsed first (nothing is left behind)
     * @throws InterruptedException if interrupted before a set
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    boolean await(Duration timeout) throws InterruptedException;

    /**
     * As {@link #await(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait, in {@code unit}s; zero or negative: check without waiting
     * @param unit the unit of {@code timeout}
     * @return {@code true} if set, {@code false} on timeout
     * @throws InterruptedException if interrupted before a set
     * @throws NullPointerException if {@code unit} is {@code null}
     */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * A future completed (with {@code null}) when the flag is set; already complete if it is set
     * now. Cancelling the future withdraws the wait and changes nothing else.
     *
     * @return the future
     */
    CompletableFuture<@Nullable Void> awaitAsync();
}
