package dev.weft.redis;

import dev.weft.core.internal.Durations;
import dev.weft.core.sync.ExclusiveLock;
import dev.weft.core.sync.LockResult;
import dev.weft.redis.internal.Request;
import dev.weft.redis.internal.Script;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ExclusiveLock} shared by every client of one Redis server: a lease with a fencing token.
 * Handles come from {@link RedisWeft#lock(String)}; every handle on the same name, in any process
 * on any host, is the same lock.
 *
 * <h2>Leases</h2>
 * A grant is a key with an expiry (the lease, {@link RedisWeft#lock(String, Duration, Consumer)},
 * 30 s by default) set by the server on its own clock. While the lock is held, the handle renews
 * the lease every third of its length. A holder whose process dies stops renewing, the key
 * expires, and the next acquirer takes the lock over and is told so: the {@code ...ForResult}
 * forms return {@link LockResult#OWNER_DIED} (as does {@link Lease#ownerDied()}).
 *
 * <h2>Fencing tokens</h2>
 * Every grant carries a number ({@link Lease#fencingToken()}) taken from a counter of the lock that
 * only grows, so a later grant always has a larger token. A lease is not a guarantee: a holder that
 * stops long enough (a GC pause, a stopped process, a network cut) can lose its lease while it
 * still believes it holds the lock, and another holder then gets it. A resource that must never be
 * written by two holders at once checks the token: it remembers the largest token it has seen and
 * rejects a write with a smaller one. That makes a stale holder harmless, whatever its pause.
 *
 * <h2>Lease loss</h2>
 * A holder is told when its lease is lost, as soon as its process can know it: when a renewal
 * finds the key gone or taken, or when the lease's length has passed since the last renewal the
 * server confirmed (measured on the holder's clock from the moment that renewal was sent, so it
 * errs early, never late). Then {@link Lease#lost()} completes, the handle's loss callback runs,
 * and {@link #release()} throws {@link IllegalMonitorStateException} saying so, without touching
 * the key (which may belong to the next holder now). A lease lost and never taken over leaves the
 * lock marked as abandoned: the next acquirer gets {@code OWNER_DIED}.
 *
 * <h2>Contract notes</h2>
 * <ul>
 *   <li><b>Ownership.</b> The lock is not owned by a thread: any thread may release it through the
 *       handle that acquired it. A handle holds at most one grant; {@link #release()} on a handle
 *       that holds none throws {@link IllegalMonitorStateException}, even if another handle holds
 *       the lock (a handle never frees someone else's grant: release is a compare-and-delete on the
 *       server).</li>
 *   <li><b>Waiting.</b> A waiting acquire is woken by a notification published on release, and
 *       asks again at the lease's expiry and at least every poll interval (a notification can be
 *       lost in a reconnect). No fairness: whichever waiter asks first after a release wins.</li>
 *   <li><b>Cancellation.</b> A blocked acquire that is interrupted or times out, or a cancelled
 *       future, withdraws the request. If the grant happened on the server first, the acquire
 *       succeeds instead (interrupt status set again, {@code true}, or {@code cancel} returning
 *       {@code false}); withdrawing then waits for the reply of the one command in flight.</li>
 *   <li>{@link #newCondition()} is not supported.</li>
 * </ul>
 *
 * <h2>Memory consistency effects</h2>
 * Actions before a {@link #release()} happen-before the actions after the acquire that it lets
 * succeed, in whichever process: the server executes the release and the acquire in order, and each
 * client call waits for its reply. (Between processes, only what is written to shared stores
 * carries over.)
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread; a waiting virtual thread does not hold its carrier.
 *
 * @since 0.1
 */
public final class RedisLock implements ExclusiveLock, AutoCloseable {

    /** The default lease: 30 s. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

    private static final long MIN_LEASE_MILLIS = 100;

    /**
     * KEYS: lock, owner marker, fence counter. ARGV: request id, lease ms. Reply: {0, pttl} busy;
     * {1, fence} acquired; {2, fence} acquired over an abandoned grant. The key's value is
     * "request id|fence", so a repeated request (resent after a reconnect) is recognised.
     */
    private static final Script ACQUIRE = new Script("""
            local v = redis.call('get', KEYS[1])
            if v then
              local sep = string.find(v, '|', 1, true)
              if sep and string.sub(v, 1, sep - 1) == ARGV[1] then
                return {1, tonumber(string.sub(v, sep + 1))}
              end
              return {0, redis.call('pttl', KEYS[1])}
            end
            local died = redis.call('exists', KEYS[2])
            local f = redis.call('incr', KEYS[3])
            local tok = ARGV[1] .. '|' .. f
            redis.call('set', KEYS[1], tok, 'PX', ARGV[2])
            redis.call('set', KEYS[2], tok)
            return {1 + died, f}
            """, ScriptOutputType.MULTI);

    /** KEYS: lock. ARGV: token, lease ms. Reply 1 renewed, 0 not ours any more. */
    private static final Script RENEW = new Script("""
            if redis.call('get', KEYS[1]) == ARGV[1] then
              redis.call('pexpire', KEYS[1], ARGV[2])
              return 1
            end
            return 0
            """, ScriptOutputType.INTEGER);

    /** KEYS: lock, owner marker. ARGV: token, channel. Reply 1 released, 0 not ours any more. */
    private static final Script RELEASE = new Script("""
            if redis.call('get', KEYS[1]) == ARGV[1] then
              redis.call('del', KEYS[1], KEYS[2])
              redis.call('publish', ARGV[2], '1')
              return 1
            end
            return 0
            """, ScriptOutputType.INTEGER);

    /** A grant of the lock, held through one handle. */
    public static final class Lease {
        private static final int HELD = 0;
        private static final int RELEASED = 1;
        private static final int LOST = 2;

        private final RedisLock lock;
        private final long fencingToken;
        private final boolean ownerDied;
        private final String token;
        private final CompletableFuture<Lease> lost = new CompletableFuture<>();
        /** HELD, RELEASED or LOST; final once not HELD. */
        private final AtomicInteger state = new AtomicInteger(HELD);
        private volatile @Nullable String lossReason;
        /** System.nanoTime() when the last renewal the server confirmed (or the grant) was sent. */
        private volatile long confirmedSentNanos;
        private volatile @Nullable ScheduledFuture<?> renewTask;
        private volatile @Nullable ScheduledFuture<?> deadlineTask;

        private Lease(RedisLock lock, long fencingToken, boolean ownerDied, String token, long sentNanos) {
            this.lock = lock;
            this.fencingToken = fencingToken;
            this.ownerDied = ownerDied;
            this.token = token;
            this.confirmedSentNanos = sentNanos;
        }

        /**
         * The fencing token of this grant: larger than that of every earlier grant of the lock.
         *
         * @return the token, positive
         */
        public long fencingToken() {
            return fencingToken;
        }

        /**
         * Whether this grant took the lock over from a holder that lost its lease without releasing
         * it (a dead or stopped holder): the protected state may need repair.
         *
         * @return {@code true} for a take-over
         */
        public boolean ownerDied() {
            return ownerDied;
        }

        /**
         * A future completed with this lease when it is lost (never, if it is released first). It
         * completes on a client thread; dependent actions should not block.
         *
         * @return the future
         */
        public CompletableFuture<Lease> lost() {
            return lost.copy();
        }

        /**
         * Whether the lease is known to be lost.
         *
         * @return {@code true} once lost
         */
        public boolean isLost() {
            return state.get() == LOST;
        }

        /**
         * Why the lease was lost, or {@code null} if it was not.
         *
         * @return the reason
         */
        public @Nullable String lossReason() {
            return lossReason;
        }

        /**
         * The name of the lock.
         *
         * @return the name
         */
        public String lockName() {
            return lock.name;
        }

        @Override
        public String toString() {
            return "Lease[lock=" + lock.name + ", fencingToken=" + fencingToken
                    + (ownerDied ? ", ownerDied" : "") + (isLost() ? ", lost: " + lossReason : "") + "]";
        }

        private void markLost(String reason) {
            if (!state.compareAndSet(HELD, LOST)) {
                return;
            }
            lossReason = reason;
            stopTimers();
            lost.complete(this);
            Consumer<Lease> callback = lock.onLeaseLost;
            if (callback != null) {
                lock.weft.executor().execute(() -> callback.accept(this));
            }
        }

        private void stopTimers() {
            ScheduledFuture<?> r = renewTask;
            if (r != null) {
                r.cancel(false);
            }
            ScheduledFuture<?> d = deadlineTask;
            if (d != null) {
                d.cancel(false);
            }
        }
    }

    private final RedisWeft weft;
    private final String name;
    private final byte[][] keys;
    private final String channel;
    private final long leaseMillis;
    private final byte[] leaseArg;
    private final @Nullable Consumer<Lease> onLeaseLost;
    private final AtomicReference<@Nullable Lease> held = new AtomicReference<>();
    private final Set<Request<?>> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    RedisLock(RedisWeft weft, String name, Duration lease, @Nullable Consumer<Lease> onLeaseLost) {
        Objects.requireNonNull(lease, "lease");
        if (lease.toMillis() < MIN_LEASE_MILLIS) {
            throw new IllegalArgumentException("lease must be at least " + MIN_LEASE_MILLIS + " ms, got "
                    + lease.toMillis() + " ms");
        }
        this.weft = weft;
        this.name = name;
        this.keys = new byte[][] {
            weft.key("lock", name, "lease"), weft.key("lock", name, "owner"), weft.key("lock", name, "fence")};
        this.channel = weft.keyName("lock", name, "released");
        this.leaseMillis = lease.toMillis();
        this.leaseArg = RedisWeft.bytes(Long.toString(leaseMillis));
        this.onLeaseLost = onLeaseLost;
        weft.signals().subscribe(channel);
    }

    // ---- the lease forms -----------------------------------------------------------------------------

    /**
     * Acquires the lock as {@link #acquire()} and returns the grant.
     *
     * @return the lease, with its fencing token
     * @throws InterruptedException as {@link #acquire()}
     */
    public Lease acquireLease() throws InterruptedException {
        checkOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return Request.await(request());
    }

    /**
     * Acquires the lock as {@link #tryAcquire()} and returns the grant.
     *
     * @return the lease, or {@code null} if the lock is held
     */
    public @Nullable Lease tryAcquireLease() {
        checkOpen();
        return Request.join(attempt(weft.nextId("r"), null));
    }

    /**
     * Acquires the lock as {@link #tryAcquire(Duration)} and returns the grant.
     *
     * @param timeout the longest wait
     * @return the lease, or {@code null} on timeout
     * @throws InterruptedException as {@link #tryAcquire(Duration)}
     */
    public @Nullable Lease tryAcquireLease(Duration timeout) throws InterruptedException {
        return tryAcquireLeaseNanos(Durations.toNanos(timeout));
    }

    /**
     * Acquires the lock as {@link #acquireAsync()} and completes with the grant.
     *
     * @return the future lease
     */
    public CompletableFuture<Lease> acquireLeaseAsync() {
        checkOpen();
        return request();
    }

    /**
     * The lease held through this handle now, or {@code null}. A lost lease stays here until
     * {@link #release()} reports it.
     *
     * @return the lease
     */
    public @Nullable Lease currentLease() {
        return held.get();
    }

    /**
     * The lock's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    // ---- ExclusiveLock -------------------------------------------------------------------------------

    @Override
    public void acquire() throws InterruptedException {
        acquireLease();
    }

    @Override
    public void acquireUninterruptibly() {
        checkOpen();
        Request.awaitUninterruptibly(request());
    }

    @Override
    public boolean tryAcquire() {
        return tryAcquireLease() != null;
    }

    @Override
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        return tryAcquireLeaseNanos(Durations.toNanos(timeout)) != null;
    }

    @Override
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return tryAcquireLeaseNanos(RedisWeft.timeoutNanos(timeout, unit)) != null;
    }

    @Override
    public CompletableFuture<@Nullable Void> acquireAsync() {
        checkOpen();
        return dev.weft.core.internal.LinkedFuture.map(request(), l -> null);
    }

    @Override
    public LockResult acquireForResult() throws InterruptedException {
        return result(acquireLease());
    }

    @Override
    public LockResult tryAcquireForResult() {
        return result(tryAcquireLease());
    }

    @Override
    public LockResult tryAcquireForResult(Duration timeout) throws InterruptedException {
        return result(tryAcquireLeaseNanos(Durations.toNanos(timeout)));
    }

    @Override
    public LockResult tryAcquireForResult(long timeout, TimeUnit unit) throws InterruptedException {
        return result(tryAcquireLeaseNanos(RedisWeft.timeoutNanos(timeout, unit)));
    }

    @Override
    public CompletableFuture<LockResult> acquireForResultAsync() {
        checkOpen();
        return dev.weft.core.internal.LinkedFuture.map(request(), RedisLock::result);
    }

    /**
     * Releases the grant held through this handle: a compare-and-delete on the server, so it never
     * frees a grant of another holder. Never waits beyond one round trip.
     *
     * @throws IllegalMonitorStateException if this handle holds no grant, or if its lease was lost
     *     (then nothing is changed on the server, and the message says why the lease was lost)
     */
    @Override
    public void release() {
        Lease l = held.get();
        if (l == null || !held.compareAndSet(l, null)) {
            throw new IllegalMonitorStateException("lock '" + name + "' is not held through this handle");
        }
        l.stopTimers();
        if (l.isLost()) {
            throw lostException(l);
        }
        long r = Request.<Long>join(RELEASE.run(weft.commands(), new byte[][] {keys[0], keys[1]},
                RedisWeft.bytes(l.token), RedisWeft.bytes(channel)));
        if (r == 1L) {
            l.state.compareAndSet(Lease.HELD, Lease.RELEASED);
            return;
        }
        l.markLost("the lease had expired on the server when it was released");
        throw lostException(l);
    }

    /**
     * Whether any holder (through any handle) holds the lock now. A snapshot.
     *
     * @return {@code true} if held
     */
    @Override
    public boolean isLocked() {
        checkOpen();
        return Request.join(weft.commands().exists(keys[0]).toCompletableFuture()) == 1L;
    }

    /**
     * Not supported.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("a Redis lock has no conditions");
    }

    /**
     * Closes the handle: its waiting acquires fail with {@link IllegalStateException}; a lease
     * held through it is no longer renewed (it expires, and the next acquirer gets
     * {@code OWNER_DIED}). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Request<?> r : pending) {
            r.fail(new IllegalStateException("lock handle '" + name + "' closed"));
        }
        Lease l = held.get();
        if (l != null) {
            l.stopTimers();
        }
        weft.signals().unsubscribe(channel);
        weft.unregister(this);
    }

    @Override
    public String toString() {
        return "RedisLock[" + name + "]";
    }

    // ---- internals -------------------------------------------------------------------------------------

    private static LockResult result(@Nullable Lease l) {
        return l == null ? LockResult.NOT_ACQUIRED : l.ownerDied ? LockResult.OWNER_DIED : LockResult.ACQUIRED;
    }

    private IllegalMonitorStateException lostException(Lease l) {
        return new IllegalMonitorStateException("the lease of lock '" + name + "' (fencing token "
                + l.fencingToken + ") was lost before this release (" + l.lossReason
                + "); nothing was released, since the lock may be held by another holder now");
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("lock handle '" + name + "' is closed");
        }
    }

    private @Nullable Lease tryAcquireLeaseNanos(long nanos) throws InterruptedException {
        checkOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos <= 0) {
            return tryAcquireLease();
        }
        return Request.await(request(), nanos);
    }

    private Request<Lease> request() {
        String requestId = weft.nextId("r");
        Request<Lease>[] self = newArray();
        Runnable listener = () -> self[0].signal();
        Request<Lease> r = new Request<>(() -> attempt(requestId, self[0]), weft.executor(), weft.timer(),
                weft.pollNanos(), RedisWeft::transientFailure, () -> {
                    weft.signals().remove(channel, listener);
                    pending.remove(self[0]);
                }, new Request.Site("RedisLock", name, "acquire", "acquired"));
        self[0] = r;
        pending.add(r);
        weft.signals().add(channel, listener);
        r.start();
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Request<Lease>[] newArray() {
        return (Request<Lease>[]) new Request<?>[1];
    }

    private CompletableFuture<@Nullable Lease> attempt(String requestId, @Nullable Request<Lease> request) {
        long sent = System.nanoTime();
        CompletableFuture<List<Object>> reply = ACQUIRE.run(weft.commands(), keys,
                RedisWeft.bytes(requestId), leaseArg);
        return reply.thenApply(list -> {
            long code = (Long) list.get(0);
            long value = (Long) list.get(1);
            if (code == 0) {
                if (request != null && value > 0) {
                    request.hintNextAttemptWithin(TimeUnit.MILLISECONDS.toNanos(value) + 1_000_000);
                }
                return null;
            }
            Lease lease = new Lease(this, value, code == 2, requestId + "|" + value, sent);
            held.set(lease);
            scheduleRenewal(lease);
            return lease;
        });
    }

    private void scheduleRenewal(Lease lease) {
        long leaseNanos = TimeUnit.MILLISECONDS.toNanos(leaseMillis);
        scheduleDeadline(lease, leaseNanos);
        lease.renewTask = weft.timer().schedule(() -> renew(lease), leaseNanos / 3, TimeUnit.NANOSECONDS);
    }

    private void scheduleDeadline(Lease lease, long leaseNanos) {
        ScheduledFuture<?> old = lease.deadlineTask;
        if (old != null) {
            old.cancel(false);
        }
        long due = lease.confirmedSentNanos + leaseNanos - System.nanoTime();
        lease.deadlineTask = weft.timer().schedule(() -> checkDeadline(lease, leaseNanos),
                Math.max(0, due), TimeUnit.NANOSECONDS);
    }

    private void checkDeadline(Lease lease, long leaseNanos) {
        if (System.nanoTime() - lease.confirmedSentNanos >= leaseNanos) {
            lease.markLost("not renewed within the lease of " + leaseMillis + " ms");
        }
    }

    private void renew(Lease lease) {
        if (lease.state.get() != Lease.HELD) {
            return;
        }
        long leaseNanos = TimeUnit.MILLISECONDS.toNanos(leaseMillis);
        long sent = System.nanoTime();
        if (sent - lease.confirmedSentNanos >= leaseNanos) {
            lease.markLost("not renewed within the lease of " + leaseMillis + " ms");
            return;
        }
        RENEW.<Long>run(weft.commands(), new byte[][] {keys[0]}, RedisWeft.bytes(lease.token), leaseArg)
                .whenComplete((r, failure) -> {
                    if (lease.state.get() != Lease.HELD) {
                        return;
                    }
                    if (failure == null && r == 0L) {
                        lease.markLost("the lease had expired or was taken over on the server at renewal");
                        return;
                    }
                    long next;
                    if (failure == null) {
                        if (sent > lease.confirmedSentNanos) {
                            lease.confirmedSentNanos = sent;
                        }
                        scheduleDeadline(lease, leaseNanos);
                        next = leaseNanos / 3;
                    } else {
                        next = leaseNanos / 10;   // transient failure: try again soon
                    }
                    if (lease.state.get() == Lease.HELD && !weft.isClosed()) {
                        lease.renewTask = weft.timer().schedule(() -> renew(lease), next, TimeUnit.NANOSECONDS);
                    }
                });
    }
}
