/**
 * Weft ipc: locks, events and queues shared between processes on one host.
 */
module dev.weft.ipc {
    requires static transitive org.jspecify;
}
