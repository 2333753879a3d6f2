/**
 * Weft core: asyncio-style tasks, queues, events and combinators.
 *
 * <p>Every package is {@code @NullMarked}; the package documentation of {@link dev.weft.core}
 * holds the definitions that the other packages refer to (memory consistency, timeouts,
 * cancellation).
 */
@SuppressWarnings("module") // the qualified export names modules built after this one
module dev.weft.core {
    requires static transitive org.jspecify;
    requires jdk.jfr;

    exports dev.weft.core;
    exports dev.weft.core.queue;
    exports dev.weft.core.sync;
    exports dev.weft.core.task;
    exports dev.weft.core.time;
    exports dev.weft.core.internal to dev.weft.ipc, dev.weft.redis;
}
