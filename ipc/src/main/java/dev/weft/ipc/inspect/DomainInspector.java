package dev.weft.ipc.inspect;

import dev.weft.ipc.internal.EventDescriptor;
import dev.weft.ipc.internal.HeaderDescriptor;
import dev.weft.ipc.internal.LockDescriptor;
import dev.weft.ipc.internal.ProcessStart;
import dev.weft.ipc.internal.QueueDescriptor;
import dev.weft.ipc.internal.RLockDescriptor;
import dev.weft.ipc.internal.Registry;
import dev.weft.ipc.internal.RegistryDescriptor;
import dev.weft.ipc.internal.SemaphoreDescriptor;
import dev.weft.ipc.inspect.ObjectInfo.DamagedFile;
import dev.weft.ipc.inspect.ObjectInfo.EventInfo;
import dev.weft.ipc.inspect.ObjectInfo.LockInfo;
import dev.weft.ipc.inspect.ObjectInfo.OtherInfo;
import dev.weft.ipc.inspect.ObjectInfo.QueueInfo;
import dev.weft.ipc.inspect.ObjectInfo.QueueParticipant;
import dev.weft.ipc.inspect.ObjectInfo.SemaphoreInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Reads an ipc domain's files into a {@link DomainReport}, changing nothing.
 *
 * <p>Each file is opened for reading only, without following symbolic links, and read with plain
 * positional reads into the heap; nothing is mapped (so a file truncated under the inspector gives
 * a {@link DamagedFile} entry, not a fault), and no lock of any kind is taken. Every field is
 * checked before it is used: a file that is foreign, damaged, truncated or of another layout
 * version is reported as a {@link DamagedFile} naming the expected and the actual value, and the
 * other objects are still read.
 *
 * <p>The inspector may run in a process that has the same domain open: it never opens the
 * registry's lock file (closing a descriptor of that file would release the process's own liveness
 * locks).
 *
 * @since 0.1
 */
public final class DomainInspector {

    /** Bytes read at a time from a queue's slots. */
    private static final int CHUNK = 1 << 20;
    /** How far a process's start time may differ from the registry's record and still be the same process. */
    private static final long START_TOLERANCE_MS = 1000;

    private static final String LOCK_PREFIX = "lock.";
    private static final String EVENT_PREFIX = "event.";
    private static final String QUEUE_PREFIX = "queue.";
    private static final String RLOCK_PREFIX = "rlock.";
    private static final String SEMAPHORE_PREFIX = "semaphore.";

    private final Path directory;
    private final Map<Integer, Participant> participants = new TreeMap<>();
    private @Nullable String registryProblem;

    private DomainInspector(Path directory) {
        this.directory = directory;
    }

    /**
     * Reads every object of the domain in {@code directory}.
     *
     * @param directory the domain directory (as given to {@code IpcDomain.open})
     * @return what the domain's files say now
     * @throws NoSuchFileException if the directory does not exist
     * @throws NotDirectoryException if it is not a directory
     * @throws IOException if it cannot be listed
     */
    public static DomainReport inspect(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Instant now = Instant.now();
        DomainInspector inspector = new DomainInspector(directory);
        inspector.readRegistry();
        List<ObjectInfo> objects = new ArrayList<>();
        for (String fileName : inspector.objectFileNames()) {
            objects.add(inspector.readObject(fileName));
        }
        return new DomainReport(directory, now, inspector.registryProblem, List.copyOf(inspector.participants.values()),
                objects);
    }

