package dev.weft.ipc;

import dev.weft.ipc.barrier.IpcBarrier;
import dev.weft.ipc.event.IpcEvent;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.lock.IpcCondition;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.lock.IpcRLock;
import dev.weft.ipc.queue.IpcJoinableQueue;
import dev.weft.ipc.queue.IpcQueue;
import dev.weft.ipc.queue.QueueSpec;
import dev.weft.ipc.semaphore.IpcBoundedSemaphore;
import dev.weft.ipc.semaphore.IpcSemaphore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A namespace of objects shared by every process on the host: locks, semaphores, events and queues
 * by name.
 *
 * <p>The shared-memory implementation is a directory, by default under {@code /dev/shm} (a tmpfs:
 * memory, not disk), holding one small file per object plus a participant registry. The first
 * process to ask for a name creates the object; the others attach to it. Every file starts with a
 * header saying what it is (magic, layout version, kind, parameters); a file that does not match
 * is rejected with {@link IpcFormatException}, never misread. Files are created owner-only by
 * default ({@link IpcOptions#filePermissions()}).
 *
 * <h2>Who may have made the directory and its files</h2>
 * The default location {@code /dev/shm/<name>} is predictable, so another local user could create
 * it first, or plant a symbolic link there, and read every message of whoever opens the domain.
 * Opening therefore refuses, with {@link IpcFormatException} naming the path, the expected and the
 * actual owner and mode:
 * <ul>
 *   <li>a domain directory that is a symbolic link (links in its <em>parent</em> path are resolved
 *       by the operating system, as is {@code ..});</li>
 *   <li>a directory or file owned by another user, unless {@link IpcOptions#filePermissions()}
 *       give the group or others access, which shares the domain with other users on purpose (any
 *       owner is accepted then);</li>
 *   <li>a directory or file whose group or other permission bits go beyond the options' (for the
 *       directory: the file permissions plus the matching execute bits);</li>
 *   <li>a file that is not a regular file (a symbolic link, a FIFO, a device).</li>
 * </ul>
 * The checks read the attributes of what was actually opened (the directory through its open
 * descriptor, files through that directory without following links), so swapping a path between
 * the check and the open is caught; permissions of new files and of a new directory are applied to
 * them there, not through a path that could be re-pointed.
 *
 * <h2>Registration and lifetime</h2>
 * Opening a domain registers this JVM as a participant; the registration holds an OS file lock
 * that the kernel releases when the process ends, however it ends, which is how other processes
 * learn for certain that a lock holder is dead. {@link #close()} ends the registration: locks still
 * held by this process become recoverable by others (as if it had died), so close a domain only
 * after releasing its locks.
 *
 * <p>Opening the same directory twice in one JVM, through any path (the same path, a symbolically
 * linked parent, a bind mount: the directory's device and inode decide), shares one registration
 * and one mapping per object; closing one handle never affects the others. Objects returned by
 * {@link #lock(String)}, {@link #event(String)} and the queue methods are thread-safe and may be
 * kept for the life of the domain handle; after that handle's {@code close()} every operation on
 * them throws {@link IllegalStateException}, {@link IpcLock#release()} included, and threads
 * blocked in them wake and throw it too. When the last handle on the directory in this JVM closes,
 * the files are unmapped at once on Java 22 and later (the multi-release jar); on Java 21 the
 * mappings are left to the garbage collector, and reopening the domain reuses those still in
 * memory instead of mapping the files again.

 * <p>This interface is the contract; other back-ends (for example a distributed one) can implement
 * it with the same object contracts.
 *
 * {@snippet :
 * try (IpcDomain domain = IpcDomain.open(Path.of("/dev/shm/my-app"))) {
 *     IpcLock lock = domain.lock("counter");
 *     IpcEvent done = domain.event("done");
 *     lock.acquire();
 *     try { ... } finally { lock.release(); }
 *     done.set();
 * }
 * }
 *
 * @since 0.1
 */
public interface IpcDomain extends AutoCloseable {

    /**
     * Opens (creating if needed) the domain named {@code name} in the default location,
     * {@code /dev/shm/<name>}, with default options.
     *
     * @param name a file name: 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @return the domain
     * @throws IpcFormatException if the directory or a registry file exists but is refused: a
     *     symbolic link, owned by another user, open to other users beyond the options, or not a
     *     valid Weft file (see the class description)
     * @throws IOException if the directory or registry cannot be created or opened
     * @throws IllegalArgumentException if the name is not valid
     */
    static IpcDomain openDefault(String name) throws IOException {
        return MappedDomain.open(MappedDomain.defaultDirectory(name), IpcOptions.defaults());
    }

    /**
     * Opens (creating if needed) the domain in {@code directory} with default options.
     *
     * @param directory the domain directory; its parents must exist or be creatable. The parent is
     *     resolved by the operating system (symbolic links followed, {@code ..} meaning the parent of
     *     what precedes it); the last element itself must not be a symbolic link
     * @return the domain
     * @throws IpcFormatException if the directory or a registry file exists but is refused (see the
     *     class description)
     * @throws IOException if the directory or registry cannot be created or opened
     */
    static IpcDomain open(Path directory) throws IOException {
        return MappedDomain.open(directory, IpcOptions.defaults());
    }

    /**
     * Opens (creating if needed) the domain in {@code directory}.
     *
     * @param directory the domain directory, resolved as by {@link #open(Path)}
     * @param options the options; {@link IpcOptions#filePermissions()} also decide which existing
     *     directories and files are accepted (see the class description)
     * @return the domain
     * @throws IpcFormatException if the directory or a registry file exists but is refused (see the
     *     class description)
     * @throws IOException if the directory or registry cannot be created or opened
     * @throws IllegalStateException if {@link WaitBackend#FUTEX} is requested but unavailable
     */
    static IpcDomain open(Path directory, IpcOptions options) throws IOException {
        return MappedDomain.open(directory, options);
    }

    /**
     * The lock named {@code name}, created free if it does not exist yet.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @return the lock (the same object for the same name in this domain)
     * @throws IOException if the file cannot be created or mapped (the message names the domain
     *     directory and the object)
     * @throws IpcFormatException if a file of that name exists but is not a Weft lock of this layout,
     *     or is refused by the owner and mode rules (see the class description)
     * @throws IllegalStateException if the domain is closed
     */
    IpcLock lock(String name) throws IOException;

    /**
     * The condition named {@code name} ({@code multiprocessing.Condition(lock)}), bound to
     * {@code lock}, created without waiters if it does not exist yet.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @param lock a lock of this domain; an existing condition must be bound to a lock of the same
     *     name
     * @return the condition (the same object for the same name in this domain)
     * @throws IOException if the file cannot be created or mapped
     * @throws IpcFormatException if a file of that name exists but is not a Weft condition bound to
     *     a lock of that name, or is refused by the owner and mode rules
     * @throws IllegalArgumentException if {@code lock} does not belong to this domain
     * @throws IllegalStateException if the domain is closed
     */
    IpcCondition condition(String name, IpcLock lock) throws IOException;

    /**
     * The re-entrant lock named {@code name} ({@code multiprocessing.RLock}), created free if it
     * does not exist yet.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @return the lock (the same object for the same name in this domain)
     * @throws IOException if the file cannot be created or mapped
     * @throws IpcFormatException if a file of that name exists but is not a Weft rlock of this layout,
     *     or is refused by the owner and mode rules (see the class description)
     * @throws IllegalStateException if the domain is closed
     */
    IpcRLock rlock(String name) throws IOException;

    /**
     * The semaphore named {@code name} ({@code multiprocessing.Semaphore(permits)}), created with
     * {@code permits} permits if it does not exist yet.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @param permits the initial permits, from 0; an existing semaphore must have been created with
     *     the same number, unbounded
     * @return the semaphore (the same object for the same name in this domain)
     * @throws IOException if the file cannot be created or mapped
     * @throws IpcFormatException if a file of that name exists but is not an unbounded Weft semaphore
     *     created with {@code permits} (the message names the difference), or is refused by the owner
     *     and mode rules (see the class description)
     * @throws IllegalArgumentException if {@code permits} is negative
     * @throws IllegalStateException if the domain is closed
     */
    IpcSemaphore semaphore(String name, int permits) throws IOException;

    /**
     * The bounded semaphore named {@code name} ({@code multiprocessing.BoundedSemaphore(permits)}),
     * created with {@code permits} permits, which is also its bound, if it does not exist yet.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @param permits the initial permits and bound, from 0; an existing semaphore must have been
     *     created bounded with the same number
     * @return the semaphore (the same object for the same name in this domain)
     * @throws IOException if the file cannot be created or mapped
     * @throws IpcFormatException if a file of that name exists but is not a bounded Weft semaphore
     *     created with {@code permits}, or is refused by the owner and mode rules
     * @throws IllegalArgumentException if {@code permits} is negative
     * @throws IllegalStateException if the domain is closed
     */
    IpcBoundedSemaphore boundedSemaphore(String name, int permits) throws IOException;

    /**
     * The barrier named {@code name} ({@code multiprocessing.Barrier(parties)}), created for
     * {@code parties} parties if it does not exist yet.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @param parties how many parties trip it, 1 to 512; an existing barrier must have been created
     *     with the same number
     * @return the barrier (the same object for the same name in this domain)
     * @throws IOException if the file cannot be created or mapped
     * @throws IpcFormatException if a file of that name exists but is not a Weft barrier for
     *     {@code parties} parties, or is refused by the owner and mode rules
     * @throws IllegalArgumentException if {@code parties} is out of range
     * @throws IllegalStateException if the domain is closed
     */
    IpcBarrier barrier(String name, int parties) throws IOException;

    /**
     * The event named {@code name}, created clear if it does not exist yet.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @return the event (the same object for the same name in this domain)
     * @throws IOException if the file cannot be created or mapped (the message names the domain
     *     directory and the object)
     * @throws IpcFormatException if a file of that name exists but is not a Weft event of this layout,
     *     or is refused by the owner and mode rules (see the class description)
     * @throws IllegalStateException if the domain is closed
     */
    IpcEvent event(String name) throws IOException;

    /**
     * The queue named {@code name}, created empty with capacity {@code capacity} and maximum message
     * size {@code maxMessageSize} if it does not exist yet: {@code queue(name, QueueSpec.of(capacity,
     * maxMessageSize))}.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @param capacity messages, a power of two
     * @param maxMessageSize bytes
     * @return the queue (the same handle for the same name in this domain handle, until closed)
     * @throws IOException if the file cannot be created or mapped
     * @throws IpcFormatException if a file of that name exists but is not a Weft queue of this layout,
     *     or a queue with other parameters (the message names the first difference), or is refused
     *     by the owner and mode rules (see the class description)
     * @throws IllegalArgumentException if a parameter is out of range
     * @throws IllegalStateException if the domain is closed
     */
    IpcQueue queue(String name, int capacity, int maxMessageSize) throws IOException;

    /**
     * The queue named {@code name}, created empty with {@code spec} if it does not exist yet; an
     * existing queue must have been created with an equal spec, and as a plain (not joinable) queue.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @param spec the creation parameters
     * @return the queue
     * @throws IOException if the file cannot be created or mapped
     * @throws IpcFormatException if the file is not a plain Weft queue with this spec
     * @throws IllegalStateException if the domain is closed
     */
    IpcQueue queue(String name, QueueSpec spec) throws IOException;

    /**
     * The joinable queue named {@code name} ({@code multiprocessing.JoinableQueue}), created empty
     * if it does not exist yet: {@code joinableQueue(name, QueueSpec.of(capacity, maxMessageSize))}.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @param capacity messages, a power of two
     * @param maxMessageSize bytes
     * @return the queue
     * @throws IOException if the file cannot be created or mapped
     * @throws IpcFormatException if the file is not a joinable Weft queue with these parameters
     * @throws IllegalStateException if the domain is closed
     */
    IpcJoinableQueue joinableQueue(String name, int capacity, int maxMessageSize) throws IOException;

    /**
     * The joinable queue named {@code name}, created empty with {@code spec} if it does not exist
     * yet.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @param spec the creation parameters
     * @return the queue
     * @throws IOException if the file cannot be created or mapped
     * @throws IpcFormatException if the file is not a joinable Weft queue with this spec
     * @throws IllegalStateException if the domain is closed
     */
    IpcJoinableQueue joinableQueue(String name, QueueSpec spec) throws IOException;

    /**
     * Where the domain lives.
     *
     * @return the directory (or another back-end's address rendered as a path)
     */
    Path directory();

    /**
     * The wait back-end in use: {@link WaitBackend#FUTEX} or {@link WaitBackend#BACKOFF}.
     *
     * @return the back-end
     */
    WaitBackend waitBackend();

    /**
     * Makes this handle's objects unusable (their operations, and threads blocked in them, throw
     * {@link IllegalStateException}); when the last handle on the directory in this JVM closes, also
     * ends this process's registration and releases the mappings (unmapped at once on Java 22+).
     * Idempotent. Does not delete any file.
     *
     * <p>Every step runs even if one fails, for example on an object whose file another process
     * damaged (truncated); the registration always ends. The first failure is then thrown, with any
     * others suppressed.
     */
    @Override
    void close();
}
