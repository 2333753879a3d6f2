/**
 * The shared-memory implementation of the ipc contracts; not API.
 *
 * <p>Contents: the file layouts ({@code *Descriptor}), the mapping with its atomic accessors
 * ({@link dev.weft.ipc.internal.SharedMemory}), the wait/wake layer
 * ({@link dev.weft.ipc.internal.Waiter}, with the futex binding and the virtual-thread relay), the
 * participant registry and liveness oracle ({@link dev.weft.ipc.internal.Registry}), and the
 * objects ({@link dev.weft.ipc.internal.MappedLock}, {@link dev.weft.ipc.internal.MappedEvent}).
 *
 * <p>Access-mode naming follows the JDK: {@code getXVolatile}, {@code getXAcquire},
 * {@code setXRelease}, {@code casX}. Classes here are public only so that the stress tests and
 * benchmarks (class path) can drive the algorithms directly; the package is not exported by the
 * module.
 */
@NullMarked
package dev.weft.ipc.internal;

import org.jspecify.annotations.NullMarked;
