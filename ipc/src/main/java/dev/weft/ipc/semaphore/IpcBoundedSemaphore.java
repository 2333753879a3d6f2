package dev.weft.ipc.semaphore;

import dev.weft.core.sync.BoundedCountingSemaphore;

/**
 * A bounded semaphore shared by processes: the counterpart of Python's
 * {@code multiprocessing.BoundedSemaphore}, meeting the {@link BoundedCountingSemaphore} contract.
 *
 * <p>Everything in {@link IpcSemaphore} holds; in addition the initial number of permits is the
 * {@link #bound()}, and a release that would make more than the bound available throws
 * {@link IllegalStateException} and changes nothing, checked in the same critical section as the
 * release, so two racing over-releases in two processes cannot both pass. Recovering a dead
 * holder's permits never passes the bound either: permits that others released on its behalf are
 * not returned a second time.
 *
 * {@snippet :
 * IpcBoundedSemaphore connections = domain.boundedSemaphore("db", 10);
 * connections.acquire();
 * try {
 *     query();
 * } finally {
 *     connections.release();
 * }
 * }
 *
 * @since 0.1
 */
public interface IpcBoundedSemaphore extends IpcSemaphore, BoundedCountingSemaphore {
}
