package dev.weft.redis;

import dev.weft.redis.internal.Request;
import dev.weft.redis.internal.Signals;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.pubsub.PubSubEndpoint;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnectionImpl;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The client of one Redis (or Valkey) server, shared by every Weft primitive that lives on it: one
 * per process is enough. It holds one command connection and one pub/sub connection (Lettuce
 * multiplexes every caller's commands over them) and the threads that complete the primitives'
 * futures.
 *
 * <h2>Connecting</h2>
 * {@link #connect(String)} takes a Redis URI: {@code redis://host:6379}, {@code rediss://host:6380}
 * (TLS), with a password ({@code redis://:secret@host}), an ACL user
 * ({@code redis://user:secret@host}) and a database ({@code redis://host/2}). It connects at once
 * and fails fast ({@link IllegalStateException} naming the server) if the server cannot be
 * reached.
 *
 * <h2>Timeouts and reconnection</h2>
 * <ul>
 *   <li>Each command waits at most {@link Options#commandTimeout()} (10 s by default) for its
 *       reply. A one-shot operation ({@code tryAcquire}, {@code offer}, {@code set}, ...) then
 *       throws Lettuce's {@code RedisCommandTimeoutException}; a waiting operation
 *       ({@code acquire}, {@code get}, {@code await}, {@code join}) treats it as transient and
 *       tries again after the poll interval.</li>
 *   <li>When the connection drops, Lettuce reconnects by itself (with a growing back-off) and
 *       sends the commands queued meanwhile; the pub/sub channels are subscribed again. A
 *       notification published while disconnected is lost, so every waiting operation also polls
 *       the server every {@link Options#pollInterval()} (100 ms by default).</li>
 *   <li>A command whose reply was lost with the connection is sent again after the reconnect
 *       (Lettuce's at-least-once mode). The lock's acquire is written to be repeated safely; a
 *       queue put sent again within two minutes of its first sending adds nothing (each put
 *       carries its own id, see {@link RedisQueue}); one sent again later can add its element
 *       twice. A get whose reply was lost leaves its element pending under this client, which
 *       is redelivered as a dead consumer's element.</li>
 *   <li>A held lock's lease is renewed while the holder's process runs; a holder cut off from the
 *       server for longer than the lease is told that its lease is lost (see
 *       {@link RedisLock}).</li>
 * </ul>
 *
 * <h2>Thread safety</h2>
 * Every method may be called from any thread. {@link #close()} closes every handle made by this
 * client and then the connections.
 *
 * {@snippet :
 * try (RedisWeft redis = RedisWeft.connect("redis://localhost:6379")) {
 *     RedisLock lock = redis.lock("accounts");
 *     RedisLock.Lease lease = lock.acquireLease();
 *     try {
 *         store.write(update, lease.fencingToken());   // the store rejects older tokens
 *     } finally {
 *         lock.release();
 *     }
 * }
 * }
 *
 * @since 0.1
 */
public final class RedisWeft implements AutoCloseable {

    /**
     * The client's settings; immutable, changed with the {@code with...} methods.
     *
     * @param commandTimeout the longest wait for the reply to one command
     * @param pollInterval the longest time a waiting operation goes without asking the server again
     *     (notifications normally wake it much sooner)
     * @param keyPrefix the prefix of every key and channel this client uses
     */
    public record Options(Duration commandTimeout, Duration pollInterval, String keyPrefix) {

        /** The defaults: 10 s command timeout, 100 ms poll interval, key prefix {@code "weft:"}. */
        public static final Options DEFAULTS = new Options(Duration.ofSeconds(10), Duration.ofMillis(100), "weft:");

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException if a duration is not positive or the prefix is blank
         */
        public Options {
            Objects.requireNonNull(commandTimeout, "commandTimeout");
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            positive("commandTimeout", commandTimeout);
            positive("pollInterval", pollInterval);
        }

        private static void positive(String what, Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
        }

        /**
         * These settings with another command timeout.
         *
         * @param timeout the longest wait for one reply, positive
         * @return the new settings
         */
        public Options withCommandTimeout(Duration timeout) {
            return new Options(timeout, pollInterval, keyPrefix);
        }

        /**
         * These settings with another poll interval.
         *
         * @param interval the fallback interval of waiting operations, positive
         * @return the new settings
         */
        public Options withPollInterval(Duration interval) {
            return new Options(commandTimeout, interval, keyPrefix);
        }

        /**
         * These settings with another key prefix.
         *
         * @param prefix prepended to every key and channel name
         * @return the new settings
         */
        public Options withKeyPrefix(String prefix) {
            return new Options(commandTimeout, pollInterval, prefix);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final StatefulRedisPubSubConnection<byte[], byte[]> pubSub;
    private final RedisAsyncCommands<byte[], byte[]> commands;
    private final Signals signals;
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final Options options;
    private final String clientId;
    private final String target;
    private final AtomicLong sequence = new AtomicLong();
    private final Set<AutoCloseable> handles = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisWeft(RedisURI uri, Options options) {
        this.options = options;
        this.target = uri.getHost() + ":" + uri.getPort();
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        this.clientId = HexFormat.of().formatHex(id);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(() -> Request.asCallbackThread(r), "weft-redis-callback");
            t.setDaemon(true);
            return t;
        });
        ScheduledThreadPoolExecutor stpe = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(() -> Request.asCallbackThread(r), "weft-redis-timer");
            t.setDaemon(true);
            return t;
        });
        stpe.setRemoveOnCancelPolicy(true);
        this.timer = stpe;
        this.client = new AsyncFirstClient(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
                .build());
        StatefulRedisConnection<byte[], byte[]> c = null;
        StatefulRedisPubSubConnection<byte[], byte[]> p = null;
        try {
            c = client.connect(ByteArrayCodec.INSTANCE);
            p = client.connectPubSub(ByteArrayCodec.INSTANCE);
        } catch (RuntimeException e) {
            if (c != null) {
                c.close();
            }
            shutdownQuietly();
            throw new IllegalStateException("cannot connect to Redis at " + target + ": " + e.getMessage(), e);
        }
        this.connection = c;
        this.pubSub = p;
        this.commands = c.async();
        this.signals = new Signals(p, options.commandTimeout());
    }

    /**
     * Connects to the server named by {@code uri}, with the default {@link Options}.
     *
     * @param uri a Redis URI ({@code redis://}, {@code rediss://}; password, ACL user, database)
     * @return the client
     * @throws IllegalArgumentException if the URI is malformed
     * @throws IllegalStateException if the server cannot be reached or rejects the credentials
     */
    public static RedisWeft connect(String uri) {
        return connect(uri, Options.DEFAULTS);
    }

    /**
     * Connects to the server named by {@code uri}.
     *
     * @param uri a Redis URI ({@code redis://}, {@code rediss://}; password, ACL user, database)
     * @param options the settings
     * @return the client
     * @throws IllegalArgumentException if the URI is malformed
     * @throws IllegalStateException if the server cannot be reached or rejects the credentials
     */
    public static RedisWeft connect(String uri, Options options) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        RedisURI parsed;
        try {
            parsed = RedisURI.create(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a Redis URI (expected redis://host:port or rediss://...): "
                    + uri.replaceAll("//[^@/]*@", "//***@"), e);
        }
        parsed.setTimeout(options.commandTimeout());
        return new RedisWeft(parsed, options);
    }

    /**
     * A handle on the lock named {@code name}, with a 30 s lease and no loss callback.
     *
     * @param name the lock's name, shared by every client that uses the lock
     * @return a new handle
     */
    public RedisLock lock(String name) {
        return lock(name, RedisLock.DEFAULT_LEASE, null);
    }

    /**
     * A handle on the lock named {@code name}.
     *
     * @param name the lock's name, shared by every client that uses the lock
     * @param lease how long a grant lasts without renewal; the handle renews it every third of it
     *     while the lock is held (at least 100 ms)
     * @param onLeaseLost called (on a client thread) when a lease held through this handle is lost,
     *     or {@code null}
     * @return a new handle
     * @throws IllegalArgumentException if the lease is shorter than 100 ms or the name is empty
     */
    public RedisLock lock(String name, Duration lease, @Nullable Consumer<RedisLock.Lease> onLeaseLost) {
        return register(new RedisLock(this, checkName(name), lease, onLeaseLost));
    }

    /**
     * A handle on the event named {@code name}.
     *
     * @param name the event's name, shared by every client that uses it
     * @return a new handle
     */
    public RedisEvent event(String name) {
        return register(new RedisEvent(this, checkName(name)));
    }

    /**
     * A handle on the joinable queue named {@code name}, created (empty) if it does not exist yet,
     * with the default redelivery settings ({@link RedisQueue.Settings#of(int)}).
     *
     * @param name the queue's name, shared by every client that uses it
     * @param capacity the most elements the queue holds (waiting to be got); {@link Integer#MAX_VALUE}
     *     for unbounded
     * @return a new handle
     * @throws IllegalArgumentException if the queue exists with another capacity
     */
    public RedisQueue queue(String name, int capacity) {
        return queue(name, RedisQueue.Settings.of(capacity));
    }

    /**
     * A handle on the joinable queue named {@code name}, created (empty) if it does not exist yet.
     *
     * @param name the queue's name, shared by every client that uses it
     * @param settings capacity, redelivery bound and dead-letter threshold
     * @return a new handle
     * @throws IllegalArgumentException if the queue exists with another capacity
     */
    public RedisQueue queue(String name, RedisQueue.Settings settings) {
        return register(new RedisQueue(this, checkName(name), settings));
    }

    /**
     * The settings of this client.
     *
     * @return the settings
     */
    public Options options() {
        return options;
    }

    /**
     * This client's identifier: random, 16 hex digits; part of lock owner tokens and consumer
     * names.
     *
     * @return the identifier
     */
    public String clientId() {
        return clientId;
    }

    /**
     * Closes every handle made by this client (their blocked callers wake and throw
     * {@link IllegalStateException}), then the connections. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (AutoCloseable h : handles) {
            try {
                h.close();
            } catch (Exception ignored) {
                // closing the others matters more
            }
        }
        pubSub.close();
        connection.close();
        shutdownQuietly();
    }

    private void shutdownQuietly() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        executor.shutdown();
        timer.shutdownNow();
    }

    /**
     * A Lettuce client whose connections build their synchronous command facade on first use
     * instead of in their constructor. That facade is a reflective proxy over a few hundred
     * methods, and building it is about half the CPU time of connecting a new process; this module
     * uses only the asynchronous commands, so it is never built unless someone asks for it.
     * Everything else is Lettuce's own behaviour ({@code super(null, uri)} is what
     * {@link RedisClient#create(RedisURI)} does).
     */
    private static final class AsyncFirstClient extends RedisClient {

        AsyncFirstClient(RedisURI uri) {
            super(null, uri);
        }

        @Override
        protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(RedisChannelWriter writer,
                PushHandler pushHandler, RedisCodec<K, V> codec, Duration timeout) {
            return new StatefulRedisConnectionImpl<>(writer, pushHandler, codec, timeout,
                    getOptions().getJsonParser()) {
                private final OnFirstUse<RedisCommands<K, V>> lazySync = new OnFirstUse<>();

                @Override
                protected RedisCommands<K, V> newRedisSyncCommandsImpl() {
                    return OnFirstUse.notYet();
                }

                @Override
                public RedisCommands<K, V> sync() {
                    return lazySync.get(super::newRedisSyncCommandsImpl);
                }
            };
        }

        @Override
        protected <K, V> StatefulRedisPubSubConnectionImpl<K, V> newStatefulRedisPubSubConnection(
                PubSubEndpoint<K, V> endpoint, RedisChannelWriter writer, RedisCodec<K, V> codec, Duration timeout) {
            return new StatefulRedisPubSubConnectionImpl<>(endpoint, writer, codec, timeout) {
                private final OnFirstUse<RedisPubSubCommands<K, V>> lazySync = new OnFirstUse<>();

                @Override
                protected RedisPubSubCommands<K, V> newRedisSyncCommandsImpl() {
                    return OnFirstUse.notYet();
                }

                @Override
                public RedisPubSubCommands<K, V> sync() {
                    return lazySync.get(super::newRedisSyncCommandsImpl);
                }
            };
        }
    }

    /** A value made by the first {@link #get} and kept. */
    private static final class OnFirstUse<T> {
        private final ReentrantLock lock = new ReentrantLock();
        private @Nullable T value;

        T get(Supplier<T> make) {
            lock.lock();
            try {
                T v = value;
                if (v == null) {
                    v = make.get();
                    value = v;
                }
                return v;
            } finally {
                lock.unlock();
            }
        }

        /** What a constructor stores in place of a value made on first use: {@code null}. */
        static <T> T notYet() {
            return null;
        }
    }

    // ---- shared with the primitives ----------------------------------------------------------------

    private <H extends AutoCloseable> H register(H handle) {
        handles.add(handle);
        if (closed.get()) {
            try {
                handle.close();
            } catch (Exception ignored) {
                // closing anyway
            }
            throw new IllegalStateException("the client is closed");
        }
        return handle;
    }

    void unregister(AutoCloseable handle) {
        handles.remove(handle);
    }

    private static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > 200) {
            throw new IllegalArgumentException("name must have 1 to 200 characters, got " + name.length());
        }
        return name;
    }

    RedisAsyncCommands<byte[], byte[]> commands() {
        return commands;
    }

    Signals signals() {
        return signals;
    }

    ExecutorService executor() {
        return executor;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    long pollNanos() {
        return options.pollInterval().toNanos();
    }

    String nextId(String kind) {
        return clientId + ":" + kind + sequence.incrementAndGet();
    }

    byte[] key(String kind, String name, String part) {
        return bytes(keyName(kind, name, part));
    }

    String keyName(String kind, String name, String part) {
        return options.keyPrefix() + kind + ":{" + name + "}:" + part;
    }

    String target() {
        return target;
    }

    boolean isClosed() {
        return closed.get();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Whether a failure of a waiting operation's attempt is transient (tried again later). */
    static boolean transientFailure(Throwable t) {
        if (t instanceof RedisConnectionException || t instanceof RedisCommandTimeoutException) {
            return true;
        }
        String m = t.getMessage();
        return m != null && (m.startsWith("LOADING") || m.startsWith("Connection closed")
                || m.contains("Connection reset") || m.startsWith("Connection refused")
                || m.startsWith("Unable to connect"));
    }

    static long timeoutNanos(long timeout, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        return unit.toNanos(timeout);
    }
}