    /**
     * Reads the objects called {@code name} in the domain in {@code directory}: every kind's object
     * of that name, or, if {@code name} is a file name such as {@code queue.jobs}, that one.
     *
     * @param directory the domain directory
     * @param name an object name or an object's file name
     * @return the objects found, by file name; empty if none
     * @throws IOException as {@link #inspect(Path)}
     */
    public static List<ObjectInfo> inspect(Path directory, String name) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(name, "name");
        DomainInspector inspector = new DomainInspector(directory);
        inspector.readRegistry();
        List<ObjectInfo> found = new ArrayList<>();
        for (String fileName : inspector.objectFileNames()) {
            if (fileName.equals(name) || objectName(fileName).equals(name)) {
                found.add(inspector.readObject(fileName));
            }
        }
        return found;
    }

    // ---- directory -------------------------------------------------------------------------

    private List<String> objectFileNames() throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(directory, BasicFileAttributes.class);
        if (!attrs.isDirectory()) {
            throw new NotDirectoryException(directory.toString());
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String fileName = entry.getFileName().toString();
                if (fileName.startsWith(".") || fileName.equals(Registry.REGISTRY_FILE)
                        || fileName.equals(Registry.LOCK_FILE)) {
                    continue; // a creation in progress, or the registry (read separately)
                }
                names.add(fileName);
            }
        }
        names.sort(null);
        return names;
    }

    private static String objectName(String fileName) {
        for (String prefix : List.of(LOCK_PREFIX, EVENT_PREFIX, QUEUE_PREFIX, RLOCK_PREFIX, SEMAPHORE_PREFIX)) {
            if (fileName.startsWith(prefix)) {
                return fileName.substring(prefix.length());
            }
        }
        int dot = fileName.indexOf('.');
        return dot < 0 ? fileName : fileName.substring(dot + 1);
    }

    // ---- registry --------------------------------------------------------------------------

    private void readRegistry() {
        Path file = directory.resolve(Registry.REGISTRY_FILE);
        try (FileImage image = FileImage.open(file)) {
            Header header = image.header(HeaderDescriptor.KIND_REGISTRY);
            if (header.fileLength() != RegistryDescriptor.FILE_LENGTH) {
                throw new Damage("registry length expected " + RegistryDescriptor.FILE_LENGTH + " bytes but was "
                        + header.fileLength());
            }
            ByteBuffer entries = image.read(RegistryDescriptor.ENTRIES_OFFSET,
                    RegistryDescriptor.CAPACITY * RegistryDescriptor.ENTRY_LENGTH);
            @Nullable UUID currentBoot = ProcessStart.bootId();
            for (int i = 0; i < RegistryDescriptor.CAPACITY; i++) {
                int off = i * RegistryDescriptor.ENTRY_LENGTH;
                long word = entries.getLong(off + RegistryDescriptor.STATE_WORD);
                int state = RegistryDescriptor.state(word);
                if (state == RegistryDescriptor.FREE) {
                    continue;
                }
                long pid = entries.getLong(off + RegistryDescriptor.PID);
                long start = entries.getLong(off + RegistryDescriptor.START_EPOCH_MS);
                long startTicks = entries.getLong(off + RegistryDescriptor.START_TICKS);
                UUID boot = new UUID(entries.getLong(off + RegistryDescriptor.BOOT_ID),
                        entries.getLong(off + RegistryDescriptor.BOOT_ID + 8));
                String stateName = switch (state) {
                    case RegistryDescriptor.ACTIVE -> "active";
                    case RegistryDescriptor.CLAIMING -> "claiming";
                    default -> "unknown state " + state;
                };
                participants.put(i, new Participant(i, RegistryDescriptor.generation(word), stateName, pid,
                        start < 0 ? null : Instant.ofEpochMilli(start), processLiveness(pid, start, startTicks, boot,
                                currentBoot)));
            }
        } catch (NoSuchFileException e) {
            registryProblem = "no registry file: no process has opened this domain";
        } catch (IOException | Damage e) {
            registryProblem = "registry unreadable: " + e.getMessage();
        }
    }

    /**
     * Whether the process that registered with {@code pid} still runs. Where the registrant recorded
     * its start in ticks since boot and the boot id, those decide (a wall-clock change since the
     * registration moves both JVMs' start instants apart, not the ticks); otherwise the start
     * instants, within {@link #START_TOLERANCE_MS}. {@code currentBoot} is this host's boot id
     * ({@link ProcessStart#bootId()}, read once per inspection), or null if unknown.
     */
    static Liveness processLiveness(long pid, long startEpochMs, long startTicks, UUID boot,
            @Nullable UUID currentBoot) {
        if (pid <= 0) {
            return Liveness.UNKNOWN;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return Liveness.DEAD;
        }
        boolean bootKnown = boot.getMostSignificantBits() != 0 || boot.getLeastSignificantBits() != 0;
        if (startTicks >= 0 && bootKnown && currentBoot != null) {
            if (!currentBoot.equals(boot)) {
                return Liveness.DEAD; // registered before the last boot: the pid now names another process
            }
            long ticks = ProcessStart.ticks(pid);
            if (ticks >= 0) {
                return ticks == startTicks ? Liveness.ALIVE : Liveness.DEAD;
            }
        }
        if (startEpochMs < 0) {
            return Liveness.UNKNOWN;
        }
        Optional<Instant> started = handle.get().info().startInstant();
        if (started.isEmpty()) {
            return Liveness.UNKNOWN;
        }
        long difference = Math.abs(started.get().toEpochMilli() - startEpochMs);
        return difference <= START_TOLERANCE_MS ? Liveness.ALIVE : Liveness.DEAD;
    }

    /** The registry's view of {@code token}. */
    private Holder holder(int token) {
        int index = RegistryDescriptor.tokenIndex(token);
        if (registryProblem != null) {
            return new Holder(token, -1, Liveness.UNKNOWN);
        }
        Participant p = participants.get(index);
        if (p == null || (p.generation() & RegistryDescriptor.TOKEN_GENERATION_MASK)
                != RegistryDescriptor.tokenGeneration(token)) {
            return new Holder(token, -1, Liveness.DEAD); // closed, or the entry was reused since
        }
        return new Holder(token, p.pid(), p.liveness());
    }

    // ---- objects ---------------------------------------------------------------------------

    private ObjectInfo readObject(String fileName) {
        Path file = directory.resolve(fileName);
        try (FileImage image = FileImage.open(file)) {
            if (fileName.startsWith(LOCK_PREFIX)) {
                return readLock(image, objectName(fileName));
            } else if (fileName.startsWith(EVENT_PREFIX)) {
                return readEvent(image, objectName(fileName));
            } else if (fileName.startsWith(QUEUE_PREFIX)) {
                return readQueue(image, objectName(fileName));
            } else if (fileName.startsWith(RLOCK_PREFIX)) {
                return readRLock(image, objectName(fileName));
            } else if (fileName.startsWith(SEMAPHORE_PREFIX)) {
                return readSemaphore(image, objectName(fileName));
            }
            Header header = image.header(0);
            return new OtherInfo(header.name(), file, header.kind(), header.creatorPid(), header.created());
        } catch (IOException | Damage e) {
            return new DamagedFile(fileName, file, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private LockInfo readLock(FileImage image, String name) throws IOException {
        Header header = image.header(HeaderDescriptor.KIND_LOCK);
        header.expect(name, LockDescriptor.FILE_LENGTH);
        int word = image.read(LockDescriptor.LOCK_WORD_OFFSET, Integer.BYTES).getInt(0);
        long recoveries = image.read(LockDescriptor.RECOVERIES_OFFSET, Long.BYTES).getLong(0);
        int owner = word & LockDescriptor.OWNER_MASK;
        return new LockInfo(name, image.file, false, owner == 0 ? null : holder(owner), 0, 0,
                (word & LockDescriptor.WAITERS) != 0, recoveries);
    }

    private LockInfo readRLock(FileImage image, String name) throws IOException {
        Header header = image.header(HeaderDescriptor.KIND_RLOCK);
        header.expect(name, RLockDescriptor.FILE_LENGTH);
        ByteBuffer body = image.read(0, RLockDescriptor.FILE_LENGTH);
        int word = body.getInt(RLockDescriptor.LOCK_WORD_OFFSET);
        int owner = word & LockDescriptor.OWNER_MASK;
        return new LockInfo(name, image.file, true, owner == 0 ? null : holder(owner),
                owner == 0 ? 0 : body.getLong(RLockDescriptor.OWNER_THREAD_OFFSET),
                owner == 0 ? 0 : body.getInt(RLockDescriptor.HOLDS_OFFSET), (word & LockDescriptor.WAITERS) != 0,
                body.getLong(RLockDescriptor.RECOVERIES_OFFSET));
    }

    private SemaphoreInfo readSemaphore(FileImage image, String name) throws IOException {
        Header header = image.header(HeaderDescriptor.KIND_SEMAPHORE);
        header.expect(name, SemaphoreDescriptor.FILE_LENGTH);
        ByteBuffer body = image.read(0, SemaphoreDescriptor.FILE_LENGTH);
        int latch = body.getInt(SemaphoreDescriptor.LATCH_OFFSET);
        int highWater = body.getInt(SemaphoreDescriptor.HIGH_WATER_OFFSET);
        if (highWater < 0 || highWater > SemaphoreDescriptor.ENTRIES) {
            throw new Damage("holdings high water expected 0.." + SemaphoreDescriptor.ENTRIES + " but was " + highWater);
        }
        List<ObjectInfo.Holding> holdings = new ArrayList<>();
        for (int i = 0; i < highWater; i++) {
            int owner = body.getInt(SemaphoreDescriptor.entryOffset(i) + SemaphoreDescriptor.ENTRY_OWNER);
            long held = body.getLong(SemaphoreDescriptor.entryOffset(i) + SemaphoreDescriptor.ENTRY_HELD);
            if (owner != 0 && held != 0) {
                holdings.add(new ObjectInfo.Holding(holder(owner), held));
            }
        }
        return new SemaphoreInfo(name, image.file, body.getInt(SemaphoreDescriptor.INITIAL_OFFSET),
                body.getInt(SemaphoreDescriptor.BOUND_OFFSET) != SemaphoreDescriptor.UNBOUNDED,
                body.getLong(SemaphoreDescriptor.AVAILABLE_OFFSET), body.getLong(SemaphoreDescriptor.TAINTED_OFFSET),
                body.getLong(SemaphoreDescriptor.EXCESS_OFFSET), latch == 0 ? null : holder(latch),
                body.getInt(SemaphoreDescriptor.SLEEPERS_OFFSET) != 0, body.getLong(SemaphoreDescriptor.RECOVERIES_OFFSET),
                body.getLong(SemaphoreDescriptor.RECOVERED_PERMITS_OFFSET), holdings);
    }

    private static EventInfo readEvent(FileImage image, String name) throws IOException {
        Header header = image.header(HeaderDescriptor.KIND_EVENT);
        header.expect(name, EventDescriptor.FILE_LENGTH);
        int word = image.read(EventDescriptor.EVENT_WORD_OFFSET, Integer.BYTES).getInt(0);
        return new EventInfo(name, image.file, (word & EventDescriptor.SET) != 0,
                word >>> Integer.numberOfTrailingZeros(EventDescriptor.GENERATION_ONE),
                (word & EventDescriptor.WAITERS) != 0);
    }

    private QueueInfo readQueue(FileImage image, String name) throws IOException {
        Header header = image.header(HeaderDescriptor.KIND_QUEUE);
        ByteBuffer control = image.read(0, QueueDescriptor.RECORD_TABLE_OFFSET);
        int capacity = control.getInt(QueueDescriptor.CAPACITY_OFFSET);
        int max = control.getInt(QueueDescriptor.MAX_MESSAGE_SIZE_OFFSET);
        int stride = control.getInt(QueueDescriptor.STRIDE_OFFSET);
        int flags = control.getInt(QueueDescriptor.FLAGS_OFFSET);
        int records = control.getInt(QueueDescriptor.RECORDS_OFFSET);
        int slotsOffset = control.getInt(QueueDescriptor.SLOTS_OFFSET_OFFSET);
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new Damage("capacity expected a power of two but was " + capacity);
        }
        if (max < 1 || stride != QueueDescriptor.stride(max)) {
            throw new Damage("maxMessageSize expected at least 1 with stride " + QueueDescriptor.stride(max)
                    + " but were " + max + " and " + stride);
        }
        if (records < 0 || records > QueueDescriptor.MAX_RECORDS || slotsOffset != QueueDescriptor.slotsOffset(records)) {
            throw new Damage("participant records expected 0 to " + QueueDescriptor.MAX_RECORDS + " with slots at "
                    + QueueDescriptor.slotsOffset(Math.max(0, Math.min(records, QueueDescriptor.MAX_RECORDS)))
                    + " but were " + records + " with slots at " + slotsOffset);
        }
        header.expect(name, QueueDescriptor.fileLength(capacity, max, records));
        int state = control.getInt(QueueDescriptor.STATE_OFFSET);
        boolean immediate = (state & QueueDescriptor.IMMEDIATE) != 0;
        boolean joinable = (flags & QueueDescriptor.FLAG_JOINABLE) != 0;

        Map<Integer, long[]> shares = new LinkedHashMap<>(); // token -> {taking, notDone}
        ByteBuffer table = image.read(QueueDescriptor.RECORD_TABLE_OFFSET, records * QueueDescriptor.RECORD_LENGTH);
        for (int r = 0; r < records; r++) {
            long record = table.getLong(r * QueueDescriptor.RECORD_LENGTH);
            if (record != 0) {
                shares.computeIfAbsent(QueueDescriptor.recordToken(record), t -> new long[2])[1] +=
                        QueueDescriptor.recordCount(record);
            }
        }
        long depth = 0;
        long writing = 0;
        long reading = 0;
        int perChunk = Math.max(1, CHUNK / stride);
        for (int first = 0; first < capacity; first += perChunk) {
            int count = Math.min(perChunk, capacity - first);
            ByteBuffer slots = image.read(slotsOffset + (long) first * stride, count * stride);
            for (int k = 0; k < count; k++) {
                long word = slots.getLong(k * stride + QueueDescriptor.SLOT_WORD);
                int length = slots.getInt(k * stride + QueueDescriptor.SLOT_LENGTH);
                int token = QueueDescriptor.token(word);
                switch (QueueDescriptor.state(word)) {
                    case QueueDescriptor.FULL -> {
                        if (token == 0 && length >= 0 && length <= max) {
                            depth++;
                        }
                    }
                    case QueueDescriptor.WRITING -> writing++;
                    case QueueDescriptor.READING -> {
                        reading++;
                        shares.computeIfAbsent(token, t -> new long[2])[0]++;
                    }
                    default -> { } // FREE
                }
            }
        }
        List<QueueParticipant> parts = new ArrayList<>();
        long unfinished = (immediate ? 0 : depth) + reading;
        for (Map.Entry<Integer, long[]> e : shares.entrySet()) {
            Holder h = holder(e.getKey());
            parts.add(new QueueParticipant(h, e.getValue()[0], e.getValue()[1]));
            if (h.liveness() != Liveness.DEAD) {
                unfinished += e.getValue()[1];
            }
        }
        String shutdown = (state & QueueDescriptor.SHUTDOWN) == 0 ? null
                : immediate ? "shutdown (immediate)" : "shutdown";
        int maxDeliveries = control.getInt(QueueDescriptor.MAX_DELIVERIES_OFFSET);
        return new QueueInfo(name, image.file, joinable, QueueDescriptor.acknowledgement(flags).name(), maxDeliveries,
                capacity, max,
                (flags & QueueDescriptor.FLAG_DROP_ON_CONSUMER_DEATH) == 0,
                (flags & QueueDescriptor.FLAG_SYNC_ON_COMMIT) != 0, depth, writing, joinable ? unfinished : 0,
                shutdown, control.getLong(QueueDescriptor.TOMBSTONES_OFFSET),
                control.getLong(QueueDescriptor.REDELIVERIES_OFFSET), control.getLong(QueueDescriptor.DISCARDED_OFFSET),
                control.getLong(QueueDescriptor.ABANDONED_OFFSET), control.getLong(QueueDescriptor.QUARANTINED_OFFSET),
                control.getLong(QueueDescriptor.DEAD_LETTERED_OFFSET), parts);
    }

    // ---- reading files ---------------------------------------------------------------------

    /** A file that is not what its name says; the message names the expected and actual value. */
    private static final class Damage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Damage(String message) {
            super(message, null, false, false);
        }
    }

    /** The common header of an object file. */
    private record Header(Path file, long size, int kind, int fileLength, long creatorPid, Instant created, String name) {

        void expect(String objectName, long expectedLength) {
            if (!name.equals(objectName)) {
                throw new Damage("object name expected '" + objectName + "' (from the file name) but the header says '"
                        + name + "'");
            }
            if (fileLength != expectedLength) {
                throw new Damage("recorded file length expected " + expectedLength + " bytes but was " + fileLength);
            }
        }
    }

    /** An object file opened for reading, without following links. */
    private static final class FileImage implements AutoCloseable {
        final Path file;
        private final SeekableByteChannel channel;
        private final long size;

        private FileImage(Path file, SeekableByteChannel channel, long size) {
            this.file = file;
            this.channel = channel;
            this.size = size;
        }

        static FileImage open(Path file) throws IOException {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isSymbolicLink()) {
                throw new Damage("a symbolic link, not followed (a domain's files are regular files)");
            }
            if (!attrs.isRegularFile()) {
                throw new Damage("not a regular file (a domain's files are regular files)");
            }
            SeekableByteChannel channel = Files.newByteChannel(file,
                    Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
            return new FileImage(file, channel, channel.size());
        }

        /** Reads {@code length} bytes at {@code position}, native order; a short file is damage. */
        ByteBuffer read(long position, int length) throws IOException {
            if (position + length > size) {
                throw new Damage("file length expected at least " + (position + length) + " bytes but was " + size);
            }
            ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
            channel.position(position);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new Damage("file length expected at least " + (position + length)
                            + " bytes but it ended at " + (position + buffer.position()) + " (truncated while read)");
                }
            }
            return buffer;
        }

        /** Reads and checks the header; {@code kind} 0 accepts any kind. */
        Header header(int kind) throws IOException {
            ByteBuffer h = read(0, HeaderDescriptor.HEADER_LENGTH);
            long magic = h.getLong(HeaderDescriptor.MAGIC_OFFSET);
            if (magic != HeaderDescriptor.MAGIC) {
                throw new Damage("not a Weft ipc file: magic expected 0x" + Long.toHexString(HeaderDescriptor.MAGIC)
                        + " but was 0x" + Long.toHexString(magic));
            }
            int actualKind = h.getInt(HeaderDescriptor.KIND_OFFSET);
            if (kind != 0 && actualKind != kind) {
                throw new Damage("kind expected " + HeaderDescriptor.kindName(kind) + " but was "
                        + HeaderDescriptor.kindName(actualKind));
            }
            int version = h.getInt(HeaderDescriptor.VERSION_OFFSET);
            int major = HeaderDescriptor.version(actualKind) >>> 16;
            if (version >>> 16 != major) {
                throw new Damage("layout version expected " + major + ".x but was " + (version >>> 16) + "."
                        + (version & 0xFFFF));
            }
            int fileLength = h.getInt(HeaderDescriptor.FILE_LENGTH_OFFSET);
            if (fileLength != size) {
                throw new Damage("file length expected " + fileLength + " bytes (recorded in its header) but was " + size);
            }
            int nameLength = h.getInt(HeaderDescriptor.NAME_LENGTH_OFFSET);
            if (nameLength < 0 || nameLength > HeaderDescriptor.NAME_MAX_BYTES) {
                throw new Damage("name length expected 0.." + HeaderDescriptor.NAME_MAX_BYTES + " but was " + nameLength);
            }
            byte[] name = Arrays.copyOfRange(h.array(), HeaderDescriptor.NAME_OFFSET, HeaderDescriptor.NAME_OFFSET + nameLength);
            return new Header(file, size, actualKind, fileLength, h.getLong(HeaderDescriptor.CREATOR_PID_OFFSET),
                    Instant.ofEpochMilli(h.getLong(HeaderDescriptor.CREATED_EPOCH_MS_OFFSET)),
                    new String(name, StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
