package dev.weft.redis;

import dev.weft.core.internal.Durations;
import dev.weft.core.sync.EventFlag;
import dev.weft.redis.internal.Request;
import dev.weft.redis.internal.Script;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EventFlag} shared by every client of one Redis server. Handles come from
 * {@link RedisWeft#event(String)}; every handle on the same name is the same event.
 *
 * <h2>How a set is never missed</h2>
 * The event is a flag and a version number on the server: a {@link #set()} that changes the flag
 * adds one to the version and publishes a notification, atomically (one Lua script). A waiter
 * listens for notifications first, then reads the flag and the version; it returns {@code true} as
 * soon as it sees the flag set or the version grown past the one it first read. So a
 * {@code set(); clear();} pulse wakes every current waiter with {@code true} (the version moved,
 * even if the flag is clear again), and a set that happens while a waiter is starting up is seen
 * either by its first read or through the notification. A lost notification (reconnect) is made up
 * for by polling every poll interval.
 *
 * <p>A waiter keeps nothing on the server: a killed waiter blocks nobody, and {@code set()} never
 * waits for waiters.
 *
 * <h2>Memory consistency effects</h2>
 * Actions before a {@link #set()} happen-before the actions after an {@link #await()} (or
 * {@link #isSet()}) that observes it, in whichever process (each call waits for the server's reply).
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread; a waiting virtual thread does not hold its carrier.
 *
 * @since 0.1
 */
public final class RedisEvent implements EventFlag, AutoCloseable {

    /** KEYS: flag, version. ARGV: channel. Sets the flag; if it changed, bumps the version and publishes. */
    private static final Script SET = new Script("""
            if redis.call('get', KEYS[1]) ~= '1' then
              redis.call('set', KEYS[1], '1')
              redis.call('incr', KEYS[2])
              redis.call('publish', ARGV[1], '1')
            end
            return 1
            """, ScriptOutputType.INTEGER);

    private static final byte[] ONE = {'1'};
    private static final byte[] ZERO = {'0'};

    private final RedisWeft weft;
    private final String name;
    private final byte[] flagKey;
    private final byte[] versionKey;
    private final String channel;
    private final Set<Request<?>> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    RedisEvent(RedisWeft weft, String name) {
        this.weft = weft;
        this.name = name;
        this.flagKey = weft.key("event", name, "flag");
        this.versionKey = weft.key("event", name, "version");
        this.channel = weft.keyName("event", name, "set");
        weft.signals().subscribe(channel);
    }

    @Override
    public boolean isSet() {
        checkOpen();
        byte[] v = Request.join(weft.commands().get(flagKey).toCompletableFuture());
        return v != null && v.length == 1 && v[0] == '1';
    }

    /** Sets the flag and wakes every waiter, in every process. One round trip; never waits for waiters. */
    @Override
    public void set() {
        checkOpen();
        Request.<Long>join(SET.run(weft.commands(), new byte[][] {flagKey, versionKey}, RedisWeft.bytes(channel)));
    }

    /** Clears the flag. One round trip. */
    @Override
    public void clear() {
        checkOpen();
        Request.join(weft.commands().set(flagKey, ZERO).toCompletableFuture());
    }

    /**
     * Waits until the flag is set, or a set happens.
     *
     * <h4>Blocking and cancellation</h4>
     * Returns at once if the flag is set. Otherwise blocks until a set happens in any process (even
     * if a clear follows at once) or the thread is interrupted; it is woken by the set's
     * notification, and asks the server again every poll interval in case a notification was lost;
     * spurious wake-ups are absorbed. An interrupt on entry or while waiting throws
     * {@link InterruptedException} with the status cleared; nothing is left behind (a waiter keeps
     * nothing on the server). A closed handle wakes its waiters with {@link IllegalStateException}.
     *
     * @throws InterruptedException if interrupted before a set
     */
    @Override
    public void await() throws InterruptedException {
        checkOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Request.await(request());
    }

    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        return awaitNanos(Durations.toNanos(timeout));
    }

    @Override
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return awaitNanos(RedisWeft.timeoutNanos(timeout, unit));
    }

    /**
     * A future completed when the flag is set, or a set happens: already complete if the flag is
     * set now (this call asks the server once, waiting for the reply). Cancelling it withdraws the
     * wait and changes nothing else.
     *
     * @return the future
     */
    @Override
    public CompletableFuture<@Nullable Void> awaitAsync() {
        if (isSet()) {
            return CompletableFuture.completedFuture(null);
        }
        return dev.weft.core.internal.LinkedFuture.map(request(), b -> null);
    }

    /**
     * The event's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Closes the handle: its waiters wake and throw {@link IllegalStateException}, and its methods
     * throw it from then on. The event on the server is unchanged. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Request<?> r : pending) {
            r.fail(new IllegalStateException("event handle '" + name + "' closed"));
        }
        weft.signals().unsubscribe(channel);
        weft.unregister(this);
    }

    @Override
    public String toString() {
        return "RedisEvent[" + name + "]";
    }

    private boolean awaitNanos(long nanos) throws InterruptedException {
        checkOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos <= 0) {
            return isSet();
        }
        return Request.await(request(), nanos) != null;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("event handle '" + name + "' is closed");
        }
    }

    private Request<Boolean> request() {
        long[] firstVersion = {-1};
        @SuppressWarnings("unchecked")
        Request<Boolean>[] self = (Request<Boolean>[]) new Request<?>[1];
        Runnable listener = () -> self[0].signal();
        Request<Boolean> r = new Request<>(() -> weft.commands().mget(flagKey, versionKey).toCompletableFuture()
                .thenApply(values -> seen(values, firstVersion)),
                weft.executor(), weft.timer(), weft.pollNanos(), RedisWeft::transientFailure, () -> {
                    weft.signals().remove(channel, listener);
                    pending.remove(self[0]);
                }, new Request.Site("RedisEvent", name, "await", "set"));
        self[0] = r;
        pending.add(r);
        weft.signals().add(channel, listener);
        r.start();
        return r;
    }

    /** TRUE if the flag is set or the version moved past the first one read; null to wait on. */
    private static @Nullable Boolean seen(List<KeyValue<byte[], byte[]>> values, long[] firstVersion) {
        byte[] flag = values.get(0).getValueOrElse(null);
        byte[] version = values.get(1).getValueOrElse(null);
        long v = version == null ? 0 : Long.parseLong(RedisWeft.string(version));
        if (flag != null && flag.length == 1 && flag[0] == ONE[0]) {
            return Boolean.TRUE;
        }
        synchronized (firstVersion) {
            if (firstVersion[0] < 0) {
                firstVersion[0] = v;
                return null;
            }
            return v > firstVersion[0] ? Boolean.TRUE : null;
        }
    }
}
