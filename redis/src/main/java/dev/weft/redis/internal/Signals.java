package dev.weft.redis.internal;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client's one pub/sub connection, dispatching each message to the local listeners of its
 * channel. Channels are subscribed while at least one handle uses them (reference counted);
 * Lettuce subscribes them again after a reconnect. A message published while the connection was
 * down is lost, which is why every waiting request also polls.
 */
public final class Signals extends RedisPubSubAdapter<byte[], byte[]> {

    private final StatefulRedisPubSubConnection<byte[], byte[]> connection;
    private final Duration timeout;
    private final Map<String, Set<Runnable>> listeners = new ConcurrentHashMap<>();
    private final Map<String, Integer> subscriptions = new ConcurrentHashMap<>();
    /** Orders subscribe and unsubscribe (a subscription waits for the server's confirmation). */
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * Dispatches the messages of {@code connection}.
     *
     * @param connection the pub/sub connection
     * @param timeout the longest wait for a subscription to be confirmed
     */
    public Signals(StatefulRedisPubSubConnection<byte[], byte[]> connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
        connection.addListener(this);
    }

    /**
     * Subscribes {@code channel} (once for all its users) and waits until the server confirmed it.
     *
     * @param channel the channel
     */
    public void subscribe(String channel) {
        lock.lock();
        try {
            subscribeLocked(channel);
        } finally {
            lock.unlock();
        }
    }

    private void subscribeLocked(String channel) {
        int n = subscriptions.getOrDefault(channel, 0);
        if (n == 0) {
            try {
                connection.async().subscribe(bytes(channel)).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while subscribing to " + channel, e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot subscribe to " + channel + ": " + Request.unwrap(e), e);
            }
        }
        subscriptions.put(channel, n + 1);
    }

    /**
     * Drops one use of {@code channel}; the last one unsubscribes it (without waiting).
     *
     * @param channel the channel
     */
    public void unsubscribe(String channel) {
        lock.lock();
        try {
            int n = subscriptions.getOrDefault(channel, 0);
            if (n <= 1) {
                subscriptions.remove(channel);
                if (n == 1 && connection.isOpen()) {
                    connection.async().unsubscribe(bytes(channel));
                }
            } else {
                subscriptions.put(channel, n - 1);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a listener of {@code channel}.
     *
     * @param channel the channel
     * @param listener run (on an I/O thread: it must only hand off) for each message
     */
    public void add(String channel, Runnable listener) {
        listeners.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(listener);
    }

    /**
     * Removes a listener of {@code channel}.
     *
     * @param channel the channel
     * @param listener the listener
     */
    public void remove(String channel, Runnable listener) {
        Set<Runnable> set = listeners.get(channel);
        if (set != null) {
            set.remove(listener);
        }
    }

    @Override
    public void message(byte[] channel, byte[] message) {
        Set<Runnable> set = listeners.get(new String(channel, StandardCharsets.UTF_8));
        if (set != null) {
            for (Runnable r : set) {
                r.run();
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
