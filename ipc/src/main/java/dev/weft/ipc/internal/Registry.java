package dev.weft.ipc.internal;

import static dev.weft.ipc.internal.RegistryDescriptor.ACTIVE;
import static dev.weft.ipc.internal.RegistryDescriptor.BOOT_ID;
import static dev.weft.ipc.internal.RegistryDescriptor.CAPACITY;
import static dev.weft.ipc.internal.RegistryDescriptor.CLAIMING;
import static dev.weft.ipc.internal.RegistryDescriptor.FREE;
import static dev.weft.ipc.internal.RegistryDescriptor.NONCE;
import static dev.weft.ipc.internal.RegistryDescriptor.PID;
import static dev.weft.ipc.internal.RegistryDescriptor.START_EPOCH_MS;
import static dev.weft.ipc.internal.RegistryDescriptor.START_TICKS;
import static dev.weft.ipc.internal.RegistryDescriptor.entryOffset;
import static dev.weft.ipc.internal.RegistryDescriptor.generation;
import static dev.weft.ipc.internal.RegistryDescriptor.nextGeneration;
import static dev.weft.ipc.internal.RegistryDescriptor.state;
import static dev.weft.ipc.internal.RegistryDescriptor.word;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The participant registry of a domain: this process's registration and the liveness oracle for
 * everybody else's ({@link RegistryDescriptor}).
 */
public final class Registry implements Liveness {

    /*
     * Implementation notes
     *
     * Overview
     *   Each process registers once per domain (per JVM: see MappedDomain.Runtime) in an entry of the mapped
     *   registry and holds an fcntl write lock on byte i of registry.lck for as long as it is
     *   registered. The kernel releases fcntl locks when the process exits, however it exits, and
     *   before it becomes a zombie; a lock cannot be inherited by a child or pass to a new process
     *   with the same pid. So "tryLock(i) succeeds" proves the registrant is gone. ProcessHandle is
     *   not used to decide anything: it reports a SIGKILLed, unreaped zombie as alive.
     *
     * Invariants
     *   - A token (i, g) is in use only while entry i is ACTIVE(g) and its registrant holds byte i.
     *   - This JVM opens registry.lck exactly once (one AsynchronousFileChannel, never closed while
     *     registered): closing any descriptor of the file would drop all of this process's fcntl locks.
     *     The channel is asynchronous because such channels are not interruptible: an interrupt of a
     *     thread probing liveness must not close the channel (a FileChannel would be closed by it).
     *     "Exactly once" holds per file, not per path: domains are keyed by directory identity
     *     (MappedDomain), HELD records the identity of every lock file open in this process and a
     *     second open of one is refused, and a channel that might refer to a held file (the name
     *     was swapped while opening) is never closed (NEVER_CLOSED).
     *
     * Linearization points
     *   register: the CAS CLAIMING(g) -> ACTIVE(g) while holding byte i. close: the release of byte i
     *   (then the CAS ACTIVE(g) -> FREE(g), best effort). Death: the kernel's release of byte i at
     *   process exit.
     *
     * Memory ordering
     *   Entry words: volatile CAS/reads. pid/start/nonce: plain writes before the ACTIVE CAS (diagnostic).
     *
     * Blocking and cancellation
     *   Never blocks: every fcntl call is a non-blocking tryLock. Probes are serialised in this JVM by
     *   a ReentrantLock because the JDK rejects overlapping locks taken by one JVM.
     *
     * Progress
     *   Registration scans at most 2 x capacity entries; isDead is wait-free apart from the short lock.
     */

    /** File name of the mapped participant table. */
    public static final String REGISTRY_FILE = "registry";
    /** File name of the liveness lock file. */
    public static final String LOCK_FILE = "registry.lck";

    /** Identities of the lock files open in this process, with the domain each belongs to; guarded by HELD_LOCK. */
    private static final Map<Object, Path> HELD = new HashMap<>();
    /**
     * Channels that may refer to a held lock file, so that closing them could drop its locks: kept
     * open, and reachable (the garbage collector closes an unreachable channel). Guarded by HELD_LOCK.
     */
    private static final List<AsynchronousFileChannel> NEVER_CLOSED = new ArrayList<>();
    private static final ReentrantLock HELD_LOCK = new ReentrantLock();

    private final SharedMemory memory;
    private final AsynchronousFileChannel lockChannel;
    private final Object lockFileKey;
    private final ReentrantLock probeLock = new ReentrantLock();
    private final int index;
    private final int generation;
    private final int token;
    private final FileLock ownLock;
    private volatile boolean closed;

