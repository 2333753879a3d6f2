package dev.weft.core.sync;

import dev.weft.core.internal.Durations;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A read-write lock with blocking, timed, immediate and {@code CompletableFuture}
 * acquires, in the style of {@link Lock}. Python's {@code asyncio} has no read-write lock; this
 * one follows the same rules as the other locks of this package.
 *
 * <p>Any number of readers may hold the {@link #readLock() read lock} at once, or one writer the
 * {@link #writeLock() write lock}, never both. Requests that must wait, read and write,
 * blocking and asynchronous, are served in one FIFO queue. In the default mode a running
 * acquirer may barge ahead of that queue while the lock is free for it (a reader while only
 * readers hold the lock, a writer while nobody does), until the request at the head has waited
 * longer than about 1 ms; from then on the lock is handed to the queue in order, as a
 * {@link #fair()} lock always does, until the queue is empty or a request that had waited less
 * than 1 ms is served. While it hands off:
 * <ul>
 *   <li>a writer at the head of the queue waits for the current readers to leave, and readers
 *       that arrive after it wait behind it, so a writer waits at most about 1 ms plus the
 *       longest read hold;</li>
 *   <li>when a writer releases, every reader queued before the next writer is let in
 *       together;</li>
 *   <li>a reader that arrives while readers hold the lock and nobody is queued gets in at once
 *       (in either mode).</li>
 * </ul>
 * Like {@link Lock}, neither lock has an owner: any thread may release, releasing a lock that is
 * not held throws {@link IllegalMonitorStateException}, and neither is reentrant.
 *
 * <p><b>Memory consistency effects.</b> Actions before the release of the write lock
 * <i>happen-before</i> the actions after any later acquire of either lock; actions before the
 * release of a read lock happen-before the actions after a later acquire of the write lock (see
 * <a href="../package-summary.html#memory">memory consistency</a>).
 *
 * <p><b>Cancellation.</b> As for {@link Lock}: a withdrawn request leaves no trace, and a lock
 * handed to a request that is withdrawn at that moment is either kept by the caller (the acquire
 * reports success) or passed on. See the
 * <a href="../package-summary.html#cancellation">cancellation rules</a>.
 *
 * <p><b>Pitfalls.</b> Acquiring the read lock again while holding it can deadlock: if a writer
 * has queued in between, the second read request waits behind the writer, which waits for the
 * first read hold to end. There is no upgrade from read to write and no downgrade; release one
 * and acquire the other. Up to {@value #MAX_READERS} read holds may exist at once; further
 * readers wait.
 *
 * {@snippet :
 * ReadWriteLock rw = new ReadWriteLock();
 * Map<String, String> cache = new HashMap<>();
 *
 * rw.readLock().acquire();
 * try {
 *     return cache.get(key);
 * } finally {
 *     rw.readLock().release();
 * }
 * }
 *
 * @see Lock
 * @since 0.1
 */
public final class ReadWriteLock implements java.util.concurrent.locks.ReadWriteLock {

    /*
     * Implementation notes
     *
     * Overview. One FifoPermits pool of MAX_READERS permits: a read hold takes one permit, a
     * write hold takes all of them (the construction of tokio's RwLock on its batch semaphore).
     * FifoPermits' FIFO queue with whole-weight grants (strict in fair mode and while handing off)
     * gives the fairness described in the class documentation: a queued writer accumulates permits as readers leave and blocks later
     * readers, and a release serves consecutive readers at the head together.
     *
     * Invariants. available = MAX_READERS - (read holds), or 0 while the write lock is held.
     * Hence: write held <=> available == 0 (with fewer than MAX_READERS readers, which would be
     * two billion holds). A read release is valid iff 1 <= available and available + 1 <=
     * MAX_READERS; a write release iff available == 0. Both checks are atomic with the release
     * (FifoPermits.release(k, minBefore, maxAfter)).
     */

    /** The most read holds at once; also the weight of a write hold. */
    public static final int MAX_READERS = Integer.MAX_VALUE;

    private final FifoPermits sync;
    private final ReadLock readLock;
    private final WriteLock writeLock;

    /**
     * Creates a read-write lock that is free, in the default bounded-barging mode (see the class
     * documentation); {@link #fair()} creates a strictly FIFO one.
     */
    public ReadWriteLock() {
        this(false);
    }

    private ReadWriteLock(boolean fair) {
        this.sync = new FifoPermits("ReadWriteLock", MAX_READERS, fair);
        this.readLock = new ReadLock(sync);
        this.writeLock = new WriteLock(sync);
    }

    /**
     * Creates a read-write lock that is free and strictly FIFO: nobody barges ahead of queued
     * requests, so a queued writer holds up every reader that comes after it.
     *
     * @return a new fair read-write lock
     */
    public static ReadWriteLock fair() {
        return new ReadWriteLock(true);
    }

    /**
     * Whether this lock is strictly FIFO ({@link #fair()}) rather than bounded-barging.
     *
     * @return {@code true} if fair
     */
    public boolean isFair() {
        return sync.isFair();
    }

    /**
     * The shared lock.
     *
     * @return the read lock (the same object on every call)
     */
    @Override
    public ReadLock readLock() {
        return readLock;
    }

    /**
     * The exclusive lock.
     *
     * @return the write lock (the same object on every call)
     */
    @Override
    public WriteLock writeLock() {
        return writeLock;
    }

    /**
     * Whether the write lock is held.
     *
     * @return {@code true} if a writer holds the lock; a snapshot
     */
    public boolean isWriteLocked() {
        return sync.available() == 0L;
    }

    /**
     * The number of read holds.
     *
     * @return the number of readers holding the lock now; a snapshot
     */
    public int getReadLockCount() {
        long avail = sync.available();
        return avail == 0L ? 0 : (int) (MAX_READERS - avail);
    }

    /**
     * The number of queued requests, read and write.
     *
     * @return an estimate: the queue may change while it is read
     */
    public int waiterCount() {
        return sync.queueLength();
    }

    /**
     * Whether requests, read or write, are queued.
     *
     * @return {@code true} if at least one request waits; a snapshot
     */
    public boolean hasWaiters() {
        return sync.hasWaiters();
    }

    /**
     * Describes the state, for diagnostics: {@code ReadWriteLock[readers=3, waiters=1]} or
     * {@code ReadWriteLock[write-locked, waiters=0]}.
     *
     * @return a description of the current state
     */
    @Override
    public String toString() {
        return "ReadWriteLock[" + describe(sync) + "]";
    }

    private static String describe(FifoPermits sync) {
        long avail = sync.available();
        String holders = avail == 0L ? "write-locked" : "readers=" + (MAX_READERS - avail);
        return holders + ", waiters=" + sync.queueLength();
    }

    /**
     * The shared half of a {@link ReadWriteLock}: many readers may hold it at once, never
     * together with the write lock.
     *
     * <p>Acquire forms, blocking behaviour and cancellation are as for {@link Lock}, with
     * "the lock is free" read as "no writer holds or waits for the lock"; see
     * {@link ReadWriteLock} for the order in which readers and writers are served. It supports
     * no {@link Condition}.
     *
     * @since 0.1
     */
    public static final class ReadLock implements java.util.concurrent.locks.Lock {

        private final FifoPermits sync;

        ReadLock(FifoPermits sync) {
            this.sync = sync;
        }

        /**
         * Acquires a read hold, waiting while a writer holds the lock (or, in fair mode and
         * while the lock hands off, while anybody is queued).
         *
         * <h4>Blocking and cancellation</h4>
         * As {@link Lock#acquire()}: blocks until a release lets this request in; an interrupt
         * on entry throws at once; an interrupt while waiting withdraws the request and throws
         * {@link InterruptedException} (status cleared), unless the hold was granted first, in
         * which case this returns normally with the interrupt status set.
         *
         * @throws InterruptedException if interrupted before or while waiting (nothing is then
         *     held)
         */
        public void acquire() throws InterruptedException {
            sync.acquire(1L);
        }

        /**
         * Acquires a read hold as {@link #acquire()} does, but defers interrupts until the hold
         * is granted.
         */
        public void acquireUninterruptibly() {
            sync.acquireUninterruptibly(1L);
        }

        /**
         * Acquires a read hold if no writer holds the lock (and, in fair mode or while the lock
         * hands off, nobody is queued), without waiting.
         *
         * @return whether a read hold was acquired
         */
        public boolean tryAcquire() {
            return sync.tryAcquire(1L);
        }

        /**
         * Acquires a read hold, waiting at most {@code timeout}; otherwise as
         * {@link Lock#tryAcquire(Duration)}.
         *
         * @param timeout the longest time to wait
         * @return {@code true} if acquired, {@code false} if the timeout elapsed first
         * @throws InterruptedException if interrupted before or while waiting
         * @throws NullPointerException if {@code timeout} is null
         */
        public boolean tryAcquire(Duration timeout) throws InterruptedException {
            return sync.tryAcquireNanos(1L, Durations.toNanos(timeout));
        }

        /**
         * As {@link #tryAcquire(Duration)}, with the timeout in {@code unit}s.
         *
         * @param timeout the longest time to wait, in {@code unit}s
         * @param unit the unit of {@code timeout}
         * @return {@code true} if acquired, {@code false} if the timeout elapsed first
         * @throws InterruptedException if interrupted before or while waiting
         * @throws NullPointerException if {@code unit} is null
         */
        public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
            return sync.tryAcquireNanos(1L, unit.toNanos(timeout));
        }

        /**
         * Requests a read hold without blocking a thread; otherwise as {@link Lock#acquireAsync()},
         * including its cancellation rule.
         *
         * @return a future that completes with {@code null} when the read hold is granted
         */
        public CompletableFuture<@Nullable Void> acquireAsync() {
            return sync.acquireAsync(1L);
        }

        /**
         * Releases one read hold; the last reader to leave lets the queued writer in.
         *
         * @throws IllegalMonitorStateException if no read hold exists (nothing changes)
         */
        public void release() {
            if (!sync.release(1L, 1L, MAX_READERS)) {
                throw new IllegalMonitorStateException("Read lock is not acquired: " + describe(sync));
            }
        }

        /** Same as {@link #acquireUninterruptibly()}. */
        @Override
        public void lock() {
            sync.acquireUninterruptibly(1L);
        }

        /**
         * Same as {@link #acquire()}.
         *
         * @throws InterruptedException if interrupted before or while waiting
         */
        @Override
        public void lockInterruptibly() throws InterruptedException {
            sync.acquire(1L);
        }

        /**
         * Same as {@link #tryAcquire()}.
         *
         * @return whether a read hold was acquired
         */
        @Override
        public boolean tryLock() {
            return sync.tryAcquire(1L);
        }

        /**
         * Same as {@link #tryAcquire(Duration)}.
         *
         * @param time the longest time to wait
         * @param unit the unit of {@code time}
         * @return {@code true} if acquired, {@code false} if the time elapsed first
         * @throws InterruptedException if interrupted before or while waiting
         */
        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            return sync.tryAcquireNanos(1L, unit.toNanos(time));
        }

        /** Same as {@link #release()}. */
        @Override
        public void unlock() {
            release();
        }

        /**
         * Read locks have no conditions.
         *
         * @return never
         * @throws UnsupportedOperationException always
         */
        @Override
        public java.util.concurrent.locks.Condition newCondition() {
            throw new UnsupportedOperationException("a read lock has no conditions; use the write lock");
        }

        /**
         * Describes the state, for diagnostics.
         *
         * @return a description of the whole lock's state
         */
        @Override
        public String toString() {
            return "ReadLock[" + describe(sync) + "]";
        }
    }

    /**
     * The exclusive half of a {@link ReadWriteLock}: one writer at a time, and no readers while
     * it is held.
     *
     * <p>Acquire forms, blocking behaviour and cancellation are as for {@link Lock}; see
     * {@link ReadWriteLock} for the order in which readers and writers are served. It supports
     * {@link Condition}s.
     *
     * @since 0.1
     */
    public static final class WriteLock implements LocalExclusiveLock {

        private final FifoPermits sync;

        WriteLock(FifoPermits sync) {
            this.sync = sync;
        }

        /**
         * Acquires the write lock, waiting while readers or a writer hold it (or, in fair mode
         * and while the lock hands off, while anybody is queued).
         *
         * <h4>Blocking and cancellation</h4>
         * As {@link Lock#acquire()}: blocks until a release lets this request in; an interrupt
         * on entry throws at once; an interrupt while waiting withdraws the request and throws
         * {@link InterruptedException} (status cleared), unless the lock was granted first, in
         * which case this returns normally with the interrupt status set. While this request
         * waits at the head of the queue, new readers queue behind it.
         *
         * @throws InterruptedException if interrupted before or while waiting (nothing is then
         *     held)
         */
        @Override
        public void acquire() throws InterruptedException {
            sync.acquire(MAX_READERS);
        }

        /**
         * Acquires the write lock as {@link #acquire()} does, but defers interrupts until it is
         * granted.
         */
        @Override
        public void acquireUninterruptibly() {
            sync.acquireUninterruptibly(MAX_READERS);
        }

        /**
         * Acquires the write lock if nobody holds it (and, in fair mode or while the lock hands
         * off, nobody waits for it), without waiting.
         *
         * @return whether the write lock was acquired
         */
        @Override
        public boolean tryAcquire() {
            return sync.tryAcquire(MAX_READERS);
        }

        /**
         * Acquires the write lock, waiting at most {@code timeout}; otherwise as
         * {@link Lock#tryAcquire(Duration)}.
         *
         * @param timeout the longest time to wait
         * @return {@code true} if acquired, {@code false} if the timeout elapsed first
         * @throws InterruptedException if interrupted before or while waiting
         * @throws NullPointerException if {@code timeout} is null
         */
        @Override
        public boolean tryAcquire(Duration timeout) throws InterruptedException {
            return sync.tryAcquireNanos(MAX_READERS, Durations.toNanos(timeout));
        }

        /**
         * As {@link #tryAcquire(Duration)}, with the timeout in {@code unit}s.
         *
         * @param timeout the longest time to wait, in {@code unit}s
         * @param unit the unit of {@code timeout}
         * @return {@code true} if acquired, {@code false} if the timeout elapsed first
         * @throws InterruptedException if interrupted before or while waiting
         * @throws NullPointerException if {@code unit} is null
         */
        @Override
        public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
            return sync.tryAcquireNanos(MAX_READERS, unit.toNanos(timeout));
        }

        /**
         * Requests the write lock without blocking a thread; otherwise as
         * {@link Lock#acquireAsync()}, including its cancellation rule.
         *
         * @return a future that completes with {@code null} when the write lock is held
         */
        @Override
        public CompletableFuture<@Nullable Void> acquireAsync() {
            return sync.acquireAsync(MAX_READERS);
        }

        /**
         * Releases the write lock, letting in the next writer or the readers queued before it.
         *
         * @throws IllegalMonitorStateException if the write lock is not held (nothing changes)
         */
        @Override
        public void release() {
            if (!sync.release(MAX_READERS, 0L, MAX_READERS)) {
                throw new IllegalMonitorStateException("Write lock is not acquired: " + describe(sync));
            }
        }

        /**
         * Whether the write lock is held.
         *
         * @return {@code true} if held; a snapshot
         */
        @Override
        public boolean isLocked() {
            return sync.available() == 0L;
        }

        /** Same as {@link #acquireUninterruptibly()}. */
        @Override
        public void lock() {
            sync.acquireUninterruptibly(MAX_READERS);
        }

        /**
         * Same as {@link #acquire()}.
         *
         * @throws InterruptedException if interrupted before or while waiting
         */
        @Override
        public void lockInterruptibly() throws InterruptedException {
            sync.acquire(MAX_READERS);
        }

        /**
         * Same as {@link #tryAcquire()}.
         *
         * @return whether the write lock was acquired
         */
        @Override
        public boolean tryLock() {
            return sync.tryAcquire(MAX_READERS);
        }

        /**
         * Same as {@link #tryAcquire(Duration)}.
         *
         * @param time the longest time to wait
         * @param unit the unit of {@code time}
         * @return {@code true} if acquired, {@code false} if the time elapsed first
         * @throws InterruptedException if interrupted before or while waiting
         */
        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            return sync.tryAcquireNanos(MAX_READERS, unit.toNanos(time));
        }

        /** Same as {@link #release()}. */
        @Override
        public void unlock() {
            release();
        }

        /**
         * Creates a {@link Condition} bound to the write lock.
         *
         * @return a new condition
         */
        @Override
        public Condition newCondition() {
            return new Condition(this);
        }

        /**
         * Describes the state, for diagnostics.
         *
         * @return a description of the whole lock's state
         */
        @Override
        public String toString() {
            return "WriteLock[" + describe(sync) + "]";
        }
    }
}
