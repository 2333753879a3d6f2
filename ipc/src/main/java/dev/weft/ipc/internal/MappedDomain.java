package dev.weft.ipc.internal;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.IpcOptions;
import dev.weft.ipc.WaitBackend;
import dev.weft.ipc.event.IpcEvent;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.queue.IpcJoinableQueue;
import dev.weft.ipc.queue.IpcQueue;
import dev.weft.ipc.queue.QueueSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The shared-memory {@link IpcDomain}: a directory of mapped files plus this JVM's registration.
 *
 * <p>One {@link Runtime} per directory per JVM holds the registration and the mappings; handles
 * count references to it and the last {@link #close()} ends the registration.
 */
public final class MappedDomain implements IpcDomain {

    /** Where {@link IpcDomain#openDefault(String)} puts domains. */
    public static final Path DEFAULT_ROOT = Path.of("/dev/shm");

    private static final ReentrantLock RUNTIMES_LOCK = new ReentrantLock();
    private static final Map<Path, Runtime> RUNTIMES = new HashMap<>();

    private final Runtime runtime;
    private final Waiter waiter;
    private final long sliceNanos;
    private final DomainGuard guard;
    private final Map<String, MappedLock> locks = new ConcurrentHashMap<>();
    private final Map<String, MappedEvent> events = new ConcurrentHashMap<>();
    private final Map<String, MappedQueue> queues = new ConcurrentHashMap<>();
    private final ReentrantLock objectsLock = new ReentrantLock();

    private MappedDomain(Runtime runtime, IpcOptions options) {
        this.runtime = runtime;
        this.waiter = Waiter.create(options.waitBackend(), options.maxPark().toNanos(), options.spin().toNanos());
        this.sliceNanos = options.livenessSlice().toNanos();
        this.guard = new DomainGuard(runtime.directory.toString());
    }

    /** The default directory of a named domain. */
    public static Path defaultDirectory(String name) {
        return DEFAULT_ROOT.resolve(SharedFiles.checkName(name));
    }

    /** Opens the domain in {@code directory}. */
    public static MappedDomain open(Path directory, IpcOptions options) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        Waiter.create(options.waitBackend(), options.maxPark().toNanos(), options.spin().toNanos()); // fail fast
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Set<PosixFilePermission> dirPermissions = SharedFiles.directoryPermissions(options.filePermissions());
            Files.createDirectories(dir, SharedFiles.attributes(dir.getParent() == null ? dir : dir.getParent(),
                    dirPermissions));
            SharedFiles.applyPermissions(dir, dirPermissions); // the umask narrows the create-time mode
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory: " + dir);
        }
        Path key = dir.toRealPath();
        RUNTIMES_LOCK.lock();
        try {
            Runtime runtime = RUNTIMES.get(key);
            if (runtime == null) {
                runtime = new Runtime(key, Registry.open(key, options.filePermissions()), options);
                RUNTIMES.put(key, runtime);
            }
            runtime.references++;
            return new MappedDomain(runtime, options);
        } finally {
            RUNTIMES_LOCK.unlock();
        }
    }

    @Override
    public IpcLock lock(String name) throws IOException {
        return lockImpl(name);
    }

    /** As {@link #lock(String)}, with the implementation type (tests, benchmarks). */
    public MappedLock lockImpl(String name) throws IOException {
        SharedFiles.checkName(name);
        guard.check();
        MappedLock lock = locks.get(name);
        if (lock != null) {
            return lock;
        }
        SharedMemory memory = runtime.mapping("lock." + name, HeaderDescriptor.KIND_LOCK,
                LockDescriptor.FILE_LENGTH, name);
        objectsLock.lock();
        try {
            return locks.computeIfAbsent(name,
                    n -> new MappedLock(n, memory, runtime.registry, waiter, sliceNanos, guard));
        } finally {
            objectsLock.unlock();
        }
    }

    @Override
    public IpcEvent event(String name) throws IOException {
        return eventImpl(name);
    }

    /** As {@link #event(String)}, with the implementation type (tests, benchmarks). */
    public MappedEvent eventImpl(String name) throws IOException {
        SharedFiles.checkName(name);
        guard.check();
        MappedEvent event = events.get(name);
        if (event != null) {
            return event;
        }
        SharedMemory memory = runtime.mapping("event." + name, HeaderDescriptor.KIND_EVENT,
                EventDescriptor.FILE_LENGTH, name);
        objectsLock.lock();
        try {
            return events.computeIfAbsent(name, n -> new MappedEvent(n, memory, waiter, sliceNanos, guard));
        } finally {
            objectsLock.unlock();
        }
    }

    @Override
    public IpcQueue queue(String name, int capacity, int maxMessageSize) throws IOException {
        return queueImpl(name, QueueSpec.of(capacity, maxMessageSize), false);
    }

    @Override
    public IpcQueue queue(String name, QueueSpec spec) throws IOException {
        return queueImpl(name, spec, false);
    }

    @Override
    public IpcJoinableQueue joinableQueue(String name, int capacity, int maxMessageSize) throws IOException {
        return (IpcJoinableQueue) queueImpl(name, QueueSpec.of(capacity, maxMessageSize), true);
    }

    @Override
    public IpcJoinableQueue joinableQueue(String name, QueueSpec spec) throws IOException {
        return (IpcJoinableQueue) queueImpl(name, spec, true);
    }

    /** The queue named {@code name}, with the implementation type (tests, benchmarks). */
    public MappedQueue queueImpl(String name, QueueSpec spec, boolean joinable) throws IOException {
        SharedFiles.checkName(name);
        Objects.requireNonNull(spec, "spec");
        guard.check();
        objectsLock.lock();
        try {
            QueueRing ring = runtime.queueRing(name, spec, joinable, waiter, sliceNanos);
            MappedQueue queue = queues.get(name);
            if (queue != null && !queue.isClosed() && queue.ring == ring) {
                return queue;
            }
            Path file = runtime.directory.resolve(queueFileName(name));
            queue = joinable ? new MappedJoinableQueue(name, ring, guard, file) : new MappedQueue(name, ring, guard, file);
            queues.put(name, queue);
            return queue;
        } finally {
            objectsLock.unlock();
        }
    }

    static String queueFileName(String name) {
        return "queue." + name;
    }

    @Override
    public Path directory() {
        return runtime.directory;
    }

    @Override
    public WaitBackend waitBackend() {
        return waiter.backend();
    }

    /** This process's participant token in the domain (diagnostics, tests). */
    public int token() {
        return runtime.registry.token();
    }

    /** The liveness oracle (tests). */
    public Liveness liveness() {
        return runtime.registry;
    }

    @Override
    public void close() {
        RUNTIMES_LOCK.lock();
        try {
            if (guard.isClosed()) {
                return;
            }
            guard.close();
            for (MappedQueue queue : queues.values()) {
                queue.ring.wakeAllWaiters(); // blocked threads of this handle see the closed guard
            }
            if (--runtime.references == 0) {
                RUNTIMES.remove(runtime.directory);
                runtime.stopJanitor();
                runtime.registry.close();
            }
        } finally {
            RUNTIMES_LOCK.unlock();
        }
    }

    @Override
    public String toString() {
        return "IpcDomain[" + runtime.directory + ", " + waiter.backend() + ", participant "
                + runtime.registry.index() + (guard.isClosed() ? ", closed" : "") + "]";
    }

    /** A ring and the identity of the file it maps. */
    private record MappedRing(QueueRing ring, @Nullable Object fileKey) {}

    /** What one JVM shares for one domain directory. */
    private static final class Runtime {
        final Path directory;
        final Registry registry;
        final IpcOptions creationOptions;
        final Map<String, SharedMemory> mappings = new ConcurrentHashMap<>();
        /** This process's rings by file name, with the identity (inode) of the file each one maps. */
        final Map<String, MappedRing> rings = new ConcurrentHashMap<>();
        final ReentrantLock mappingLock = new ReentrantLock();
        int references; // guarded by RUNTIMES_LOCK
        private @Nullable QueueJanitor janitor; // guarded by mappingLock

        Runtime(Path directory, Registry registry, IpcOptions creationOptions) {
            this.directory = directory;
            this.registry = registry;
            this.creationOptions = creationOptions;
        }

        /**
         * This process's ring for the queue {@code name}, creating or attaching the file; checks the
         * file against the spec on every call (a cached ring included).
         */
        QueueRing queueRing(String name, QueueSpec spec, boolean joinable, Waiter waiter, long sliceNanos)
                throws IOException {
            String fileName = queueFileName(name);
            Path file = directory.resolve(fileName);
            int records = QueueDescriptor.DEFAULT_RECORDS;
            mappingLock.lock();
            try {
                MappedRing cached = rings.get(fileName);
                if (cached != null && Objects.equals(cached.fileKey(), fileKey(file))) {
                    QueueDescriptor.check(file, cached.ring().memory(), spec, joinable, records);
                    return cached.ring();
                }
                // Not mapped yet, or the name was unlinked (and perhaps created again) since: map
                // what the name refers to now; handles on the old queue keep their mapping.
                int length = QueueDescriptor.checkFileLength(spec, records);
                SharedMemory memory = SharedFiles.createOrAttachSized(directory, fileName, HeaderDescriptor.KIND_QUEUE,
                        name, creationOptions.filePermissions(), true, length, QueueDescriptor.prefixLength(),
                        prefix -> QueueDescriptor.writeParameters(prefix, spec, joinable, records),
                        (f, m) -> QueueDescriptor.check(f, m, spec, joinable, records));
                QueueRing ring = QueueRing.attach(name, memory, registry, waiter, sliceNanos);
                rings.put(fileName, new MappedRing(ring, fileKey(file)));
                if (janitor == null) {
                    janitor = new QueueJanitor(directory.getFileName() + "", creationOptions.livenessSlice().toNanos());
                }
                janitor.add(ring);
                return ring;
            } finally {
                mappingLock.unlock();
            }
        }

        private static @Nullable Object fileKey(Path file) {
            try {
                return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            } catch (IOException e) {
                return null; // gone
            }
        }

        void stopJanitor() {
            mappingLock.lock();
            try {
                if (janitor != null) {
                    janitor.stop();
                }
            } finally {
                mappingLock.unlock();
            }
        }

        SharedMemory mapping(String fileName, int kind, int length, String objectName) throws IOException {
            SharedMemory memory = mappings.get(fileName);
            if (memory != null) {
                return memory;
            }
            mappingLock.lock();
            try {
                memory = mappings.get(fileName);
                if (memory == null) {
                    memory = SharedFiles.createOrAttach(directory, fileName, kind, length, 0, objectName,
                            creationOptions.filePermissions());
                    mappings.put(fileName, memory);
                }
                return memory;
            } finally {
                mappingLock.unlock();
            }
        }
    }
}