    private Registry(SharedMemory memory, AsynchronousFileChannel lockChannel, Object lockFileKey, int index,
            int generation, FileLock ownLock) {
        this.memory = memory;
        this.lockChannel = lockChannel;
        this.lockFileKey = lockFileKey;
        this.index = index;
        this.generation = generation;
        this.token = RegistryDescriptor.token(index, generation);
        this.ownLock = ownLock;
    }

    /**
     * Opens (creating if needed) the registry in {@code dir} and registers this process.
     *
     * @param scope the mapping scope of the registry file (the domain's)
     * @throws dev.weft.ipc.IpcFormatException if a file is not a regular file, fails the owner and mode rules, or
     *     is not a registry of this layout
     * @throws IOException if the lock file of this directory is already open in this process under
     *     another domain, or the files cannot be created or opened
     */
    static Registry open(DomainDirectory dir, MappingScope scope) throws IOException {
        SharedMemory memory = SharedFiles.createOrAttach(dir, REGISTRY_FILE, HeaderDescriptor.KIND_REGISTRY,
                RegistryDescriptor.FILE_LENGTH, CAPACITY, REGISTRY_FILE, "participant registry", scope);
        LockFile lockFile = openLockFile(dir);
        try {
            return register(memory, lockFile);
        } catch (IOException | RuntimeException e) {
            closeLockFile(lockFile.channel(), lockFile.key());
            throw e;
        }
    }

    /** The open lock file and its identity. */
    private record LockFile(AsynchronousFileChannel channel, Object key) {}

    /**
     * Opens {@code registry.lck} (creating it if absent) once in this process: checked like every
     * domain file (a FIFO or other special file is refused), then opened without following a link,
     * then checked to be the same file through the directory descriptor and through its path.
     */
    private static LockFile openLockFile(DomainDirectory dir) throws IOException {
        Path file = dir.file(LOCK_FILE);
        for (int attempt = 0; ; attempt++) {
            PosixFileAttributes before = dir.stat(LOCK_FILE);
            if (before == null) {
                if (attempt > 3) {
                    throw new NoSuchFileException(file.toString(), null, "created, then gone");
                }
                dir.publish(LOCK_FILE, ByteBuffer.allocate(0), 0, dir.filePermissions(), "liveness lock file");
                continue;
            }
            dir.checkFile(LOCK_FILE, before, "liveness lock file");
            Object key = before.fileKey() != null ? before.fileKey() : file.toString();
            HELD_LOCK.lock();
            try {
                Path holder = HELD.get(key);
                if (holder != null) {
                    throw new IOException(file + ": this liveness lock file is already open in this process for the "
                            + "domain " + holder + " (the same file under two names); opening and closing it again "
                            + "would drop that domain's liveness locks");
                }
                AsynchronousFileChannel channel = AsynchronousFileChannel.open(file,
                        Set.<OpenOption>of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                        null);
                PosixFileAttributes after = dir.stat(LOCK_FILE);
                if (after != null && key.equals(after.fileKey() != null ? after.fileKey() : file.toString())
                        && key.equals(fileKeyByPath(file, key))) {
                    HELD.put(key, dir.path());
                    return new LockFile(channel, key);
                }
                // Replaced between the check and the open: which file the channel refers to is
                // unknown. If it is a lock file this process holds, closing the channel would drop
                // its locks (POSIX), so then it stays open for good.
                if (HELD.isEmpty()) {
                    channel.close();
                } else {
                    NEVER_CLOSED.add(channel);
                }
                if (attempt > 3) {
                    throw new IOException(file + ": the liveness lock file keeps being replaced while it is opened");
                }
            } finally {
                HELD_LOCK.unlock();
            }
        }
    }

