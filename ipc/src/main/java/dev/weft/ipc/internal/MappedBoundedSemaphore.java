package dev.weft.ipc.internal;

import dev.weft.ipc.semaphore.IpcBoundedSemaphore;

/**
 * {@link IpcBoundedSemaphore} on a shared mapping: a {@link MappedSemaphore} created bounded, whose
 * releases check the bound inside the latch.
 */
public final class MappedBoundedSemaphore extends MappedSemaphore implements IpcBoundedSemaphore {

    /**
     * Creates a bounded semaphore on {@code memory}, which must hold a checked bounded semaphore
     * layout.
     */
    public MappedBoundedSemaphore(String name, SharedMemory memory, Liveness liveness, Waiter waiter, long sliceNanos,
            DomainGuard guard) {
        super(name, memory, liveness, waiter, sliceNanos, guard);
        if (!isBounded()) {
            throw new IllegalArgumentException("semaphore '" + name + "' in " + memory.path() + " is not bounded");
        }
    }

    @Override
    public int bound() {
        return bound;
    }
}
