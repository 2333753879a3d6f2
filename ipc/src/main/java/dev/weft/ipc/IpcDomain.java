package dev.weft.ipc;

import dev.weft.ipc.event.IpcEvent;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.queue.IpcJoinableQueue;
import dev.weft.ipc.queue.IpcQueue;
import dev.weft.ipc.queue.QueueSpec;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A namespace of objects shared by every process on the host: locks, events and queues by name.
 *
 * <p>The shared-memory implementation is a directory, by default under {@code /dev/shm} (a tmpfs:
 * memory, not disk), holding one small file per object plus a participant registry. The first
 * process to ask for a name creates the object; the others attach to it. Every file starts with a
 * header saying what it is (magic, layout version, kind, parameters); a file that does not match
 * is rejected with {@link IpcFormatException}, never misread. Files are created owner-only by
 * default ({@link IpcOptions#filePermissions()}).
 *
 * <p>Opening a domain registers this JVM as a participant; the registration holds an OS file lock
 * that the kernel releases when the process ends, however it ends, which is how other processes
 * learn for certain that a lock holder is dead. {@link #close()} ends the registration: locks still
 * held by this process become recoverable by others (as if it had died), so close a domain only
 * after releasing its locks.
 *
 * <p>Opening the same directory twice in one JVM shares one registration and one mapping per
 * object. Objects returned by {@link #lock(String)}, {@link #event(String)} and the queue methods
 * are thread-safe and may be kept for the life of the domain; after {@code close()} their
 * operations throw {@link IllegalStateException} (except {@link IpcLock#release()}).
 *
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
     * @throws IOException if the directory or registry cannot be created or opened
     * @throws IllegalArgumentException if the name is not valid
     */
    static IpcDomain openDefault(String name) throws IOException {
        return MappedDomain.open(MappedDomain.defaultDirectory(name), IpcOptions.defaults());
    }

    /**
     * Opens (creating if needed) the domain in {@code directory} with default options.
     *
     * @param directory the domain directory; its parents must exist or be creatable
     * @return the domain
     * @throws IOException if the directory or registry cannot be created or opened
     */
    static IpcDomain open(Path directory) throws IOException {
        return MappedDomain.open(directory, IpcOptions.defaults());
    }

    /**
     * Opens (creating if needed) the domain in {@code directory}.
     *
     * @param directory the domain directory
     * @param options the options
     * @return the domain
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
     * @throws IOException if the file cannot be created or mapped
     * @throws IpcFormatException if a file of that name exists but is not a Weft lock of this layout
     * @throws IllegalStateException if the domain is closed
     */
    IpcLock lock(String name) throws IOException;

    /**
     * The event named {@code name}, created clear if it does not exist yet.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}, not starting with a dot
     * @return the event (the same object for the same name in this domain)
     * @throws IOException if the file cannot be created or mapped
     * @throws IpcFormatException if a file of that name exists but is not a Weft event of this layout
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
     *     or a queue with other parameters (the message names the first difference)
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
     * Ends this process's registration (when the last handle on the directory in this JVM closes)
     * and makes this handle's objects unusable. Idempotent. Does not delete any file.
     */
    @Override
    void close();
}