    private static @Nullable Object fileKeyByPath(Path file, Object fallback) {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return key != null ? key : fallback;
        } catch (IOException e) {
            return null;
        }
    }

    private static void closeLockFile(AsynchronousFileChannel channel, Object key) {
        HELD_LOCK.lock();
        try {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the liveness lock file", e);
            } finally {
                HELD.remove(key);
            }
        } finally {
            HELD_LOCK.unlock();
        }
    }

    private static Registry register(SharedMemory memory, LockFile lockFile) throws IOException {
        AsynchronousFileChannel channel = lockFile.channel();
        long pid = ProcessHandle.current().pid();
        long start = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
        long startTicks = ProcessStart.ticks(pid);
        UUID boot = ProcessStart.bootId();
        int first = ThreadLocalRandom.current().nextInt(CAPACITY);
        for (int n = 0; n < 2 * CAPACITY; n++) {
            int i = (first + n) % CAPACITY;
            int off = entryOffset(i);
            long w = memory.getLongVolatile(off);
            int g = nextGeneration(generation(w));
            long claiming = word(g, CLAIMING);
            FileLock lock;
            if (state(w) == FREE) {
                if (!memory.casLong(off, w, claiming)) {
                    continue;
                }
                lock = tryLockByte(channel, i);
                if (lock == null) { // somebody is probing this entry: leave it
                    memory.casLong(off, claiming, word(g, FREE));
                    continue;
                }
            } else {
                lock = tryLockByte(channel, i); // CLAIMING or ACTIVE: free byte means its owner is gone
                if (lock == null) {
                    continue;
                }
                if (!memory.casLong(off, w, claiming)) {
                    lock.release();
                    continue;
                }
            }
            memory.setLongPlain(off + PID, pid);
            memory.setLongPlain(off + START_EPOCH_MS, start);
            memory.setLongPlain(off + NONCE, ThreadLocalRandom.current().nextLong());
            memory.setLongPlain(off + START_TICKS, startTicks);
            memory.setLongPlain(off + BOOT_ID, boot == null ? 0 : boot.getMostSignificantBits());
            memory.setLongPlain(off + BOOT_ID + 8, boot == null ? 0 : boot.getLeastSignificantBits());
            if (!memory.casLong(off, claiming, word(g, ACTIVE))) {
                lock.release();
                continue;
            }
            return new Registry(memory, channel, lockFile.key(), i, g, lock);
        }
        throw new IOException("participant registry is full: all " + CAPACITY + " entries belong to live processes");
    }

    private static @Nullable FileLock tryLockByte(AsynchronousFileChannel channel, int i) throws IOException {
        try {
            return channel.tryLock(i, 1, false);
        } catch (OverlappingFileLockException e) {
            return null; // held by this JVM
        }
    }

    @Override
    public int token() {
        return token;
    }

    /** This participant's entry index. */
    public int index() {
        return index;
    }

    @Override
    public boolean isDead(int token) {
        if (token == this.token) {
            return closed;
        }
        int i = RegistryDescriptor.tokenIndex(token);
        if (i >= CAPACITY) {
            return true; // not a token this registry ever issued
        }
        long w = memory.getLongVolatile(entryOffset(i));
        if (state(w) == FREE
                || (generation(w) & RegistryDescriptor.TOKEN_GENERATION_MASK) != RegistryDescriptor.tokenGeneration(token)) {
            return true; // closed cleanly, or the entry has been reused since
        }
        if (i == index) {
            return false; // our own entry, other generation cannot match: unreachable
        }
        probeLock.lock();
        try {
            FileLock probe = tryLockByte(lockChannel, i);
            if (probe == null) {
                return false; // held: the registrant (or a registrant-to-be) is alive
            }
            probe.release();
            return true;
        } catch (IOException e) {
            return false; // cannot prove anything
        } finally {
            probeLock.unlock();
        }
    }

    @Override
    public String describe(int token) {
        int i = RegistryDescriptor.tokenIndex(token);
        if (i >= CAPACITY) {
            return "invalid token 0x" + Integer.toHexString(token);
        }
        int off = entryOffset(i);
        return "participant " + i + "/" + RegistryDescriptor.tokenGeneration(token) + " (pid "
                + memory.getLongPlain(off + PID) + ")";
    }

    /**
     * Ends the registration: tokens of this process become dead for everybody. The liveness lock
     * goes first (releasing it is what makes the tokens dead); then, if {@code mappingIntact} says
     * the registry file still has its full length, the entry is marked {@code FREE} (a faster "dead"
     * for others, and the entry is free at once; without it the entry is reclaimed by the next
     * registrant that finds its lock byte free). Every step runs even if an earlier one fails; the
     * first failure is then thrown, with any later ones suppressed. Idempotent.
     */
    void close(BooleanSupplier mappingIntact) {
        if (closed) {
            return;
        }
        closed = true;
        Throwable failure = null;
        try {
            ownLock.release();
        } catch (IOException | RuntimeException ignored) {
            // closing the channel below releases it anyway
        }
        try {
            closeLockFile(lockChannel, lockFileKey);
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            if (mappingIntact.getAsBoolean()) {
                // Exactly our word: if a registrant already took the entry over, this CAS fails.
                memory.casLong(entryOffset(index), word(generation, ACTIVE), word(generation, FREE));
            }
        } catch (RuntimeException | Error e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }
}
