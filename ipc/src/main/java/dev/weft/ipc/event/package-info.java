/**
 * The cross-process event contract: {@link dev.weft.ipc.event.IpcEvent}, Weft's counterpart of
 * Python's {@code multiprocessing.Event}, safe against killed waiters and setters.
 *
 * <p>Instances come from a {@link dev.weft.ipc.IpcDomain}; the shared-memory implementation lives
 * in {@code dev.weft.ipc.internal}.
 */
@NullMarked
package dev.weft.ipc.event;

import org.jspecify.annotations.NullMarked;
