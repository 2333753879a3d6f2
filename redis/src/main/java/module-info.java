/**
 * Weft redis: the Weft lock, event and joinable queue across hosts, on a Redis (or Valkey) server,
 * through the Lettuce client.
 *
 * <p>Start at {@link dev.weft.redis.RedisWeft}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Lettuce is an automatic module
module dev.weft.redis {
    requires static transitive org.jspecify;
    requires transitive dev.weft.core;
    requires lettuce.core;
    requires jdk.jfr;

    exports dev.weft.redis;
}
