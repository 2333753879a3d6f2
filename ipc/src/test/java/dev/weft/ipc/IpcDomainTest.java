package dev.weft.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ipc.event.IpcEvent;
import dev.weft.ipc.internal.HeaderDescriptor;
import dev.weft.ipc.internal.LockDescriptor;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.testing.IpcTesting;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Domain directory, files, headers and validation of {@link IpcDomain}. */
@Timeout(60)
class IpcDomainTest {

    private Path dir;

    @BeforeEach
    void createDir() throws Exception {
        dir = IpcTesting.newDomainDir("domain-test");
    }

    @AfterEach
    void deleteDir() throws Exception {
        IpcTesting.deleteTree(dir.getParent());
    }

    @Test
    void open_newDirectory_createsOwnerOnlyDirectoryAndFiles() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            domain.lock("l");
            domain.event("e");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            for (String f : new String[] {"registry", "registry.lck", "lock.l", "event.e"}) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))))
                        .as(f).isEqualTo("rw-------");
            }
            assertThat(Files.size(dir.resolve("lock.l"))).isEqualTo(LockDescriptor.FILE_LENGTH);
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }
        }
    }

    @Test
    void open_groupPermissions_areApplied() throws Exception {
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rw-rw----");
        IpcOptions options = IpcOptions.builder().filePermissions(perms).waitBackend(IpcTesting.expectedBackend()).build();
        try (IpcDomain domain = IpcDomain.open(dir, options)) {
            domain.lock("l");
            assertThat(Files.getPosixFilePermissions(dir.resolve("lock.l"))).isEqualTo(perms);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwxrwx---");
        }
    }

    @Test
    void lock_sameName_returnsSameObjectAndSharesState() throws Exception {
        try (IpcDomain a = IpcTesting.open(dir); IpcDomain b = IpcTesting.open(dir)) {
            assertThat(a.lock("x")).isSameAs(a.lock("x"));
            IpcLock la = a.lock("x");
            IpcLock lb = b.lock("x");
            la.acquire();
            assertThat(lb.isLocked()).isTrue();
            la.release();
            assertThat(((MappedDomain) a).token()).isEqualTo(((MappedDomain) b).token());
        }
    }

    @Test
    void lockAndEvent_sameName_areDifferentObjects() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            IpcLock l = domain.lock("same");
            IpcEvent e = domain.event("same");
            l.acquire();
            assertThat(e.isSet()).isFalse();
            l.release();
        }
    }

    @Test
    void lock_invalidNames_areRejected() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            for (String bad : new String[] {"", ".hidden", "a/b", "..", "x".repeat(65), "sp ace", "é"}) {
                assertThatThrownBy(() -> domain.lock(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("was '" + bad + "'");
            }
            assertThatThrownBy(() -> domain.lock(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void lock_fileWithWrongMagic_isRejectedNamingExpectedAndActual() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            writeOwnerOnly(dir.resolve("lock.bad"), new byte[LockDescriptor.FILE_LENGTH]);
            assertThatThrownBy(() -> domain.lock("bad")).isInstanceOf(IpcFormatException.class)
                    .hasMessageContaining("not a Weft ipc file").hasMessageContaining("but was 0x0");
        }
    }

    @Test
    void lock_truncatedFile_isRejectedBeforeMapping() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            writeOwnerOnly(dir.resolve("lock.short"), new byte[100]);
            assertThatThrownBy(() -> domain.lock("short")).isInstanceOf(IpcFormatException.class)
                    .hasMessageContaining("expected " + LockDescriptor.FILE_LENGTH + " bytes but was 100");
        }
    }

    @Test
    void lock_fileOfAnotherKind_isRejected() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            domain.event("e");
            Files.copy(dir.resolve("event.e"), dir.resolve("lock.e"));
            assertThatThrownBy(() -> domain.lock("e")).isInstanceOf(IpcFormatException.class)
                    .hasMessageContaining("kind expected lock but was event");
        }
    }

    @Test
    void lock_fileOfOtherLayoutVersion_isRejected() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            domain.lock("v");
            Path copy = dir.resolve("lock.w");
            Files.copy(dir.resolve("lock.v"), copy);
            patchInt(copy, HeaderDescriptor.VERSION_OFFSET, 2 << 16);
            assertThatThrownBy(() -> domain.lock("w")).isInstanceOf(IpcFormatException.class)
                    .hasMessageContaining("layout version expected 1.x but was 2.0");
        }
    }

    @Test
    void lock_fileRecordingOtherName_isRejected() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            domain.lock("v");
            Files.copy(dir.resolve("lock.v"), dir.resolve("lock.w"));
            assertThatThrownBy(() -> domain.lock("w")).isInstanceOf(IpcFormatException.class)
                    .hasMessageContaining("object name expected 'w' but was 'v'");
        }
    }

    @Test
    void lock_symbolicLink_isRejected() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            domain.lock("target");
            Files.createSymbolicLink(dir.resolve("lock.link"), dir.resolve("lock.target"));
            assertThatThrownBy(() -> domain.lock("link")).isInstanceOf(IpcFormatException.class)
                    .hasMessageContaining("symbolic link");
        }
    }

    @Test
    void open_corruptRegistry_isRejected() throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        writeOwnerOnly(dir.resolve("registry"), new byte[10]);
        assertThatThrownBy(() -> IpcTesting.open(dir)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining("registry");
    }

    @Test
    void open_pathIsAFile_isRejected() throws Exception {
        Files.createDirectories(dir.getParent());
        Files.writeString(dir, "x");
        assertThatThrownBy(() -> IpcTesting.open(dir)).isInstanceOf(IOException.class).hasMessageContaining("not a directory");
    }

    @Test
    void close_isIdempotentAndMakesObjectsUnusable() throws Exception {
        IpcDomain domain = IpcTesting.open(dir);
        IpcEvent e = domain.event("e");
        domain.close();
        domain.close();
        assertThatThrownBy(e::set).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> domain.lock("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void waitBackend_isTheExpectedOneForThisRun() throws Exception {
        WaitBackend expected = IpcTesting.expectedBackend();
        try (IpcDomain domain = IpcDomain.open(dir)) { // AUTO: what a user gets with these JVM flags
            if (expected != WaitBackend.AUTO) {
                assertThat(domain.waitBackend()).isEqualTo(expected);
            }
            assertThat(domain.waitBackend()).isNotEqualTo(WaitBackend.AUTO);
        }
    }

    @Test
    void openDefault_usesDevShm() throws Exception {
        String name = "weft-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path expected = Path.of("/dev/shm", name);
        try {
            try (IpcDomain domain = IpcDomain.openDefault(name)) {
                assertThat(domain.directory()).isEqualTo(expected.toRealPath());
                domain.lock("l").acquire();
                domain.lock("l").release();
                assertThat(Files.exists(expected.resolve("lock.l"))).isTrue();
            }
        } finally {
            IpcTesting.deleteTree(expected);
        }
        assertThatThrownBy(() -> IpcDomain.openDefault("../escape")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void options_invalidValues_areRejected() {
        assertThatThrownBy(() -> IpcOptions.builder().livenessSlice(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was PT0S");
        assertThatThrownBy(() -> IpcOptions.builder().maxPark(java.time.Duration.ofNanos(10)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpcOptions.builder().filePermissions(EnumSet.of(PosixFilePermission.OWNER_READ)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OWNER_WRITE");
    }

    /** Writes a file as a domain's own files are: owner-only (a wider mode would be refused first). */
    private static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static void patchInt(Path file, int offset, int value) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value);
            ch.write(b, offset);
        }
    }
}
