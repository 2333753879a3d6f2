/**
 * The cross-process lock contract: {@link dev.weft.ipc.lock.IpcLock} and
 * {@link dev.weft.core.sync.LockResult}, Weft's counterpart of Python's
 * {@code multiprocessing.Lock} with dead-holder recovery.
 *
 * <p>Instances come from a {@link dev.weft.ipc.IpcDomain}. The contract is backend-neutral: the
 * shared-memory implementation lives in {@code dev.weft.ipc.internal}, and another backend (for
 * example a distributed one) can implement the same interface with the same recovery promise.
 */
@NullMarked
package dev.weft.ipc.lock;

import org.jspecify.annotations.NullMarked;
