/**
 * The Weft lock, event and joinable queue across hosts, on one Redis (or Valkey) server.
 *
 * <p>{@link dev.weft.redis.RedisWeft} is the client: one per process, built from a Redis URI and
 * shared by every primitive. {@link dev.weft.redis.RedisLock} is an
 * {@link dev.weft.core.sync.ExclusiveLock} held as a lease with a fencing token,
 * {@link dev.weft.redis.RedisEvent} an {@link dev.weft.core.sync.EventFlag}, and
 * {@link dev.weft.redis.RedisQueue} a {@link dev.weft.core.queue.JoinableQueue} of byte arrays on a
 * Redis stream with a consumer group ({@link dev.weft.redis.RedisQueue#typed} gives a typed view
 * through a {@link dev.weft.redis.Codec}).
 *
 * <p>What holds where: every guarantee stated in this package holds on a single Redis primary that
 * keeps running, and the durability of the queue ("a put that returned is never lost") holds across
 * a restart of that primary when it runs with {@code appendonly yes} and
 * {@code appendfsync always}. Across a failover to an asynchronous replica, acknowledged writes can
 * be lost; the lock's fencing token is what keeps a protected resource safe then. See
 * {@code docs/redis.md}.
 */
@NullMarked
package dev.weft.redis;

import org.jspecify.annotations.NullMarked;
