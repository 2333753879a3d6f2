package dev.weft.ipc.internal;

import dev.weft.ipc.IpcFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Layout of the header that starts every Weft ipc file (lock, event, registry, queue).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     magic "WEFT-IPC" (8 B)                    |  0
 *  +---------------------------------------------------------------+
 *  |        layout version (major &lt;&lt; 16 | minor), written last       |  8
 *  +---------------------------------------------------------------+
 *  |           kind (1 lock, 2 event, 3 registry, 4 queue)         | 12
 *  +---------------------------------------------------------------+
 *  |                       file length (bytes)                     | 16
 *  +---------------------------------------------------------------+
 *  |                  parameter (kind-specific, 0 if none)         | 20
 *  +---------------------------------------------------------------+
 *  |                        creator pid (8 B)                      | 24
 *  +---------------------------------------------------------------+
 *  |                 creation time, epoch ms (8 B)                 | 32
 *  +---------------------------------------------------------------+
 *  |                    object name length (bytes)                 | 40
 *  +---------------------------------------------------------------+
 *  |                  reserved, zero (44 .. 63)                    | 44
 *  +---------------------------------------------------------------+
 *  |              object name, UTF-8, zero padded (64 B)           | 64
 *  +---------------------------------------------------------------+
 *  |                     kind-specific body ...                    | 128
 * </pre>
 *
 * All fields are in the host's native byte order (the files never leave the host; a file from a
 * host of the other byte order fails the magic check). A file is published complete: it is written
 * under a temporary name and then hard-linked to its final name, so an attacher never sees a
 * partial header; the version is still written last, as a ready mark, and checked on attach.
 */
public final class HeaderDescriptor {

    /** "WEFT-IPC" in ASCII, read as a native-order long. */
    public static final long MAGIC = ByteBuffer.wrap("WEFT-IPC".getBytes(StandardCharsets.US_ASCII))
            .order(ByteOrder.nativeOrder()).getLong(0);
    /** Layout major version: a reader rejects any other major. */
    public static final int VERSION_MAJOR = 1;
    /** Layout minor version: additions a reader of the same major may ignore. */
    public static final int VERSION_MINOR = 0;
    /** The version word as stored (lock, event and registry files; queue files have their own, see {@link #version(int)}). */
    public static final int VERSION = VERSION_MAJOR << 16 | VERSION_MINOR;

    /** The version word of files of {@code kind}: queues have theirs ({@link QueueDescriptor#VERSION_MAJOR}). */
    public static int version(int kind) {
        return kind == KIND_QUEUE ? QueueDescriptor.VERSION_MAJOR << 16 | QueueDescriptor.VERSION_MINOR : VERSION;
    }

    public static final int KIND_LOCK = 1;
    public static final int KIND_EVENT = 2;
    public static final int KIND_REGISTRY = 3;
    public static final int KIND_QUEUE = 4;
    public static final int KIND_SEMAPHORE = 5;
    public static final int KIND_RLOCK = 6;
    public static final int KIND_BARRIER = 7;
    public static final int KIND_CONDITION = 8;

    public static final int MAGIC_OFFSET;
    public static final int VERSION_OFFSET;
    public static final int KIND_OFFSET;
    public static final int FILE_LENGTH_OFFSET;
    public static final int PARAMETER_OFFSET;
    public static final int CREATOR_PID_OFFSET;
    public static final int CREATED_EPOCH_MS_OFFSET;
    public static final int NAME_LENGTH_OFFSET;
    public static final int NAME_OFFSET;
    /** Longest object name, in UTF-8 bytes. */
    public static final int NAME_MAX_BYTES = 64;
    /** Bytes of the header; bodies start here. */
    public static final int HEADER_LENGTH;
    /** Size of a cache-line pair: hot words sit alone on one (adjacent-line prefetch). */
    public static final int LINE_PAIR = 128;

    static {
        int offset = 0;
        MAGIC_OFFSET = offset;
        offset += Long.BYTES;
        VERSION_OFFSET = offset;
        offset += Integer.BYTES;
        KIND_OFFSET = offset;
        offset += Integer.BYTES;
        FILE_LENGTH_OFFSET = offset;
        offset += Integer.BYTES;
        PARAMETER_OFFSET = offset;
        offset += Integer.BYTES;
        CREATOR_PID_OFFSET = offset;
        offset += Long.BYTES;
        CREATED_EPOCH_MS_OFFSET = offset;
        offset += Long.BYTES;
        NAME_LENGTH_OFFSET = offset;
        offset = 64;
        NAME_OFFSET = offset;
        offset += NAME_MAX_BYTES;
        HEADER_LENGTH = offset;
    }

