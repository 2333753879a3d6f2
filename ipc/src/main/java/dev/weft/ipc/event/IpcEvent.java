package dev.weft.ipc.event;

import dev.weft.core.sync.EventFlag;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A flag shared by processes that can be set, cleared and waited for: the counterpart of Python's
 * {@code multiprocessing.Event}. It meets the {@link EventFlag} contract that every Weft event
 * meets, so code written against that contract runs unchanged on it.
 *
 * <p><b>Semantics:</b> the flag starts clear. {@link #set()} sets it and wakes every waiter;
 * {@link #clear()} clears it; {@link #await()} returns once the flag is set. A waiter returns
 * {@code true} if the flag was set <em>at any moment</em> during its wait, so a
 * {@code set(); clear();} pulse wakes every current waiter with {@code true}: this follows
 * {@code threading.Event}, and deliberately differs from {@code multiprocessing.Event.wait}, which
 * re-reads the flag after waking and can return {@code False} after such a pulse.
 *
 * <p><b>Crash safety:</b> a waiter that is killed never blocks a setter or other waiters (Python's
 * {@code Event.set()} can hang forever after a waiter is killed); a setter killed halfway leaves
 * waiters that notice the set within their sleep slice.
 *
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
 * {@code clear}, {@code await} and {@code await(timeout)}.
 *
 * <p><b>Memory consistency effects:</b> actions of a process before {@link #set()} happen-before
 * the return of an {@link #await()} or {@link #isSet()} that observes that set.
 *
 * <p><b>Thread safety:</b> all methods may be called from any thread; a waiting virtual thread does
 * not hold its carrier.
 *
 * {@snippet :
 * IpcEvent ready = domain.event("ready");
 * // process A                      // process B
 * ready.await();                    loadData();
 * useData();                        ready.set();
 * }
 *
 * @since 0.1
 */
public interface IpcEvent extends EventFlag {

    /**
     * The event's name in its domain.
     *
     * @return the name
     */
    String name();

    /**
     * Whether the flag is set now (a snapshot).
     *
     * @return {@code true} if set
     * @throws IllegalStateException if the event's domain is closed
     */
    @Override
    boolean isSet();

    /**
     * Sets the flag and wakes every waiter, in every process. Does nothing if already set. Never
     * blocks.
     *
     * @throws IllegalStateException if the event's domain is closed
     */
    @Override
    void set();

    /**
     * Clears the flag. Never blocks. Waiters that saw a {@link #set()} still return {@code true}.
     *
     * @throws IllegalStateException if the event's domain is closed
     */
    @Override
    void clear();

    /**
     * Waits until the flag is set.
     *
     * <h4>Blocking</h4>
     * Returns at once if the flag is set. Otherwise blocks until a {@link #set()} happens (even if a
     * {@link #clear()} follows it at once). Spurious wake-ups are absorbed: the call returns only
     * after a set. It wakes on interrupt as described below.
     *
     * <h4>Interrupts</h4>
     * If interrupted on entry or while waiting, throws {@link InterruptedException} and clears the
     * status; nothing is left behind but possibly a sleeper flag (one unneeded wake for the next
     * setter). On the futex back-end a platform thread notices an interrupt within 10 ms.
     *
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException if the event's domain is closed
     */
    @Override
    void await() throws InterruptedException;

    /**
     * Waits at most {@code timeout} until the flag is set.
     *
     * <p>Blocks, wakes and reacts to interrupts as {@link #await()}. The timeout is a minimum wait;
     * zero or negative polls.
     *
     * @param timeout the longest wait
     * @return {@code true} if a set happened before or during the wait, {@code false} if the
     *     timeout elapsed without one
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException if the event's domain is closed
     */
    @Override
    boolean await(Duration timeout) throws InterruptedException;

    /**
     * As {@link #await(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait
     * @param unit the unit of {@code timeout}
     * @return as {@link #await(Duration)}
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException if the event's domain is closed
     */
    @Override
    boolean await(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * A future completed (with {@code null}) when the flag is set, or at once if it is set now.
     * The wait starts when this method is called: a set that happens before the waiting thread
     * runs completes the future too, even if a clear follows at once.
     *
     * <p>The wait runs on a virtual thread, which holds no carrier while it waits; dependent actions
     * of the future run on that thread unless given an executor. Cancelling the future ends the wait
     * (its thread is interrupted) and affects nothing else; the event is unchanged. If the domain is
     * closed before the set, the future completes exceptionally with
     * {@link IllegalStateException}.
     *
     * @return the future
     * @throws IllegalStateException if the event's domain is closed
     */
    @Override
    CompletableFuture<@Nullable Void> awaitAsync();
}
