/**
 * A consumer of Weft on the module path: compiled and run by the build to check that the published
 * modules and their POMs' declared dependencies are enough for a JPMS application.
 */
module dev.weft.smoke {
    requires dev.weft.core;
    requires dev.weft.ipc;
    requires dev.weft.redis;
}