    private HeaderDescriptor() {}

    /** Human name of a kind code. */
    public static String kindName(int kind) {
        return switch (kind) {
            case KIND_LOCK -> "lock";
            case KIND_EVENT -> "event";
            case KIND_REGISTRY -> "registry";
            case KIND_QUEUE -> "queue";
            case KIND_SEMAPHORE -> "semaphore";
            case KIND_RLOCK -> "rlock";
            case KIND_BARRIER -> "barrier";
            case KIND_CONDITION -> "condition";
            default -> "unknown kind " + kind;
        };
    }

    /**
     * Writes a complete header into {@code image} (a heap buffer of the whole file, native order).
     */
    public static void write(ByteBuffer image, int kind, int fileLength, int parameter, String name) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        checkName(nameBytes.length, name);
        image.putLong(MAGIC_OFFSET, MAGIC);
        image.putInt(KIND_OFFSET, kind);
        image.putInt(FILE_LENGTH_OFFSET, fileLength);
        image.putInt(PARAMETER_OFFSET, parameter);
        image.putLong(CREATOR_PID_OFFSET, ProcessHandle.current().pid());
        image.putLong(CREATED_EPOCH_MS_OFFSET, System.currentTimeMillis());
        image.putInt(NAME_LENGTH_OFFSET, nameBytes.length);
        image.put(NAME_OFFSET, nameBytes);
        image.putInt(VERSION_OFFSET, version(kind)); // last: the ready mark
    }

    private static void checkName(int length, String name) {
        if (length > NAME_MAX_BYTES) {
            throw new IllegalArgumentException("name must be at most " + NAME_MAX_BYTES
                    + " UTF-8 bytes, was " + length + ": " + name);
        }
    }

    /**
     * Checks a mapped header against what the caller expects; throws naming the first mismatch.
     */
    public static void check(Path file, SharedMemory memory, int kind, int fileLength, int parameter, String name)
            throws IpcFormatException {
        long magic = memory.getLongPlain(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new IpcFormatException(file, "not a Weft ipc file: magic expected 0x"
                    + Long.toHexString(MAGIC) + " but was 0x" + Long.toHexString(magic));
        }
        checkVersion(file, kind, memory.getIntAcquire(VERSION_OFFSET));
        int actualKind = memory.getIntPlain(KIND_OFFSET);
        if (actualKind != kind) {
            throw new IpcFormatException(file, "kind expected " + kindName(kind) + " but was " + kindName(actualKind));
        }
        int actualLength = memory.getIntPlain(FILE_LENGTH_OFFSET);
        if (actualLength != fileLength) {
            throw new IpcFormatException(file, "recorded file length expected " + fileLength + " but was " + actualLength);
        }
        int actualParameter = memory.getIntPlain(PARAMETER_OFFSET);
        if (actualParameter != parameter) {
            throw new IpcFormatException(file, "parameter expected " + parameter + " but was " + actualParameter);
        }
        int nameLength = memory.getIntPlain(NAME_LENGTH_OFFSET);
        if (nameLength < 0 || nameLength > NAME_MAX_BYTES) {
            throw new IpcFormatException(file, "name length expected 0.." + NAME_MAX_BYTES + " but was " + nameLength);
        }
        byte[] bytes = new byte[nameLength];
        memory.getBytes(NAME_OFFSET, bytes);
        String actualName = new String(bytes, StandardCharsets.UTF_8);
        if (!actualName.equals(name)) {
            throw new IpcFormatException(file, "object name expected '" + name + "' but was '" + actualName + "'");
        }
    }

    /** Rejects any layout major version other than {@link #VERSION_MAJOR}. */
    public static void checkVersion(Path file, int version) throws IpcFormatException {
        checkVersion(file, KIND_LOCK, version);
    }

    /** Rejects any layout major version other than that of files of {@code kind} ({@link #version(int)}). */
    public static void checkVersion(Path file, int kind, int version) throws IpcFormatException {
        int major = version(kind) >>> 16;
        if (version >>> 16 != major) {
            throw new IpcFormatException(file, "layout version expected " + major + ".x but was "
                    + (version >>> 16) + "." + (version & 0xFFFF)
                    + (version == 0 ? " (never finished initialising)"
                    : version >>> 16 < major ? " (a file of an older Weft version: remove it when no process uses it)"
                    : " (a file of a newer Weft version)"));
        }
    }

    /** Rejects a file whose size is not the layout's. */
    public static void checkLength(Path file, long actual, int expected) throws IpcFormatException {
        if (actual != expected) {
            throw new IpcFormatException(file, "file length expected " + expected + " bytes but was " + actual);
        }
    }
}
