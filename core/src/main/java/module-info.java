/**
 * Weft core: asyncio-style tasks, queues, events and combinators.
 *
 * <p>Every package is {@code @NullMarked}; the package documentation of {@link dev.weft.core}
 * holds the definitions that the other packages refer to (memory consistency, timeouts,
 * cancellation).
 */
module dev.weft.core {
    requires static transitive org.jspecify;

    exports dev.weft.core;
    exports dev.weft.core.sync;
}
