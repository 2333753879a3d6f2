package dev.weft.ipc.internal;

import dev.weft.ipc.IpcFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * A domain directory, checked once and then used through its open descriptor.
 *
 * <h2>What is accepted</h2>
 * The directory and every file Weft uses in it must pass these checks, or the open (or the object)
 * is refused with {@link IpcFormatException}, whose message names the path, the expected and the
 * actual owner and mode:
 * <ul>
 *   <li>not a symbolic link (the directory's own last path element included), and of the right
 *       type: a directory, or a regular file (never a FIFO, socket or device);</li>
 *   <li>owned by the user of this process, unless the domain's file permissions give group or
 *       others access (a domain deliberately shared between users): then any owner is accepted,
 *       since those users may create the domain too;</li>
 *   <li>no group or other permission bit beyond what the options ask: for files exactly
 *       {@code IpcOptions.filePermissions}, for the directory the same plus the matching execute
 *       bits. Narrower is fine.</li>
 * </ul>
 * This is what stops a squatter: the default location {@code /dev/shm/<name>} is predictable, and
 * without these checks another local user could create it first (or plant a symbolic link to a
 * directory of their own) and read every message of a process that then opens the domain.
 *
 * <h2>Checking what was opened, not a path</h2>
 * The directory's attributes are read and checked before opening it ({@code lstat}, links not
 * followed) and again through the open directory descriptor ({@code fstat}); both must be the same
 * directory (device and inode), so a swap between the check and the open is caught. Every later operation on
 * a file goes through that descriptor where the platform allows ({@link SecureDirectoryStream}:
 * {@code openat}, {@code fstatat}, {@code fchmodat}, {@code unlinkat} with {@code O_NOFOLLOW} /
 * {@code AT_SYMLINK_NOFOLLOW}), so a path that is re-pointed later (a symbolic link planted in a
 * parent) cannot redirect it. A file is checked right after it is opened, through the directory
 * descriptor, and must still be the file that was checked before opening; only users who may write
 * the (verified) directory could swap it in between, and those are trusted by the rules above.
 * Permissions of a new file are set on the file in the directory ({@code fchmodat}), and those of a
 * new directory on its descriptor ({@code fchmod}), never through a path from the root.
 *
 * <h2>Path resolution</h2>
 * {@link #resolve} lets the operating system resolve the parent ({@code toRealPath}), so
 * {@code a/link/../d} means what it means to the kernel (the parent of link's target), not what
 * textual normalisation would make of it; only the last element must be a plain name.
 *
 * <p>Not thread-safe for {@link #close()} against other calls; the owner (a domain runtime) closes
 * it only after its last user.
 */
final class DomainDirectory implements Closeable {

    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private static volatile @Nullable UserPrincipal processUser;

    private final Path path;
    /** The open directory; {@code null} where the platform has no secure directory stream. */
    private final @Nullable SecureDirectoryStream<Path> stream;
    private final Object identity;
    private final Set<PosixFilePermission> filePermissions;

    private DomainDirectory(Path path, @Nullable SecureDirectoryStream<Path> stream, Object identity,
            Set<PosixFilePermission> filePermissions) {
        this.path = path;
        this.stream = stream;
        this.identity = identity;
        this.filePermissions = Set.copyOf(filePermissions);
    }

    /**
     * The directory {@code requested} names, resolved by the operating system: its parent is
     * created if missing (with {@code parentPermissions}) and replaced by its real path; the last
     * element is kept as given (it is checked, never followed, by {@link #open}).
     *
     * @throws IOException if the parent cannot be created or resolved, or {@code requested} is a
     *     file system root
     */
    static Path resolve(Path requested, Set<PosixFilePermission> parentPermissions) throws IOException {
        Path absolute = requested.toAbsolutePath();
        Path name = absolute.getFileName();
        Path parent = absolute.getParent();
        if (name == null || parent == null) {
            throw new IOException("a domain directory cannot be a file system root: " + requested);
        }
        if (Files.notExists(parent)) {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(parentPermissions));
        }
        Path realParent = parent.toRealPath();
        return switch (name.toString()) {
            case "." -> realParent;
            case ".." -> realParent.getParent() == null ? realParent : realParent.getParent();
            default -> realParent.resolve(name.toString());
        };
    }

    /**
     * Opens (creating it if absent, with the directory permissions matching {@code filePermissions})
     * and checks the domain directory {@code requested}.
     *
     * @throws IpcFormatException if the directory is a symbolic link, not a directory, replaced
     *     while being opened, or fails the owner and mode rules
     * @throws IOException if it cannot be created or opened
     */
    static DomainDirectory open(Path requested, Set<PosixFilePermission> filePermissions) throws IOException {
        Set<PosixFilePermission> dirPermissions = SharedFiles.directoryPermissions(filePermissions);
        Path dir = resolve(requested, dirPermissions);
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            throw new IOException("ipc domains need a POSIX file system (owners and permissions): " + dir);
        }
        PosixFileAttributes seen = lstat(dir);
        boolean created = false;
        if (seen == null) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(dirPermissions));
                created = true;
            } catch (FileAlreadyExistsException raced) {
                // created by someone else meanwhile: checked like any existing directory
            }
            seen = lstat(dir);
            if (seen == null) {
                throw new NoSuchFileException(dir.toString(), null, "domain directory removed while being created");
            }
        }
        if (seen.isSymbolicLink()) {
            throw new IpcFormatException(dir, "domain directory expected a directory but found a symbolic link to '"
                    + readLink(dir) + "'; links are not followed, since whoever can change one chooses where "
                    + "the domain's messages go");
        }
        if (!seen.isDirectory()) {
            throw new IpcFormatException(dir, "not a directory: the domain directory's path holds a " + kind(seen));
        }
        // Refuse another user's directory before opening it at all: its owner could swap it for a
        // link to something that blocks the open (a FIFO).
        checkOwnerAndMode(dir, seen, dirPermissions, filePermissions, "domain directory");
        DirectoryStream<Path> listing = Files.newDirectoryStream(dir);
        SecureDirectoryStream<Path> stream = listing instanceof SecureDirectoryStream<Path> secure ? secure : null;
        try {
            if (stream == null) {
                listing.close(); // no descriptor-relative operations here: fall back to paths
            }
            PosixFileAttributes opened = stream != null
                    ? stream.getFileAttributeView(PosixFileAttributeView.class).readAttributes()
                    : Files.readAttributes(dir, PosixFileAttributes.class, NOFOLLOW);
            if (!Objects.equals(opened.fileKey(), seen.fileKey())) {
                throw new IpcFormatException(dir, "domain directory was replaced while it was being opened "
                        + "(identity " + seen.fileKey() + " before, " + opened.fileKey() + " after)");
            }
            if (created) { // the umask narrowed the create-time mode: set it exactly, on the open directory
                if (stream != null) {
                    stream.getFileAttributeView(PosixFileAttributeView.class).setPermissions(dirPermissions);
                    opened = stream.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
                } else {
                    Files.setPosixFilePermissions(dir, dirPermissions);
                    opened = Files.readAttributes(dir, PosixFileAttributes.class, NOFOLLOW);
                }
            }
            checkOwnerAndMode(dir, opened, dirPermissions, filePermissions, "domain directory");
            Object identity = opened.fileKey() != null ? opened.fileKey() : dir.toRealPath().toString();
            return new DomainDirectory(dir, stream, identity, filePermissions);
        } catch (IOException | RuntimeException e) {
            try {
                listing.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The directory, absolute, its parent resolved by the operating system. */
    Path path() {
        return path;
    }

    /** The directory's identity ({@code dev}, {@code inode}; its real path where the platform has no file keys). */
    Object identity() {
        return identity;
    }

    /** The path of {@code name} in this directory (for messages and path-based calls). */
    Path file(String name) {
        return path.resolve(name);
    }

    /** The permissions files of this directory must stay within (and new files get). */
    Set<PosixFilePermission> filePermissions() {
        return filePermissions;
    }

    private Path relative(String name) {
        return path.getFileSystem().getPath(name);
    }

    /**
     * The attributes of {@code name} in this directory, a symbolic link not followed, or
     * {@code null} if there is no such entry.
     */
    @Nullable PosixFileAttributes stat(String name) throws IOException {
        try {
            if (stream != null) {
                return stream.getFileAttributeView(relative(name), PosixFileAttributeView.class, NOFOLLOW)
                        .readAttributes();
            }
            return Files.readAttributes(file(name), PosixFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Checks that {@code attrs} (of {@code name}) describe a regular file that passes the owner and
     * mode rules.
     *
     * @param what the file's role, for the message ("lock 'x'", "participant registry")
     */
    void checkFile(String name, PosixFileAttributes attrs, String what) throws IOException {
        Path file = file(name);
        if (!attrs.isRegularFile()) {
            throw new IpcFormatException(file, what + ": expected a regular file but found a " + kind(attrs));
        }
        checkOwnerAndMode(file, attrs, filePermissions, filePermissions, what);
    }

    /**
     * Opens {@code name} for reading and writing, not following a symbolic link, relative to the
     * open directory.
     */
    FileChannel openReadWrite(String name) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        SeekableByteChannel channel = stream != null
                ? stream.newByteChannel(relative(name), options)
                : Files.newByteChannel(file(name), options);
        if (channel instanceof FileChannel fileChannel) {
            return fileChannel;
        }
        channel.close();
        throw new IOException("cannot map " + file(name) + ": the platform gave no FileChannel");
    }

    /**
     * Publishes a new file {@code fileName}: {@code prefix} then zeros up to {@code length}, written
     * under a unique temporary name with exactly {@code permissions}, then hard-linked to its final
     * name, which fails if the name exists (another creator won: its file is kept). A failure names
     * the domain directory and {@code what}, not the temporary file.
     *
     * @param what the file's role, for messages ("lock 'x'")
     */
    void publish(String fileName, ByteBuffer prefix, long length, Set<PosixFilePermission> permissions, String what)
            throws IOException {
        String tmp = "." + fileName + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp";
        IOException failure = null;
        try {
            Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            FileAttribute<?> mode = PosixFilePermissions.asFileAttribute(permissions);
            try (SeekableByteChannel ch = stream != null
                    ? stream.newByteChannel(relative(tmp), options, mode)
                    : Files.newByteChannel(file(tmp), options, mode)) {
                prefix.clear();
                while (prefix.hasRemaining()) {
                    ch.write(prefix);
                }
                // Write every byte (no sparse extension): a full tmpfs fails here, not with SIGBUS later.
                long written = prefix.capacity();
                ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(1, length - written)));
                while (written < length) {
                    zeros.clear();
                    zeros.limit((int) Math.min(zeros.capacity(), length - written));
                    written += ch.write(zeros);
                }
            }
            setPermissions(tmp, permissions); // the umask narrowed the create-time mode
            try {
                Files.createLink(file(fileName), file(tmp));
            } catch (FileAlreadyExistsException lost) {
                // another process published first: the caller attaches to its file
            }
        } catch (IOException e) {
            failure = creationFailure(what, fileName, e);
        } finally {
            try {
                delete(tmp);
            } catch (NoSuchFileException gone) {
                // never created
            } catch (IOException e) {
                if (failure == null) {
                    failure = creationFailure(what, fileName, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void setPermissions(String name, Set<PosixFilePermission> permissions) throws IOException {
        if (stream != null) {
            stream.getFileAttributeView(relative(name), PosixFileAttributeView.class, NOFOLLOW).setPermissions(permissions);
        } else {
            Files.setPosixFilePermissions(file(name), permissions);
        }
    }

    private void delete(String name) throws IOException {
        if (stream != null) {
            stream.deleteFile(relative(name));
        } else {
            Files.delete(file(name));
        }
    }

    /**
     * The exception for a failure to create {@code what}: it names the domain directory and the
     * object (the cause may name only the temporary file), and keeps the type of a permission error.
     */
    private IOException creationFailure(String what, String fileName, IOException cause) {
        String reason = cause instanceof FileSystemException fse && fse.getReason() != null
                ? fse.getReason() : String.valueOf(cause.getMessage());
        String message = "cannot create " + what + " (file " + fileName + ") in the ipc domain: " + reason;
        IOException failure = cause instanceof AccessDeniedException
                ? new AccessDeniedException(path.toString(), null, message)
                : new FileSystemException(path.toString(), null, message);
        failure.initCause(cause);
        return failure;
    }

    /** Closes the directory descriptor. */
    @Override
    public void close() throws IOException {
        if (stream != null) {
            stream.close();
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }

    // ---- the rules ---------------------------------------------------------------------------

    /**
     * Refuses {@code attrs} if owned by another user while {@code filePermissions} share nothing
     * with other users, or if they carry a group or other bit outside {@code allowed}.
     */
    private static void checkOwnerAndMode(Path shown, PosixFileAttributes attrs, Set<PosixFilePermission> allowed,
            Set<PosixFilePermission> filePermissions, String what) throws IOException {
        UserPrincipal user = processUser();
        boolean shared = sharesWithOthers(filePermissions);
        boolean ownerOk = shared || user.equals(attrs.owner());
        EnumSet<PosixFilePermission> beyond = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : attrs.permissions()) {
            if (!isOwnerBit(p) && !allowed.contains(p)) {
                beyond.add(p);
            }
        }
        if (ownerOk && beyond.isEmpty()) {
            return;
        }
        StringBuilder m = new StringBuilder(what).append(" expected owner ")
                .append(user instanceof ProcessUser p ? p.describe() : user.getName() + " (the user of this process)");
        if (shared) {
            m.append(" or a user it shares the domain with");
        }
        m.append(" and mode within ").append(PosixFilePermissions.toString(allowed))
                .append(", but has owner ").append(attrs.owner().getName())
                .append(" and mode ").append(PosixFilePermissions.toString(attrs.permissions())).append(": ");
        if (!ownerOk) {
            m.append("another user may have created it to read or forge this domain's messages; remove it, "
                    + "or share the domain on purpose with IpcOptions.filePermissions (group or others)");
        } else {
            m.append(describe(beyond)).append(" beyond what IpcOptions.filePermissions ")
                    .append(PosixFilePermissions.toString(filePermissions))
                    .append(" allow; narrow its mode (chmod) or widen the options");
        }
        throw new IpcFormatException(shown, m.toString());
    }

    private static String describe(Set<PosixFilePermission> beyond) {
        boolean group = beyond.stream().anyMatch(p -> p.name().startsWith("GROUP"));
        boolean others = beyond.stream().anyMatch(p -> p.name().startsWith("OTHERS"));
        return (group && others ? "group and others have" : group ? "the group has" : "others have")
                + " access (" + beyond + ")";
    }

    private static boolean isOwnerBit(PosixFilePermission p) {
        return p == PosixFilePermission.OWNER_READ || p == PosixFilePermission.OWNER_WRITE
                || p == PosixFilePermission.OWNER_EXECUTE;
    }

    /** Whether file permissions give the group or others read or write access. */
    static boolean sharesWithOthers(Set<PosixFilePermission> filePermissions) {
        return filePermissions.contains(PosixFilePermission.GROUP_READ)
                || filePermissions.contains(PosixFilePermission.GROUP_WRITE)
                || filePermissions.contains(PosixFilePermission.OTHERS_READ)
                || filePermissions.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /**
     * The user this process creates files as: on Linux the file-system uid from
     * {@code /proc/self/status}; elsewhere the owner of a temporary file it creates.
     */
    static UserPrincipal processUser() throws IOException {
        UserPrincipal user = processUser;
        if (user == null) {
            user = findProcessUser();
            processUser = user; // NOTE: benign race: every thread finds the same user
        }
        return user;
    }

    private static UserPrincipal findProcessUser() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+"); // real, effective, saved, file system
                    if (ids.length == 4) {
                        return ProcessUser.of(Integer.parseInt(ids[3]));
                    }
                }
            }
        }
        Path probe = Files.createTempFile("weft-ipc-owner", ".probe");
        try {
            return Files.getOwner(probe);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /**
     * A user by number, equal to the owners the file system reports for that uid, named by its
     * account name where {@code /proc/self} (owned by this process's user) gives one.
     */
    private record ProcessUser(int uid, UserPrincipal principal, String name) implements UserPrincipal {

        static UserPrincipal of(int uid) throws IOException {
            // A purely numeric "name" is taken as the uid when no account has that name.
            UserPrincipal principal = FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByName(Integer.toString(uid));
            String name = Integer.toString(uid);
            try {
                UserPrincipal self = Files.getOwner(Path.of("/proc/self"));
                if (self.equals(principal)) {
                    name = self.getName();
                }
            } catch (IOException | UnsupportedOperationException e) {
                // keep the number
            }
            return new ProcessUser(uid, principal, name);
        }

        /** For messages: "root (uid 0, the user of this process)". */
        String describe() {
            return name.equals(Integer.toString(uid)) ? "uid " + uid + " (the user of this process)"
                    : name + " (uid " + uid + ", the user of this process)";
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ProcessUser p ? p.uid == uid : principal.equals(other);
        }

        @Override
        public int hashCode() {
            return principal.hashCode();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static @Nullable PosixFileAttributes lstat(Path path) throws IOException {
        try {
            return Files.readAttributes(path, PosixFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    /** The type of a file, for messages. */
    static String kind(BasicFileAttributes attrs) {
        return attrs.isSymbolicLink() ? "symbolic link"
                : attrs.isDirectory() ? "directory"
                : attrs.isRegularFile() ? "regular file"
                : "special file (a FIFO, socket or device)";
    }
}
