package dev.weft.ipc.internal;

import dev.weft.ipc.IpcFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Creates and attaches the self-describing files of a domain.
 *
 * <h2>Creation protocol</h2>
 * <ol>
 *   <li>Write the whole file (header and zeroed body) under a unique temporary name
 *       ({@code .<file>.<pid>.<random>.tmp}, {@code CREATE_NEW}, the domain's permissions). Writing
 *       every byte, rather than extending with {@code setLength}, makes a full tmpfs fail here with
 *       an {@link IOException} instead of a later {@code SIGBUS} on a hole.</li>
 *   <li>Publish it with {@code link(2)} to the final name, which fails if the name exists: exactly
 *       one creator wins, and nobody can ever open a half-written file.</li>
 *   <li>Remove the temporary name. A creator killed before this leaves a harmless {@code .tmp}
 *       file.</li>
 * </ol>
 * This replaces the reference design's "initState word plus init lock" with something that has no
 * half-initialised state at all.
 *
 * <h2>Attach</h2>
 * The file must be a regular file (symbolic links are not followed) of exactly the layout's length,
 * checked <em>before</em> mapping so that a short file cannot cause {@code SIGBUS}; then the header
 * is checked field by field ({@link HeaderDescriptor#check}).
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

    /** Sets exactly {@code permissions} on {@code path} (POSIX file systems only). */
    static void applyPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    static FileAttribute<?>[] attributes(Path dir, Set<PosixFilePermission> permissions) {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
        }
        return new FileAttribute<?>[0];
    }

    /**
     * Maps the file {@code fileName} in {@code dir}, creating it with a fresh header if absent.
     *
     * @return the mapping, header checked
     */
    static SharedMemory createOrAttach(Path dir, String fileName, int kind, int length, int parameter,
            String objectName, Set<PosixFilePermission> permissions) throws IOException {
        Path file = dir.resolve(fileName);
        for (int attempt = 0; ; attempt++) {
            try {
                return attach(file, kind, length, parameter, objectName);
            } catch (NoSuchFileException absent) {
                create(dir, file, kind, length, parameter, objectName, permissions);
                if (attempt > 3) {
                    throw absent; // created, then gone: someone keeps deleting it
                }
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
     * @param create whether to create the file when it does not exist ({@code false}: attach only)
     * @return the mapping, checked
     * @throws java.nio.file.NoSuchFileException if absent and {@code create} is false
     */
    static SharedMemory createOrAttachSized(Path dir, String fileName, int kind, String objectName,
            Set<PosixFilePermission> permissions, boolean create, int length, int prefixLength, BodyWriter writer,
            BodyChecker checker) throws IOException {
        Path file = dir.resolve(fileName);
        for (int attempt = 0; ; attempt++) {
            try {
                SharedMemory memory = attachSized(file, kind, objectName);
                checker.check(file, memory);
                return memory;
            } catch (NoSuchFileException absent) {
                if (!create || attempt > 3) {
                    throw absent;
                }
                ByteBuffer prefix = ByteBuffer.allocate(prefixLength).order(ByteOrder.nativeOrder());
                writer.write(prefix);
                HeaderDescriptor.write(prefix, kind, length, 0, objectName);
                publish(dir, file, prefix, length, permissions);
            }
        }
    }

    private static SharedMemory attachSized(Path file, int kind, String objectName) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isRegularFile()) {
            throw new IpcFormatException(file, "expected a regular file but found a "
                    + (attrs.isSymbolicLink() ? "symbolic link" : attrs.isDirectory() ? "directory" : "special file"));
        }
        long size = attrs.size();
        if (size < HeaderDescriptor.HEADER_LENGTH || size > Integer.MAX_VALUE) {
            throw new IpcFormatException(file, "file length expected between " + HeaderDescriptor.HEADER_LENGTH
                    + " and " + Integer.MAX_VALUE + " bytes but was " + size);
        }
        SharedMemory memory = SharedMemory.map(file, (int) size);
        HeaderDescriptor.check(file, memory, kind, (int) size, 0, objectName);
        return memory;
    }

    /** Writes {@code prefix} then zeros up to {@code length} under a temporary name, then links it to {@code file}. */
    private static void publish(Path dir, Path file, ByteBuffer prefix, int length, Set<PosixFilePermission> permissions)
            throws IOException {
        Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (SeekableByteChannel ch = Files.newByteChannel(tmp,
                    Set.<java.nio.file.OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    attributes(dir, permissions))) {
                prefix.clear();
                while (prefix.hasRemaining()) {
                    ch.write(prefix);
                }
                ByteBuffer zeros = ByteBuffer.allocate(Math.min(1 << 20, Math.max(1, length - prefix.capacity())));
                long written = prefix.capacity();
                while (written < length) {
                    zeros.clear();
                    zeros.limit((int) Math.min(zeros.capacity(), length - written));
                    written += ch.write(zeros);
                }
            }
            applyPermissions(tmp, permissions);
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException lost) {
                // another process published first: attach to its file
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static SharedMemory attach(Path file, int kind, int length, int parameter, String objectName)
            throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isRegularFile()) {
            throw new IpcFormatException(file, "expected a regular file but found a "
                    + (attrs.isSymbolicLink() ? "symbolic link" : attrs.isDirectory() ? "directory" : "special file"));
        }
        HeaderDescriptor.checkLength(file, attrs.size(), length);
        SharedMemory memory = SharedMemory.map(file, length);
        HeaderDescriptor.check(file, memory, kind, length, parameter, objectName);
        return memory;
    }

    private static void create(Path dir, Path file, int kind, int length, int parameter, String objectName,
            Set<PosixFilePermission> permissions) throws IOException {
        ByteBuffer image = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        HeaderDescriptor.write(image, kind, length, parameter, objectName);
        Path tmp = dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (SeekableByteChannel ch = Files.newByteChannel(tmp,
                    Set.<java.nio.file.OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    attributes(dir, permissions))) {
                while (image.hasRemaining()) {
                    ch.write(image);
                }
            }
            applyPermissions(tmp, permissions); // the create-time attribute is narrowed by the umask
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException lost) {
                // another process published first: attach to its file
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
