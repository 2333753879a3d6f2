package dev.weft.ipc.internal;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.IpcOptions;
import dev.weft.ipc.WaitBackend;
import dev.weft.ipc.barrier.IpcBarrier;
import dev.weft.ipc.event.IpcEvent;
import dev.weft.ipc.lock.IpcCondition;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.lock.IpcRLock;
import dev.weft.ipc.queue.IpcJoinableQueue;
import dev.weft.ipc.queue.IpcQueue;
import dev.weft.ipc.queue.QueueSpec;
import dev.weft.ipc.semaphore.IpcBoundedSemaphore;
import dev.weft.ipc.semaphore.IpcSemaphore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The shared-memory {@link IpcDomain}: a directory of mapped files plus this JVM's registration.
 *
 * <p>One {@link Runtime} per directory per JVM holds the registration, the open directory and the
 * mappings; handles count references to it and the last {@link #close()} ends the registration and
 * unmaps the files. Runtimes are keyed by the directory's identity (device and inode), not by a
 * path, so one directory reached through two paths (a symbolically linked parent, a bind mount)
 * has one runtime and one registration: the registry lock file is then opened once, and closing
 * one handle can never close a descriptor of it while another handle's liveness lock is held on it.
 */
public final class MappedDomain implements IpcDomain {

    /** Where {@link IpcDomain#openDefault(String)} puts domains. */
    public static final Path DEFAULT_ROOT = Path.of("/dev/shm");

    private static final ReentrantLock RUNTIMES_LOCK = new ReentrantLock();
    /** Runtimes by directory identity; guarded by RUNTIMES_LOCK. */
    private static final Map<Object, Runtime> RUNTIMES = new HashMap<>();

    private final Runtime runtime;
    /** The directory as this handle reached it (its parent resolved by the operating system). */
    private final Path directory;
    private final Waiter waiter;
    private final long sliceNanos;
    private final DomainGuard guard;
    private final Map<String, MappedLock> locks = new ConcurrentHashMap<>();
    private final Map<String, MappedEvent> events = new ConcurrentHashMap<>();
    private final Map<String, MappedQueue> queues = new ConcurrentHashMap<>();
    private final Map<String, MappedSemaphore> semaphores = new ConcurrentHashMap<>();
    private final Map<String, MappedRLock> rlocks = new ConcurrentHashMap<>();
    private final Map<String, MappedBarrier> barriers = new ConcurrentHashMap<>();
    private final Map<String, MappedCondition> conditions = new ConcurrentHashMap<>();
    private final ReentrantLock objectsLock = new ReentrantLock();

    private MappedDomain(Runtime runtime, Path directory, IpcOptions options) {
        this.runtime = runtime;
        this.directory = directory;
        this.waiter = Waiter.create(options.waitBackend(), options.maxPark().toNanos(), options.spin().toNanos());
        this.sliceNanos = options.livenessSlice().toNanos();
        this.guard = new DomainGuard(directory.toString());
    }

    /** The default directory of a named domain. */
    public static Path defaultDirectory(String name) {
        return DEFAULT_ROOT.resolve(SharedFiles.checkName(name));
    }

    /**
     * Opens the domain in {@code directory}: resolves its parent through the operating system,
     * creates or checks the directory ({@link DomainDirectory}), and joins this JVM's runtime for
     * that directory or starts one (registry, liveness lock).
     */
    public static MappedDomain open(Path directory, IpcOptions options) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        Waiter.create(options.waitBackend(), options.maxPark().toNanos(), options.spin().toNanos()); // fail fast
        DomainDirectory dir = DomainDirectory.open(directory, options.filePermissions());
        MappedDomain domain;
        boolean kept = false;
        RUNTIMES_LOCK.lock();
        try {
            Runtime runtime = RUNTIMES.get(dir.identity());
            if (runtime == null) {
                runtime = Runtime.open(dir, options); // closes dir if it fails
                kept = true;
                RUNTIMES.put(dir.identity(), runtime);
            }
            domain = new MappedDomain(runtime, dir.path(), options);
            runtime.references++;
        } catch (IOException | RuntimeException | Error e) {
            if (!kept) {
                closeAfterFailure(dir, e);
            }
            throw e;
        } finally {
            RUNTIMES_LOCK.unlock();
        }
        if (!kept) {
            dir.close(); // checked; the runtime works through its own descriptor of this directory
        }
        return domain;
    }

    private static void closeAfterFailure(DomainDirectory dir, Throwable failure) {
        try {
            dir.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public IpcLock lock(String name) throws IOException {
        return lockImpl(name);
    }

    /** As {@link #lock(String)}, with the implementation type (tests, benchmarks). */
    public MappedLock lockImpl(String name) throws IOException {
        return fixedLayoutObject(locks, name, "lock", HeaderDescriptor.KIND_LOCK, LockDescriptor.FILE_LENGTH,
                (n, memory) -> new MappedLock(n, memory, runtime.registry, waiter, sliceNanos, guard));
    }

    /**
     * The object named {@code name} that this handle has already made, or one made by
     * {@code make} over its file {@code prefix.name} (created with a zeroed body of
     * {@code length} bytes, or attached and checked) and remembered.
     */
    private <T> T fixedLayoutObject(Map<String, T> made, String name, String prefix, int kind, int length,
            BiFunction<String, SharedMemory, T> make) throws IOException {
        SharedFiles.checkName(name);
        guard.check();
        T existing = made.get(name);
        if (existing != null) {
            return existing;
        }
        SharedMemory memory = runtime.mapping(prefix + "." + name, kind, length, name, prefix + " '" + name + "'");
        objectsLock.lock();
        try {
            return made.computeIfAbsent(name, n -> make.apply(n, memory));
        } finally {
            objectsLock.unlock();
        }
    }

    /**
     * The object named {@code name} made by {@code make} over its file {@code prefix.name}, whose
     * body starts with parameters: created with {@code writer}, or attached and checked with
     * {@code checker} on every call (so that a call with other parameters fails even if this
     * handle has made the object already); one object per name per handle.
     */
    private <T> T parameterisedObject(Map<String, T> made, String name, String prefix, int kind, int length,
            int prefixLength, SharedFiles.BodyWriter writer, SharedFiles.BodyChecker checker,
            BiFunction<String, SharedMemory, T> make) throws IOException {
        guard.check();
        SharedMemory memory = runtime.mappingSized(prefix + "." + name, kind, name, prefix + " '" + name + "'", length,
                prefixLength, writer, checker);
        objectsLock.lock();
        try {
            return made.computeIfAbsent(name, n -> make.apply(n, memory));
        } finally {
            objectsLock.unlock();
        }
    }

    @Override
    public IpcRLock rlock(String name) throws IOException {
        return rlockImpl(name);
    }

    /** As {@link #rlock(String)}, with the implementation type (tests). */
    public MappedRLock rlockImpl(String name) throws IOException {
        return fixedLayoutObject(rlocks, name, "rlock", HeaderDescriptor.KIND_RLOCK, RLockDescriptor.FILE_LENGTH,
                (n, memory) -> new MappedRLock(n, memory, runtime.registry, waiter, sliceNanos, guard));
    }

    @Override
    public IpcCondition condition(String name, IpcLock lock) throws IOException {
        return conditionImpl(name, lock);
    }

    /** As {@link #condition(String, IpcLock)}, with the implementation type (tests). */
    public MappedCondition conditionImpl(String name, IpcLock lock) throws IOException {
        SharedFiles.checkName(name);
        Objects.requireNonNull(lock, "lock");
        guard.check();
        if (!(lock instanceof MappedLock mapped) || locks.get(mapped.name()) != mapped) {
            throw new IllegalArgumentException("lock " + lock + " does not belong to the domain " + directory);
        }
        return parameterisedObject(conditions, name, "condition", HeaderDescriptor.KIND_CONDITION,
                ConditionDescriptor.FILE_LENGTH, ConditionDescriptor.PREFIX_LENGTH,
                prefix -> ConditionDescriptor.writeParameters(prefix, mapped.name()),
                (file, m) -> ConditionDescriptor.check(file, m, mapped.name()),
                (n, memory) -> new MappedCondition(n, memory, mapped, runtime.registry, waiter, sliceNanos, guard));
    }

    @Override
    public IpcBarrier barrier(String name, int parties) throws IOException {
        return barrierImpl(name, parties);
    }

    /** As {@link #barrier(String, int)}, with the implementation type (tests). */
    public MappedBarrier barrierImpl(String name, int parties) throws IOException {
        SharedFiles.checkName(name);
        if (parties < 1 || parties > BarrierDescriptor.MAX_PARTIES) {
            throw new IllegalArgumentException("parties must be 1.." + BarrierDescriptor.MAX_PARTIES + ", was " + parties);
        }
        return parameterisedObject(barriers, name, "barrier", HeaderDescriptor.KIND_BARRIER,
                BarrierDescriptor.FILE_LENGTH, BarrierDescriptor.PREFIX_LENGTH,
                prefix -> BarrierDescriptor.writeParameters(prefix, parties),
                (file, m) -> BarrierDescriptor.check(file, m, parties),
                (n, memory) -> new MappedBarrier(n, memory, runtime.registry, waiter, sliceNanos, guard));
    }

    @Override
    public IpcSemaphore semaphore(String name, int permits) throws IOException {
        return semaphoreImpl(name, permits, false);
    }

    @Override
    public IpcBoundedSemaphore boundedSemaphore(String name, int permits) throws IOException {
        return (IpcBoundedSemaphore) semaphoreImpl(name, permits, true);
    }

    /** The semaphore named {@code name}, with the implementation type (tests, benchmarks). */
    public MappedSemaphore semaphoreImpl(String name, int permits, boolean bounded) throws IOException {
        SharedFiles.checkName(name);
        if (permits < 0) {
            throw new IllegalArgumentException("Semaphore initial value must be >= 0, was " + permits);
        }
        return parameterisedObject(semaphores, name, "semaphore", HeaderDescriptor.KIND_SEMAPHORE,
                SemaphoreDescriptor.FILE_LENGTH, SemaphoreDescriptor.PREFIX_LENGTH,
                prefix -> SemaphoreDescriptor.writeParameters(prefix, permits, bounded),
                (file, m) -> SemaphoreDescriptor.check(file, m, permits, bounded),
                (n, memory) -> bounded
                        ? new MappedBoundedSemaphore(n, memory, runtime.registry, waiter, sliceNanos, guard)
                        : new MappedSemaphore(n, memory, runtime.registry, waiter, sliceNanos, guard));
    }

    @Override
    public IpcEvent event(String name) throws IOException {
        return eventImpl(name);
    }

    /** As {@link #event(String)}, with the implementation type (tests, benchmarks). */
    public MappedEvent eventImpl(String name) throws IOException {
        return fixedLayoutObject(events, name, "event", HeaderDescriptor.KIND_EVENT, EventDescriptor.FILE_LENGTH,
                (n, memory) -> new MappedEvent(n, memory, waiter, sliceNanos, guard));
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
        QueueDescriptor.checkSpec(name, spec, joinable);
        guard.check();
        objectsLock.lock();
        try {
            QueueRing ring = runtime.queueRing(name, spec, joinable, waiter, sliceNanos);
            MappedQueue queue = queues.get(name);
            if (queue != null && !queue.isClosed() && queue.ring == ring) {
                return queue;
            }
            Path file = directory.resolve(queueFileName(name));
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
        return directory;
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

    /**
     * Closes this handle; the last handle on the directory in this JVM also ends the registration
     * and unmaps the files. Every step runs even if one fails (an object whose file another process
     * damaged, for example truncated); the first failure is thrown at the end, after the
     * registration is gone, with the others suppressed.
     */
    @Override
    public void close() {
        List<Throwable> failures = new ArrayList<>();
        RUNTIMES_LOCK.lock();
        try {
            if (guard.isClosed()) {
                return;
            }
            guard.close();
            // Blocked threads of this handle see the closed guard as soon as they wake: wake them,
            // without touching the mappings (a file damaged by another process would fault, and
            // such a fault is delivered asynchronously, possibly in a later step of closing).
            for (MappedQueue queue : queues.values()) {
                SharedMemory memory = queue.ring.memory();
                attempt(failures, () -> Waiter.wakeAllSleepers(memory, QueueDescriptor.NOT_EMPTY_OFFSET));
                attempt(failures, () -> Waiter.wakeAllSleepers(memory, QueueDescriptor.NOT_FULL_OFFSET));
                attempt(failures, () -> Waiter.wakeAllSleepers(memory, QueueDescriptor.JOIN_WORD_OFFSET));
            }
            for (MappedLock lock : locks.values()) {
                attempt(failures, lock::wakeAllWaiters);
            }
            for (MappedEvent event : events.values()) {
                attempt(failures, event::wakeAllWaiters);
            }
            for (MappedSemaphore semaphore : semaphores.values()) {
                attempt(failures, semaphore::wakeAllWaiters);
            }
            for (MappedRLock rlock : rlocks.values()) {
                attempt(failures, rlock::wakeAllWaiters);
            }
            for (MappedBarrier barrier : barriers.values()) {
                attempt(failures, barrier::wakeAllWaiters);
            }
            for (MappedCondition condition : conditions.values()) {
                attempt(failures, condition::wakeAllWaiters);
            }
            if (--runtime.references == 0) {
                RUNTIMES.remove(runtime.dir.identity(), runtime);
                runtime.close(failures);
            }
        } finally {
            RUNTIMES_LOCK.unlock();
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.get(0);
            for (Throwable t : failures.subList(1, failures.size())) {
                first.addSuppressed(t);
            }
            if (first instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) first;
        }
    }

    /** Runs one step of closing; a failure is recorded and closing goes on. */
    private static void attempt(List<Throwable> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            failures.add(e);
        }
    }

    @Override
    public String toString() {
        return "IpcDomain[" + directory + ", " + waiter.backend() + ", participant "
                + runtime.registry.index() + (guard.isClosed() ? ", closed" : "") + "]";
    }

    /** A ring and the identity of the file it maps. */
    private record MappedRing(QueueRing ring, @Nullable Object fileKey) {}

    /** What one JVM shares for one domain directory. */
    private static final class Runtime {
        final DomainDirectory dir;
        final Registry registry;
        final IpcOptions creationOptions;
        /** Every mapping of this runtime: unmapped together when the last handle closes. */
        final MappingScope scope;
        final Map<String, SharedMemory> mappings = new ConcurrentHashMap<>();
        /** This process's rings by file name, with the identity (inode) of the file each one maps. */
        final Map<String, MappedRing> rings = new ConcurrentHashMap<>();
        final ReentrantLock mappingLock = new ReentrantLock();
        int references; // guarded by RUNTIMES_LOCK
        private @Nullable QueueJanitor janitor; // guarded by mappingLock

        private Runtime(DomainDirectory dir, Registry registry, MappingScope scope, IpcOptions creationOptions) {
            this.dir = dir;
            this.registry = registry;
            this.scope = scope;
            this.creationOptions = creationOptions;
        }

        /** Registers this process in {@code dir}; the runtime owns {@code dir} from then on. */
        static Runtime open(DomainDirectory dir, IpcOptions options) throws IOException {
            MappingScope scope = MappingScope.closeable();
            try {
                return new Runtime(dir, Registry.open(dir, scope), scope, options);
            } catch (IOException | RuntimeException | Error e) {
                scope.close();
                try {
                    dir.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        /**
         * Whether the registry file still has its full length: only then may closing write to its
         * mapping (a truncated file would fault).
         */
        private boolean registryFileIntact() {
            try {
                PosixFileAttributes attrs = dir.stat(Registry.REGISTRY_FILE);
                return attrs != null && attrs.size() >= RegistryDescriptor.FILE_LENGTH;
            } catch (IOException e) {
                return false;
            }
        }

        /** Ends the registration, unmaps every file and closes the directory; failures go to {@code failures}. */
        void close(List<Throwable> failures) {
            attempt(failures, this::stopJanitor);
            attempt(failures, () -> registry.close(this::registryFileIntact));
            attempt(failures, scope::close);
            attempt(failures, () -> {
                try {
                    dir.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        /**
         * This process's ring for the queue {@code name}, creating or attaching the file; checks the
         * file against the spec on every call (a cached ring included).
         */
        QueueRing queueRing(String name, QueueSpec spec, boolean joinable, Waiter waiter, long sliceNanos)
                throws IOException {
            String fileName = queueFileName(name);
            Path file = dir.file(fileName);
            int records = QueueDescriptor.DEFAULT_RECORDS;
            mappingLock.lock();
            try {
                MappedRing cached = rings.get(fileName);
                if (cached != null && Objects.equals(cached.fileKey(), fileKey(fileName))) {
                    SharedMemory memory = cached.ring().memory();
                    failIfCut(memory);
                    QueueDescriptor.check(file, memory, spec, joinable, records);
                    return cached.ring();
                }
                // Not mapped yet, or the name was unlinked (and perhaps created again) since: map
                // what the name refers to now; handles on the old queue keep their mapping.
                int length = QueueDescriptor.checkFileLength(spec, records);
                SharedMemory memory = SharedFiles.createOrAttachSized(dir, fileName, HeaderDescriptor.KIND_QUEUE,
                        name, "queue '" + name + "'", true, length, QueueDescriptor.prefixLength(),
                        prefix -> QueueDescriptor.writeParameters(prefix, spec, joinable, records),
                        (f, m) -> QueueDescriptor.check(f, m, spec, joinable, records), scope);
                QueueRing ring = QueueRing.attach(name, memory, registry, waiter, sliceNanos);
                rings.put(fileName, new MappedRing(ring, fileKey(fileName)));
                janitor().add(ring);
                return ring;
            } finally {
                mappingLock.unlock();
            }
        }

        /** The domain's janitor thread in this process, created on first use (guarded by mappingLock). */
        private QueueJanitor janitor() {
            QueueJanitor j = janitor;
            if (j == null) {
                j = new QueueJanitor(dir.path().getFileName() + "", creationOptions.livenessSlice().toNanos());
                janitor = j;
            }
            return j;
        }

        private @Nullable Object fileKey(String fileName) {
            try {
                PosixFileAttributes attrs = dir.stat(fileName);
                return attrs == null ? null : attrs.fileKey();
            } catch (IOException e) {
                return null; // unreadable: treated as gone
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

        /**
         * As {@link #mapping}, for a file whose body starts with parameters: created with
         * {@code writer}, checked on every call with {@code checker} (a cached mapping included).
         */
        SharedMemory mappingSized(String fileName, int kind, String objectName, String what, int length,
                int prefixLength, SharedFiles.BodyWriter writer, SharedFiles.BodyChecker checker) throws IOException {
            mappingLock.lock();
            try {
                SharedMemory memory = mappings.get(fileName);
                if (memory == null) {
                    memory = SharedFiles.createOrAttachSized(dir, fileName, kind, objectName, what, true, length,
                            prefixLength, writer, checker, scope);
                    mappings.put(fileName, memory);
                } else {
                    failIfCut(memory);
                    checker.check(dir.file(fileName), memory);
                }
                return memory;
            } finally {
                mappingLock.unlock();
            }
        }

        /**
         * Throws {@link dev.weft.ipc.IpcDamagedException} if the file of a cached mapping was cut
         * short (one {@code stat}), before its header is read again: a compiled read of a cut page
         * is not always survivable (see {@link SharedMemory}).
         */
        private static void failIfCut(SharedMemory memory) {
            memory.checkFileIntact();
            memory.checkIntact();
        }

        SharedMemory mapping(String fileName, int kind, int length, String objectName, String what) throws IOException {
            SharedMemory memory = mappings.get(fileName);
            if (memory != null) {
                return memory;
            }
            mappingLock.lock();
            try {
                memory = mappings.get(fileName);
                if (memory == null) {
                    memory = SharedFiles.createOrAttach(dir, fileName, kind, length, 0, objectName, what, scope);
                    mappings.put(fileName, memory);
                    janitor().watch(memory); // checks the file's size every slice (damage)
                }
                return memory;
            } finally {
                mappingLock.unlock();
            }
        }
    }
}
