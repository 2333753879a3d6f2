package dev.weft.ipc.internal;

import static dev.weft.ipc.internal.RegistryDescriptor.ACTIVE;
import static dev.weft.ipc.internal.RegistryDescriptor.CAPACITY;
import static dev.weft.ipc.internal.RegistryDescriptor.CLAIMING;
import static dev.weft.ipc.internal.RegistryDescriptor.FREE;
import static dev.weft.ipc.internal.RegistryDescriptor.NONCE;
import static dev.weft.ipc.internal.RegistryDescriptor.PID;
import static dev.weft.ipc.internal.RegistryDescriptor.START_EPOCH_MS;
import static dev.weft.ipc.internal.RegistryDescriptor.entryOffset;
import static dev.weft.ipc.internal.RegistryDescriptor.generation;
import static dev.weft.ipc.internal.RegistryDescriptor.nextGeneration;
import static dev.weft.ipc.internal.RegistryDescriptor.state;
import static dev.weft.ipc.internal.RegistryDescriptor.word;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
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
     *   Each process registers once per domain (per JVM: see DomainRuntime) in an entry of the mapped
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
     *
     * Linearization points
     *   register: the CAS CLAIMING(g) -> ACTIVE(g) while holding byte i. close: the store FREE(g).
     *   Death: the kernel's release of byte i at process exit.
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

    private final SharedMemory memory;
    private final AsynchronousFileChannel lockChannel;
    private final ReentrantLock probeLock = new ReentrantLock();
    private final int index;
    private final int generation;
    private final int token;
    private final FileLock ownLock;
    private volatile boolean closed;

    private Registry(SharedMemory memory, AsynchronousFileChannel lockChannel, int index, int generation,
            FileLock ownLock) {
        this.memory = memory;
        this.lockChannel = lockChannel;
        this.index = index;
        this.generation = generation;
        this.token = RegistryDescriptor.token(index, generation);
        this.ownLock = ownLock;
    }

    /** Opens (creating if needed) the registry in {@code dir} and registers this process. */
    static Registry open(Path dir, Set<PosixFilePermission> permissions) throws IOException {
        SharedMemory memory = SharedFiles.createOrAttach(dir, REGISTRY_FILE, HeaderDescriptor.KIND_REGISTRY,
                RegistryDescriptor.FILE_LENGTH, CAPACITY, REGISTRY_FILE, permissions);
        Path lockFile = dir.resolve(LOCK_FILE);
        boolean created = !java.nio.file.Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS);
        AsynchronousFileChannel channel = AsynchronousFileChannel.open(lockFile,
                Set.<java.nio.file.OpenOption>of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS),
                null, SharedFiles.attributes(dir, permissions));
        if (created) {
            try {
                SharedFiles.applyPermissions(lockFile, permissions);
            } catch (IOException e) {
                // created concurrently by another user's process: keep its permissions
            }
        }
        try {
            return register(memory, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Registry register(SharedMemory memory, AsynchronousFileChannel channel) throws IOException {
        long pid = ProcessHandle.current().pid();
        long start = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
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
            if (!memory.casLong(off, claiming, word(g, ACTIVE))) {
                lock.release();
                continue;
            }
            return new Registry(memory, channel, i, g, lock);
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

    /** Ends the registration: tokens of this process become dead for everybody. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        int off = entryOffset(index);
        memory.casLong(off, word(generation, ACTIVE), word(generation, FREE));
        try {
            ownLock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it anyway
        }
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // nothing else holds locks on it
        }
    }
}
