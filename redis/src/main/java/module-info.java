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
    // Lettuce is an automatic module, so it cannot declare that it needs Netty, whose jars are
    // explicit modules: without these, Netty's modules are not resolved on the module path and
    // Lettuce fails with NoClassDefFoundError. io.netty.handler brings in the rest of the Netty
    // modules Lettuce uses; the DNS resolver is the one Lettuce picks when it is present.
    requires io.netty.handler;
    requires io.netty.resolver.dns;
    requires jdk.jfr;

    exports dev.weft.redis;
}
