package dev.weft.ipc.internal;

import dev.weft.ipc.IpcFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Creates and attaches the self-describing files of a domain.
 *
 * <h2>Creation protocol</h2>
 * <ol>
 *   <li>Write the whole file (header and zeroed body) under a unique temporary name
 *       ({@code .<file>.<pid>.<random>.tmp}, {@code CREATE_NEW}, then exactly the domain's
 *       permissions). Writing every byte, rather than extending with {@code setLength}, makes a full
 *       tmpfs fail here with an {@link IOException} instead of a later {@code SIGBUS} on a hole.</li>
 *   <li>Publish it with {@code link(2)} to the final name, which fails if the name exists: exactly
 *       one creator wins, and nobody can ever open a half-written file.</li>
 *   <li>Remove the temporary name. A creator killed before this leaves a harmless {@code .tmp}
 *       file.</li>
 * </ol>
 * This replaces the reference design's "initState word plus init lock" with something that has no
 * half-initialised state at all. A failure names the domain directory and the object, never the
 * temporary file ({@link DomainDirectory#publish}).
 *
 * <h2>Attach</h2>
 * Every step goes through the verified domain directory ({@link DomainDirectory}): the file is
 * looked up without following a symbolic link and must be a regular file that passes the owner and
 * mode rules; it is opened ({@code O_NOFOLLOW}), checked again, and must still be the same file
 * (device and inode). Its size is read from the open descriptor and checked <em>before</em>
 * mapping, so that a short file cannot cause {@code SIGBUS}; then the header is checked field by
 * field ({@link HeaderDescriptor#check}).
 */
public final class SharedFiles {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

    private SharedFiles() {}

    /** Checks an object or domain name; throws naming the rule and the value. */
    public static String checkName(String name) {
        if (name == null) {
            throw new NullPointerException("name");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1 to 64 characters from [A-Za-z0-9._-], not starting "
                    + "with a dot, was '" + name + "'");
        }
        return name;
    }

    /** Directory permissions matching file permissions: each read or write bit adds its execute bit. */
    static Set<PosixFilePermission> directoryPermissions(Set<PosixFilePermission> file) {
        EnumSet<PosixFilePermission> dir = EnumSet.copyOf(file);
        dir.add(PosixFilePermission.OWNER_EXECUTE);
        if (file.contains(PosixFilePermission.GROUP_READ) || file.contains(PosixFilePermission.GROUP_WRITE)) {
            dir.add(PosixFilePermission.GROUP_EXECUTE);
        }
        if (file.contains(PosixFilePermission.OTHERS_READ) || file.contains(PosixFilePermission.OTHERS_WRITE)) {
            dir.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        return dir;
    }

    /**
     * Maps the file {@code fileName} in {@code dir}, creating it with a fresh header if absent.
     *
     * @param what the file's role, for messages ("lock 'x'")
     * @return the mapping, in {@code scope}, header checked
     */
    static SharedMemory createOrAttach(DomainDirectory dir, String fileName, int kind, int length, int parameter,
            String objectName, String what, MappingScope scope) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                SharedMemory memory = attach(dir, fileName, what, length, scope);
                HeaderDescriptor.check(dir.file(fileName), memory, kind, length, parameter, objectName);
                return memory;
            } catch (NoSuchFileException absent) {
                if (attempt > 3) {
                    throw absent; // created, then gone: someone keeps deleting it
                }
                ByteBuffer header = ByteBuffer.allocate(HeaderDescriptor.HEADER_LENGTH).order(ByteOrder.nativeOrder());
                HeaderDescriptor.write(header, kind, length, parameter, objectName);
                dir.publish(fileName, header, length, dir.filePermissions(), what);
            }
        }
    }

    /** Writes the kind-specific start of a new file's image, after the header. */
    @FunctionalInterface
    interface BodyWriter {
        void write(ByteBuffer prefix);
    }

    /** Checks the kind-specific part of a mapped file against what the caller asked for. */
    @FunctionalInterface
    interface BodyChecker {
        void check(Path file, SharedMemory memory) throws IpcFormatException;
    }

    /**
     * Maps the file {@code fileName} in {@code dir}, whose length depends on its parameters,
     * creating it if absent.
     *
     * <p>Creation writes the header and {@code prefixLength} bytes of body prepared by
     * {@code writer}, then zeros up to {@code length}, in chunks (the whole image is never held in
     * memory), and publishes the file with the same {@code link(2)} protocol as
     * {@link #createOrAttach}. Attaching maps the file at its actual size (which the header must
     * record), checks the header (parameter 0) and then lets {@code checker} compare the
     * parameters, so that a mismatch is reported by name ("capacity expected 1024 but was 64")
     * rather than as a length difference.
     *
     * @param what the file's role, for messages ("queue 'q'")
     * @param create whether to create the file when it does not exist ({@code false}: attach only)
     * @return the mapping, in {@code scope}, checked
     * @throws java.nio.file.NoSuchFileException if absent and {@code create} is false
     */
    static SharedMemory createOrAttachSized(DomainDirectory dir, String fileName, int kind, String objectName,
            String what, boolean create, int length, int prefixLength, BodyWriter writer, BodyChecker checker,
            MappingScope scope) throws IOException {
        Path file = dir.file(fileName);
        for (int attempt = 0; ; attempt++) {
            try {
                SharedMemory memory = attach(dir, fileName, what, -1, scope);
                HeaderDescriptor.check(file, memory, kind, memory.length(), 0, objectName);
                checker.check(file, memory);
                return memory;
            } catch (NoSuchFileException absent) {
                if (!create || attempt > 3) {
                    throw absent;
                }
                ByteBuffer prefix = ByteBuffer.allocate(prefixLength).order(ByteOrder.nativeOrder());
                writer.write(prefix);
                HeaderDescriptor.write(prefix, kind, length, 0, objectName);
                dir.publish(fileName, prefix, length, dir.filePermissions(), what);
            }
        }
    }

    /**
     * Opens, checks and maps the whole of {@code fileName} (header not checked yet).
     *
     * @param length the file's fixed length, checked before mapping; -1 if the header records it
     * @throws NoSuchFileException if there is no such file (or it keeps being replaced)
     */
    private static SharedMemory attach(DomainDirectory dir, String fileName, String what, int length,
            MappingScope scope) throws IOException {
        Path file = dir.file(fileName);
        for (int attempt = 0; ; attempt++) {
            PosixFileAttributes before = dir.stat(fileName);
            if (before == null) {
                throw new NoSuchFileException(file.toString());
            }
            dir.checkFile(fileName, before, what); // type, owner, mode: before opening anything
            try (FileChannel channel = dir.openReadWrite(fileName)) {
                PosixFileAttributes after = dir.stat(fileName);
                if (after == null || !Objects.equals(after.fileKey(), before.fileKey())) {
                    if (attempt < 3) {
                        continue; // replaced between the check and the open: look again
                    }
                    throw new NoSuchFileException(file.toString(), null, "keeps being replaced while it is opened");
                }
                dir.checkFile(fileName, after, what);
                long size = channel.size(); // of the file actually opened
                if (length >= 0) {
                    HeaderDescriptor.checkLength(file, size, length);
                }
                if (size < HeaderDescriptor.HEADER_LENGTH || size > Integer.MAX_VALUE) {
                    throw new IpcFormatException(file, "file length expected between " + HeaderDescriptor.HEADER_LENGTH
                            + " and " + Integer.MAX_VALUE + " bytes but was " + size);
                }
                return SharedMemory.map(channel, file, (int) size, scope, after.fileKey());
            }
        }
    }
}
