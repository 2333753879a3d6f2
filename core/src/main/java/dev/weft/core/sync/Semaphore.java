package dev.weft.core.sync;

import dev.weft.core.internal.Durations;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A counting semaphore with blocking, timed, immediate and {@code CompletableFuture}
 * acquires: the counterpart of {@code asyncio.Semaphore}, and the in-process implementation of
 * the {@link CountingSemaphore} contract.
 *
 * <p>The semaphore holds a number of permits. An acquire takes one permit (or the number
 * asked for), waiting while too few are available; a release adds permits and lets the
 * waiting requests have them. The two modes:
 * <ul>
 *   <li><b>Bounded barging by default, strictly FIFO on request.</b> Requests that must wait
 *       join one queue, blocking and asynchronous ones alike, and are served in arrival order
 *       among themselves; a request for several permits at the head of the queue holds up the
 *       requests behind it until enough permits are available (it never gets part of them). In
 *       the default mode, as in that of {@link java.util.concurrent.Semaphore}, a release adds
 *       its permits to the count and wakes the head of the queue, and a running thread that
 *       acquires meanwhile (including {@link #tryAcquire()}) may take them first. Barging is
 *       bounded: once the request at the head has waited longer than about 1 ms, releases hand
 *       permits straight to the queue in order and nobody barges, until the queue is empty or a
 *       request that had waited less than 1 ms is served. A semaphore made by
 *       {@link #fair(int)} always hands off, as {@code asyncio.Semaphore} does (since CPython
 *       3.11.1): a thread that releases and at once acquires again queues behind the existing
 *       waiters, and {@link #tryAcquire()} fails while anybody waits.</li>
 *   <li><b>Not owned.</b> Permits belong to no thread: any thread may release, and releasing
 *       more than was acquired raises the count (use {@link BoundedSemaphore} to forbid
 *       that).</li>
 * </ul>
 *
 * <table class="striped">
 *   <caption>The forms of each operation</caption>
 *   <thead><tr><th></th><th>Throws</th><th>Special value</th><th>Blocks</th><th>Times out</th>
 *       <th>Asynchronous</th></tr></thead>
 *   <tbody>
 *     <tr><th scope="row">acquire</th><td></td><td>{@link #tryAcquire()}</td><td>{@link #acquire()}</td><td>{@link #tryAcquire(Duration)}, {@link #tryAcquire(long, TimeUnit)}</td><td>{@link #acquireAsync()}</td></tr>
 *   </tbody>
 * </table>
 * Each form also takes a number of permits; {@link #acquireUninterruptibly()} blocks ignoring
 * interrupts.
 * Each has a variant taking a number of permits.
 *
 * <p><b>Memory consistency effects.</b> Actions before a {@code release} <i>happen-before</i>
 * the actions after an acquire that obtains any of the permits it released (see
 * <a href="../package-summary.html#memory">memory consistency</a>).
 *
 * <p><b>Cancellation.</b> An interrupted or timed-out blocking acquire, or an asynchronous
 * acquire whose future is cancelled, withdraws its request and takes no permit. If permits
 * were handed to the request at the moment it was withdrawn, exactly one side wins: either the
 * acquire reports success (the blocking form returns normally with the interrupt status set
 * again; a timed form returns {@code true}; {@code cancel} returns {@code false}) and the caller
 * holds the permits, or the permits pass to the next requests. Permits are never lost or
 * duplicated (this is the race that CPython fixed in gh-90155). See the
 * <a href="../package-summary.html#cancellation">cancellation rules</a>.
 *
 * <p><b>Thread safety.</b> All methods may be called from any thread. Futures returned by the
 * asynchronous acquires are completed by the thread whose release hands over the permits,
 * outside of any internal lock (see <a href="../package-summary.html#callbacks">callbacks</a>).
 *
 * {@snippet :
 * Semaphore limit = new Semaphore(3);      // at most 3 downloads at once
 *
 * CompletableFuture<byte[]> download(URI uri) {
 *     return limit.acquireAsync()
 *         .thenCompose(held -> fetch(uri)
 *             .whenComplete((bytes, failure) -> limit.release()));
 * }
 * }
 *
 * @see BoundedSemaphore
 * @see Lock
 * @since 0.1
 */
public sealed class Semaphore implements LocalCountingSemaphore permits BoundedSemaphore {

    /*
     * Implementation notes
     *
     * Overview. A FifoPermits pool; see that class for the queue, the hand-off, the invariants,
     * the linearization points and the memory ordering. This class validates arguments and
     * bounds the count: a release checks "available + k <= maxPermits" atomically with adding.
     */

    /** The permit pool. */
    final FifoPermits sync;

    /** The most permits that may be available at once; MAX_VALUE unless bounded. */
    final long maxPermits;

    /**
     * Creates a semaphore with one permit, as {@code asyncio.Semaphore()} does.
     */
    public Semaphore() {
        this(1);
    }

    /**
     * Creates a semaphore with {@code permits} permits.
     *
     * @param permits the initial number of permits
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public Semaphore(int permits) {
        this(permits, Integer.MAX_VALUE, false);
    }

    /**
     * Creates a strictly FIFO semaphore with {@code permits} permits, as
     * {@code asyncio.Semaphore} is: nobody barges ahead of queued requests, at the cost of a
     * thread hand-off per contended acquisition.
     *
     * @param permits the initial number of permits
     * @return a new fair semaphore
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public static Semaphore fair(int permits) {
        return new Semaphore(permits, Integer.MAX_VALUE, true);
    }

    /**
     * For {@link BoundedSemaphore}: a semaphore whose count may never exceed {@code maxPermits}.
     */
    Semaphore(int permits, long maxPermits, boolean fair) {
        checkInitial(permits);
        this.sync = new FifoPermits("Semaphore", permits, fair);
        this.maxPermits = maxPermits;
    }

    /**
     * Whether this semaphore is strictly FIFO ({@link #fair(int)}) rather than bounded-barging.
     *
     * @return {@code true} if fair
     */
    public boolean isFair() {
        return sync.isFair();
    }

    private static void checkInitial(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("Semaphore initial value must be >= 0, was " + permits);
        }
    }

    /** Checks a permit count given to an acquire. */
    private long checkAcquire(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, was " + permits);
        }
        if (permits > maxPermits) {
            throw new IllegalArgumentException(
                    "permits must be <= the bound " + maxPermits + " (more could never be acquired), was " + permits);
        }
        return permits;
    }

    /**
     * Acquires one permit, waiting while none can be had: the counterpart of
     * {@code await sem.acquire()}.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if a permit can be taken as by {@link #tryAcquire()}; in the default mode
     * a virtual thread that finds none first yields its carrier up to twice, trying again after
     * each yield. Otherwise the request joins the FIFO queue and the thread blocks (releasing its
     * carrier if it is a virtual thread) until a release hands it a permit; spurious wake-ups are
     * absorbed. If the interrupt status is set on entry, throws {@link InterruptedException} at
     * once, clearing it, without taking or queueing anything. An interrupt while waiting
     * withdraws the request and throws {@code InterruptedException} with the status cleared,
     * unless the permit was handed over first: then this method returns normally, the caller
     * holds the permit, and the interrupt status is set again.
     *
     * @throws InterruptedException if interrupted before or while waiting (no permit is then
     *     held)
     */
    public void acquire() throws InterruptedException {
        sync.acquire(1L);
    }

    /**
     * Acquires {@code permits} permits at once, waiting while too few are
     * available; otherwise as {@link #acquire()}. While this request is at the head of the queue,
     * released permits accumulate for it and later requests wait behind it.
     *
     * @param permits the number of permits; zero returns at once unless others are queued
     * @throws InterruptedException if interrupted before or while waiting (no permit is then
     *     held)
     * @throws IllegalArgumentException if {@code permits} is negative, or above the bound of a
     *     {@link BoundedSemaphore}
     */
    public void acquire(int permits) throws InterruptedException {
        sync.acquire(checkAcquire(permits));
    }

    /**
     * Acquires one permit as {@link #acquire()} does but without reacting to interrupts: an
     * interrupt while waiting is remembered and the interrupt status is set again once the
     * permit is held.
     */
    public void acquireUninterruptibly() {
        sync.acquireUninterruptibly(1L);
    }

    /**
     * Acquires {@code permits} permits as {@link #acquire(int)} does but without reacting to
     * interrupts; the interrupt status is set again once the permits are held.
     *
     * @param permits the number of permits
     * @throws IllegalArgumentException if {@code permits} is negative, or above the bound of a
     *     {@link BoundedSemaphore}
     */
    public void acquireUninterruptibly(int permits) {
        sync.acquireUninterruptibly(checkAcquire(permits));
    }

    /**
     * Acquires one permit if one is available, without waiting.
     *
     * <p>In the default mode this barges ahead of queued requests, as
     * {@link java.util.concurrent.Semaphore#tryAcquire()} does, except while permits are handed
     * to a request that has waited past the 1 ms bound. A {@link #fair(int)} semaphore never
     * barges: this fails while anybody is queued.
     *
     * @return whether a permit was acquired
     */
    public boolean tryAcquire() {
        return sync.tryAcquire(1L);
    }

    /**
     * Acquires {@code permits} permits if they are available (and, in fair mode or while permits
     * are handed off, nobody is queued), without
     * waiting.
     *
     * @param permits the number of permits
     * @return whether the permits were acquired
     * @throws IllegalArgumentException if {@code permits} is negative, or above the bound of a
     *     {@link BoundedSemaphore}
     */
    public boolean tryAcquire(int permits) {
        return sync.tryAcquire(checkAcquire(permits));
    }

    /**
     * Acquires one permit, waiting at most {@code timeout}.
     *
     * <h4>Blocking and cancellation</h4>
     * As {@link #acquire()}, but gives up after the timeout (a minimum wait; see the
     * <a href="../package-summary.html#timeouts">timeout rules</a>). A zero or negative timeout
     * polls once, like {@link #tryAcquire()} (after the interrupt check). A request that times
     * out is withdrawn and takes nothing; if a permit was handed over at that moment, the method
     * returns {@code true} and the caller holds it.
     *
     * @param timeout the longest time to wait
     * @return {@code true} if a permit was acquired, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted before or while waiting (no permit is then
     *     held)
     * @throws NullPointerException if {@code timeout} is null
     */
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        return sync.tryAcquireNanos(1L, Durations.toNanos(timeout));
    }

    /**
     * Acquires {@code permits} permits, waiting at most {@code timeout}; otherwise as
     * {@link #tryAcquire(Duration)}.
     *
     * @param permits the number of permits
     * @param timeout the longest time to wait
     * @return {@code true} if the permits were acquired, {@code false} if the timeout elapsed
     *     first
     * @throws InterruptedException if interrupted before or while waiting (no permit is then
     *     held)
     * @throws IllegalArgumentException if {@code permits} is negative, or above the bound of a
     *     {@link BoundedSemaphore}
     * @throws NullPointerException if {@code timeout} is null
     */
    public boolean tryAcquire(int permits, Duration timeout) throws InterruptedException {
        long k = checkAcquire(permits);
        return sync.tryAcquireNanos(k, Durations.toNanos(timeout));
    }

    /**
     * As {@link #tryAcquire(Duration)}, with the timeout in {@code unit}s.
     *
     * @param timeout the longest time to wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return {@code true} if a permit was acquired, {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted before or while waiting (no permit is then
     *     held)
     * @throws NullPointerException if {@code unit} is null
     */
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return sync.tryAcquireNanos(1L, unit.toNanos(timeout));
    }

    /**
     * As {@link #tryAcquire(int, Duration)}, with the timeout in {@code unit}s.
     *
     * @param permits the number of permits
     * @param timeout the longest time to wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return {@code true} if the permits were acquired, {@code false} if the timeout elapsed
     *     first
     * @throws InterruptedException if interrupted before or while waiting (no permit is then
     *     held)
     * @throws IllegalArgumentException if {@code permits} is negative, or above the bound of a
     *     {@link BoundedSemaphore}
     * @throws NullPointerException if {@code unit} is null
     */
    public boolean tryAcquire(int permits, long timeout, TimeUnit unit) throws InterruptedException {
        long k = checkAcquire(permits);
        return sync.tryAcquireNanos(k, unit.toNanos(timeout));
    }

    /**
     * Requests one permit without blocking a thread; the returned future completes with
     * {@code null} once the permit is held on the caller's behalf.
     *
     * <p>If a permit can be taken as by {@link #tryAcquire()}, the future is already complete.
     * Otherwise the request joins the same FIFO queue as blocking acquires, and the future is
     * completed by the thread whose release hands the permit over (dependent actions attached
     * with non-async methods run in that thread).
     *
     * <h4>Cancellation</h4>
     * Cancelling the future, or completing it in any other way (for example through
     * {@link CompletableFuture#orTimeout}), withdraws the request. If it races with a hand-off,
     * either the hand-off came first ({@code cancel} returns {@code false}, the future completes
     * normally and the caller holds the permit and must release it), or the cancel won and the permit passes to the next
     * request: it is never lost. Never complete the future with a value yourself: that
     * withdraws the request too, and nothing is held.
     * A queued request's future is the request itself: its {@code obtrudeValue},
     * {@code obtrudeException} and {@code completeAsync} throw
     * {@code UnsupportedOperationException} (they would bypass the withdrawal), and stages
     * derived from it are plain futures whose cancellation does not withdraw anything.
     *
     * @return a future that completes with {@code null} when the permit is held
     */
    public CompletableFuture<@Nullable Void> acquireAsync() {
        return sync.acquireAsync(1L);
    }

    /**
     * Requests {@code permits} permits without blocking a thread; otherwise as
     * {@link #acquireAsync()}.
     *
     * @param permits the number of permits
     * @return a future that completes with {@code null} when the permits are held
     * @throws IllegalArgumentException if {@code permits} is negative, or above the bound of a
     *     {@link BoundedSemaphore}
     */
    public CompletableFuture<@Nullable Void> acquireAsync(int permits) {
        return sync.acquireAsync(checkAcquire(permits));
    }

    /**
     * Releases one permit, letting the longest-waiting request have it if it can be served (a
     * queued future is completed here; a blocked thread is woken to take it, or handed it in
     * fair mode and while the head has waited past the bound).
     *
     * @throws IllegalStateException if the count would exceed {@link Integer#MAX_VALUE}, or the
     *     bound of a {@link BoundedSemaphore} (nothing changes)
     */
    public void release() {
        release(1);
    }

    /**
     * Releases {@code permits} permits, serving queued requests in FIFO order for as long as
     * the permits cover the request at the head of the queue (granting futures, waking a
     * blocked thread to take its permits, or in fair mode and while handing off, handing them
     * over); a running acquirer may barge ahead in the default mode.
     *
     * @param permits the number of permits
     * @throws IllegalArgumentException if {@code permits} is negative
     * @throws IllegalStateException if the count would exceed {@link Integer#MAX_VALUE}, or the
     *     bound of a {@link BoundedSemaphore} (nothing changes)
     */
    public void release(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, was " + permits);
        }
        if (!sync.release(permits, 0L, maxPermits)) {
            throw overRelease(permits);
        }
    }

    /** The exception for a release beyond {@link #maxPermits}. */
    IllegalStateException overRelease(int permits) {
        return new IllegalStateException("Maximum permit count exceeded: releasing " + permits
                + " permit(s) to " + sync.available() + " available would pass " + maxPermits);
    }

    /**
     * The number of permits available now, the counterpart of asyncio's {@code _value}. While
     * requests are queued these are permits accumulating for the request at the head, which
     * needs more.
     *
     * @return the available permits; a snapshot that may change at once
     */
    public int availablePermits() {
        return (int) sync.available();
    }

    /**
     * Whether an acquire of one permit could not succeed at once, because no permit is
     * available or because requests are queued: the counterpart of {@code sem.locked()}.
     *
     * @return {@code true} if a {@link #tryAcquire()} would fail now; a snapshot
     */
    public boolean isLocked() {
        return sync.hasWaiters() || sync.available() == 0L;
    }

    /**
     * Whether requests are queued.
     *
     * @return {@code true} if at least one request waits; a snapshot that may change at once
     */
    public boolean hasWaiters() {
        return sync.hasWaiters();
    }

    /**
     * The number of queued requests, blocking and asynchronous.
     *
     * @return an estimate: the queue may change while it is read
     */
    public int waiterCount() {
        return sync.queueLength();
    }

    /**
     * Describes the state, for diagnostics: {@code Semaphore[permits=0, waiters=3]}.
     *
     * @return a description of the current state
     */
    @Override
    public String toString() {
        return "Semaphore[" + sync + "]";
    }
}
