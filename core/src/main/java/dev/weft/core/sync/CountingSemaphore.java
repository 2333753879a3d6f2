package dev.weft.core.sync;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A counting semaphore: the contract that every Weft semaphore meets, at every scale. Between
 * threads ({@link Semaphore}, {@link BoundedSemaphore}) and between processes on one host (the ipc
 * semaphore), the same code acquires and releases permits the same way, so the scale can be chosen
 * later. It is the counterpart of Python's {@code asyncio.Semaphore},
 * {@code threading.Semaphore} and {@code multiprocessing.Semaphore}.
 *
 * <h2>Method forms</h2>
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead><tr><th></th><th>Throws</th><th>Special value</th><th>Blocks</th><th>Times out</th>
 *       <th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><th scope="row">acquire</th><td></td><td>{@link #tryAcquire(int)}</td><td>{@link #acquire(int)}</td><td>{@link #tryAcquire(int, Duration)}, {@link #tryAcquire(int, long, TimeUnit)}</td><td>{@link #acquireAsync(int)}</td></tr>
 *     <tr><th scope="row">acquire, reporting a dead holder</th><td></td><td>{@link #tryAcquireForResult(int)}</td><td>{@link #acquireForResult(int)}</td><td>{@link #tryAcquireForResult(int, Duration)}, {@link #tryAcquireForResult(int, long, TimeUnit)}</td><td>{@link #acquireForResultAsync(int)}</td></tr>
 *   </tbody>
 * </table>
 * Every form has a one-permit overload without the {@code permits} argument;
 * {@link #acquireUninterruptibly(int)} blocks ignoring interrupts; {@link #release(int)} returns
 * permits and never blocks; {@link #availablePermits()} is a snapshot. Python's
 * {@code acquire()}, {@code acquire(blocking=False)}, {@code acquire(timeout=t)} and
 * {@code release(n)} are {@code acquire()}, {@code tryAcquire()}, {@code tryAcquire(t)} and
 * {@code release(n)}.
 *
 * <h2>What every implementation guarantees</h2>
 * <ul>
 *   <li><b>Counting.</b> The semaphore holds a number of permits, never negative. An acquire of
 *       {@code k} permits takes all {@code k} at once, never part of them, waiting while fewer are
 *       available; a release of {@code k} adds {@code k}. Acquiring zero permits takes nothing and
 *       succeeds as soon as the implementation's ordering lets it (at once, in an implementation
 *       without a queue, or when nobody waits ahead). A negative count throws
 *       {@link IllegalArgumentException}.</li>
 *   <li><b>Not owned</b> (as in Python). Permits belong to no thread: any thread (any participant)
 *       may release, for example the thread that completes an {@link #acquireAsync()} future.
 *       Releasing more than was acquired raises the count, up to the implementation's maximum
 *       ({@link Integer#MAX_VALUE}) or, for a {@link BoundedCountingSemaphore}, its bound: a
 *       release past it throws {@link IllegalStateException} and changes nothing.</li>
 *   <li><b>Never lost, never duplicated.</b> An interrupted or timed-out acquire, or an
 *       asynchronous acquire whose future is cancelled, withdraws its request and takes no permit.
 *       If permits were granted at the very moment the request was withdrawn, exactly one side
 *       wins: either the acquire reports success (the blocking form returns normally with the
 *       interrupt status set again; a timed form returns {@code true}; {@code cancel} returns
 *       {@code false}) and the caller holds the permits, or the permits stay available to others.
 *       See {@linkplain dev.weft.core##cancellation the cancellation rules}.</li>
 *   <li><b>Timeouts</b> follow {@linkplain dev.weft.core##timeouts the core rules}.</li>
 *   <li><b>Fairness</b> is the implementation's to state (strict FIFO, or none).</li>
 * </ul>
 *
 * <h2>What a cross-process or cross-host implementation may add, and may not weaken</h2>
 * It may return to the pool the permits held by a participant that provably died (a killed
 * process, an expired lease), exactly as many as it held. The {@code ...ForResult} forms of the
 * acquires that take such recovered permits then return {@link LockResult#OWNER_DIED}, so the
 * caller can check what the permits guard; the plain forms acquire normally and do not say so.
 * It may not take permits from a participant that is alive, however long it holds them (a
 * stopped or slow holder is waited for), and may not let a crash lose or duplicate a permit. A
 * semaphore between threads never reports {@code OWNER_DIED}.
 *
 * <h2>Memory consistency effects</h2>
 * Actions before a {@link #release(int)} <i>happen-before</i> the actions after an acquire that
 * obtains any of the permits it released (see {@linkplain dev.weft.core##memory the core rules}).
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread, platform or virtual; a waiting virtual thread does
 * not hold its carrier, and no implementation waits inside a monitor.
 *
 * {@snippet :
 * // Written once against the contract; the semaphore may be in-process or shared between processes.
 * static void useDevice(CountingSemaphore slots) throws InterruptedException {
 *     if (slots.acquireForResult().ownerDied()) {
 *         resetDevice();             // a previous user died while it held the slot
 *     }
 *     try {
 *         runOnDevice();
 *     } finally {
 *         slots.release();
 *     }
 * }
 *
 * useDevice(new Semaphore(2));                       // between threads
 * useDevice(domain.semaphore("device", 2));          // between processes
 * }
 *
 * @see BoundedCountingSemaphore
 * @since 0.1
 */
public interface CountingSemaphore {

    /**
     * Acquires one permit, waiting as long as needed: {@code acquire(1)}.
     *
     * @throws InterruptedException if interrupted before the permit was acquired (none is held)
     */
    void acquire() throws InterruptedException;

    /**
     * Acquires {@code permits} permits at once, waiting as long as needed: Python's
     * {@code acquire()}, weighted.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if the permits can be taken now. Otherwise blocks (a virtual thread releases
     * its carrier) until releases (or, for an implementation that recovers, the recovery of a dead
     * holder's permits) let this caller have all of them, or until the thread is interrupted;
     * spurious wake-ups are absorbed. If the interrupt status is set on entry, throws
     * {@link InterruptedException} at once, clearing it, without taking or queueing anything. An
     * interrupt while waiting withdraws the request and throws {@code InterruptedException} with the
     * status cleared, unless the permits were granted first: then this method returns normally, the
     * caller holds them, and the interrupt status is set again.
     *
     * @param permits the number of permits
     * @throws InterruptedException if interrupted before the permits were acquired (none is held)
     * @throws IllegalArgumentException if {@code permits} is negative, or above the bound of a
     *     {@link BoundedCountingSemaphore}
     */
    void acquire(int permits) throws InterruptedException;

    /** Acquires one permit as {@link #acquireUninterruptibly(int)} does. */
    void acquireUninterruptibly();

    /**
     * Acquires {@code permits} permits as {@link #acquire(int)} does but ignoring interrupts: an
     * interrupt that arrives while waiting is remembered and the interrupt status is set again on
     * return.
     *
     * @param permits the number of permits
     * @throws IllegalArgumentException as {@link #acquire(int)}
     */
    void acquireUninterruptibly(int permits);

    /**
     * Acquires one permit if it can be taken now: {@code tryAcquire(1)}.
     *
     * @return {@code true} if the caller now holds the permit
     */
    boolean tryAcquire();

    /**
     * Acquires {@code permits} permits if they can be taken now: Python's
     * {@code acquire(blocking=False)}. Never waits.
     *
     * @param permits the number of permits
     * @return {@code true} if the caller now holds them
     * @throws IllegalArgumentException as {@link #acquire(int)}
     */
    boolean tryAcquire(int permits);

    /**
     * Acquires one permit, waiting at most {@code timeout}: {@code tryAcquire(1, timeout)}.
     *
     * @param timeout the longest wait; zero or negative: as {@link #tryAcquire()}
     * @return {@code true} if acquired, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted before the permit was acquired
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    boolean tryAcquire(Duration timeout) throws InterruptedException;

    /**
     * Acquires {@code permits} permits, waiting at most {@code timeout}: Python's
     * {@code acquire(timeout=t)}, weighted. Blocks, wakes and reacts to interrupts as
     * {@link #acquire(int)}.
     *
     * @param permits the number of permits
     * @param timeout the longest wait; zero or negative: as {@link #tryAcquire(int)}
     * @return {@code true} if the caller now holds the permits, {@code false} if the timeout
     *     elapsed first (nothing is left behind)
     * @throws InterruptedException if interrupted before the permits were acquired
     * @throws IllegalArgumentException as {@link #acquire(int)}
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    boolean tryAcquire(int permits, Duration timeout) throws InterruptedException;

    /**
     * As {@link #tryAcquire(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return {@code true} if acquired, {@code false} on timeout
     * @throws InterruptedException if interrupted before the permit was acquired
     * @throws NullPointerException if {@code unit} is {@code null}
     */
    boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * As {@link #tryAcquire(int, Duration)}, with the timeout in {@code unit}s.
     *
     * @param permits the number of permits
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return {@code true} if acquired, {@code false} on timeout
     * @throws InterruptedException if interrupted before the permits were acquired
     * @throws IllegalArgumentException as {@link #acquire(int)}
     * @throws NullPointerException if {@code unit} is {@code null}
     */
    boolean tryAcquire(int permits, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Acquires one permit asynchronously: {@code acquireAsync(1)}.
     *
     * @return a future completed when the caller holds the permit
     */
    CompletableFuture<@Nullable Void> acquireAsync();

    /**
     * Acquires {@code permits} permits asynchronously: the returned future completes (with
     * {@code null}) once the caller holds them, without holding a thread of the caller while it
     * waits.
     *
     * <p>Cancelling the future (or completing it any other way, for example with
     * {@link CompletableFuture#orTimeout}) while the request is pending withdraws it: no permit is
     * taken for it. If the permits were granted first, {@code cancel} returns {@code false} and the
     * caller holds them.
     *
     * @param permits the number of permits
     * @return a future completed when the caller holds the permits
     * @throws IllegalArgumentException as {@link #acquire(int)}
     */
    CompletableFuture<@Nullable Void> acquireAsync(int permits);

    /**
     * As {@link #acquire(int)}, telling whether any of the permits was recovered from a dead
     * holder.
     *
     * @param permits the number of permits
     * @return {@link LockResult#ACQUIRED}, or {@link LockResult#OWNER_DIED} if at least one of the
     *     permits was returned to the pool by the recovery of a dead holder
     * @throws InterruptedException if interrupted before the permits were acquired
     * @throws IllegalArgumentException as {@link #acquire(int)}
     */
    LockResult acquireForResult(int permits) throws InterruptedException;

    /**
     * As {@link #tryAcquire(int)}, telling whether any permit was recovered from a dead holder. An
     * implementation that recovers looks for dead holders here too when too few permits are
     * available, so permits left by a dead holder are recovered even by a caller that does not
     * wait.
     *
     * @param permits the number of permits
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DIED} or
     *     {@link LockResult#NOT_ACQUIRED}
     * @throws IllegalArgumentException as {@link #acquire(int)}
     */
    LockResult tryAcquireForResult(int permits);

    /**
     * As {@link #tryAcquire(int, Duration)}, telling whether any permit was recovered from a dead
     * holder.
     *
     * @param permits the number of permits
     * @param timeout the longest wait; zero or negative: as {@link #tryAcquireForResult(int)}
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DIED}, or
     *     {@link LockResult#NOT_ACQUIRED} if the timeout elapsed first
     * @throws InterruptedException if interrupted before the permits were acquired
     * @throws IllegalArgumentException as {@link #acquire(int)}
     * @throws NullPointerException if {@code timeout} is {@code null}
     */
    LockResult tryAcquireForResult(int permits, Duration timeout) throws InterruptedException;

    /**
     * As {@link #tryAcquireForResult(int, Duration)}, with the timeout in {@code unit}s.
     *
     * @param permits the number of permits
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return as {@link #tryAcquireForResult(int, Duration)}
     * @throws InterruptedException if interrupted before the permits were acquired
     * @throws IllegalArgumentException as {@link #acquire(int)}
     * @throws NullPointerException if {@code unit} is {@code null}
     */
    LockResult tryAcquireForResult(int permits, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * As {@link #acquireAsync(int)}, telling whether any permit was recovered from a dead holder;
     * cancelling the future withdraws the request in the same way.
     *
     * @param permits the number of permits
     * @return a future completed with {@link LockResult#ACQUIRED} or {@link LockResult#OWNER_DIED}
     *     when the caller holds the permits
     * @throws IllegalArgumentException as {@link #acquire(int)}
     */
    CompletableFuture<LockResult> acquireForResultAsync(int permits);

    /**
     * As {@link #acquireForResult(int)} for one permit.
     *
     * @return {@link LockResult#ACQUIRED} or {@link LockResult#OWNER_DIED}
     * @throws InterruptedException if interrupted before the permit was acquired
     */
    default LockResult acquireForResult() throws InterruptedException {
        return acquireForResult(1);
    }

    /**
     * As {@link #tryAcquireForResult(int)} for one permit.
     *
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DIED} or
     *     {@link LockResult#NOT_ACQUIRED}
     */
    default LockResult tryAcquireForResult() {
        return tryAcquireForResult(1);
    }

    /**
     * As {@link #tryAcquireForResult(int, Duration)} for one permit.
     *
     * @param timeout the longest wait
     * @return as {@link #tryAcquireForResult(int, Duration)}
     * @throws InterruptedException if interrupted before the permit was acquired
     */
    default LockResult tryAcquireForResult(Duration timeout) throws InterruptedException {
        return tryAcquireForResult(1, timeout);
    }

    /**
     * As {@link #acquireForResultAsync(int)} for one permit.
     *
     * @return a future completed with the result when the caller holds the permit
     */
    default CompletableFuture<LockResult> acquireForResultAsync() {
        return acquireForResultAsync(1);
    }

    /**
     * Releases one permit: {@code release(1)}.
     *
     * @throws IllegalStateException if the count would pass the maximum or the bound (nothing
     *     changes)
     */
    void release();

    /**
     * Releases {@code permits} permits: Python's {@code release(n)}. Any thread or participant may
     * release; waiting requests that the permits cover may then take them. Never blocks.
     *
     * @param permits the number of permits
     * @throws IllegalArgumentException if {@code permits} is negative
     * @throws IllegalStateException if the count would pass {@link Integer#MAX_VALUE}, or the bound
     *     of a {@link BoundedCountingSemaphore} (nothing changes: the check is atomic with the
     *     release)
     */
    void release(int permits);

    /**
     * The number of permits available now. A snapshot.
     *
     * @return the available permits
     */
    int availablePermits();
}
