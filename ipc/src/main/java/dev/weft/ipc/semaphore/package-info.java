/**
 * The cross-process semaphores: {@link dev.weft.ipc.semaphore.IpcSemaphore} and
 * {@link dev.weft.ipc.semaphore.IpcBoundedSemaphore}, Weft's counterparts of Python's
 * {@code multiprocessing.Semaphore} and {@code BoundedSemaphore}, with recovery of the permits held
 * by dead processes.
 *
 * <p>Instances come from a {@link dev.weft.ipc.IpcDomain}. The contract is backend-neutral: the
 * shared-memory implementation lives in {@code dev.weft.ipc.internal}.
 */
@NullMarked
package dev.weft.ipc.semaphore;

import org.jspecify.annotations.NullMarked;
