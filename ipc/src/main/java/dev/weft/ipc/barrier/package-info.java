/**
 * The cross-process barrier: {@link dev.weft.ipc.barrier.IpcBarrier}, Weft's counterpart of
 * Python's {@code multiprocessing.Barrier}, broken for the others when a waiting party dies.
 *
 * <p>Instances come from a {@link dev.weft.ipc.IpcDomain}; the shared-memory implementation lives
 * in {@code dev.weft.ipc.internal}.
 */
@NullMarked
package dev.weft.ipc.barrier;

import org.jspecify.annotations.NullMarked;
