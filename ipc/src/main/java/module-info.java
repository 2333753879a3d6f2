/**
 * Weft ipc: locks, semaphores, barriers, events and queues shared between processes on one host.
 */
module dev.weft.ipc {
    requires transitive dev.weft.core;
    requires static transitive org.jspecify;
    requires jdk.jfr;

    exports dev.weft.ipc;
    exports dev.weft.ipc.lock;
    exports dev.weft.ipc.event;
    exports dev.weft.ipc.queue;
    exports dev.weft.ipc.semaphore;
    exports dev.weft.ipc.barrier;
    exports dev.weft.ipc.inspect;
}
