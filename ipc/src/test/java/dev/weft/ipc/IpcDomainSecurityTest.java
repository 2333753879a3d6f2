package dev.weft.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who may have made the domain's directory and files: a directory or file that another user could
 * have planted, or that lets more users read or write than the options ask, is refused.
 *
 * <p>Tests that need "another user" give files to uid {@value IpcTesting#OTHER_UID} and are skipped
 * where this process may not do that (not root).
 */
@Timeout(60)
class IpcDomainSecurityTest {

    private Path base;
    private Path dir;

    @BeforeEach
    void createDir() throws Exception {
        dir = IpcTesting.newDomainDir("security-test");
        base = dir.getParent();
    }

    @AfterEach
    void deleteDir() throws Exception {
        IpcTesting.deleteTree(base);
    }

    private void createOwnerOnlyDirectory(Path d) throws Exception {
        Files.createDirectories(d);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
    }

    // ---- the directory ---------------------------------------------------------------------

    @Test
    void open_directoryOwnedByAnotherUser_isRefusedNamingOwners() throws Exception {
        createOwnerOnlyDirectory(dir);
        assumeTrue(IpcTesting.chownToOtherUser(dir), "needs permission to chown (root)");
        assertThatThrownBy(() -> IpcTesting.open(dir)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("owner")
                .hasMessageContaining(Files.getOwner(dir).getName());
        try (var files = Files.list(dir)) {
            assertThat(files).as("nothing written into the refused directory").isEmpty();
        }
    }

    @Test
    void openDefault_squattedDevShmDirectoryOfAnotherUser_isRefused() throws Exception {
        String name = "weft-test-squat-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path squatted = MappedDomain.DEFAULT_ROOT.resolve(name);
        try {
            Files.createDirectory(squatted);
            Files.setPosixFilePermissions(squatted, PosixFilePermissions.fromString("rwxrwxrwx"));
            assumeTrue(IpcTesting.chownToOtherUser(squatted), "needs permission to chown (root)");
            assertThatThrownBy(() -> IpcDomain.openDefault(name)).isInstanceOf(IpcFormatException.class)
                    .hasMessageContaining(squatted.toString())
                    .hasMessageContaining("rwxrwxrwx");
            try (var files = Files.list(squatted)) {
                assertThat(files).isEmpty();
            }
        } finally {
            IpcTesting.deleteTree(squatted);
        }
    }

    @Test
    void open_ownDirectoryReadableByOthers_isRefusedNamingExpectedAndActualMode() throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> IpcTesting.open(dir)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("rwxr-xr-x")
                .hasMessageContaining("rwx------");
    }

    @Test
    void open_ownDirectoryWritableByGroupWhenOptionsAskOwnerOnly_isRefused() throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(() -> IpcTesting.open(dir)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining("rwxrwx---");
    }

    @Test
    void open_groupDirectoryWhenOptionsShareWithGroup_isAccepted() throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        IpcOptions options = IpcOptions.builder().filePermissions(PosixFilePermissions.fromString("rw-rw----"))
                .waitBackend(IpcTesting.expectedBackend()).livenessSlice(IpcTesting.SLICE).build();
        try (IpcDomain domain = IpcDomain.open(dir, options)) {
            domain.lock("l");
        }
    }

    @Test
    void open_directoryOfAnotherUserWhenOptionsShareWithGroup_isAccepted() throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        assumeTrue(IpcTesting.chownToOtherUser(dir), "needs permission to chown (root)");
        IpcOptions options = IpcOptions.builder().filePermissions(PosixFilePermissions.fromString("rw-rw----"))
                .waitBackend(IpcTesting.expectedBackend()).livenessSlice(IpcTesting.SLICE).build();
        try (IpcDomain domain = IpcDomain.open(dir, options)) {
            domain.lock("l");
        }
    }

    @Test
    void open_directoryIsSymbolicLink_isRefused() throws Exception {
        Path target = base.resolve("target");
        createOwnerOnlyDirectory(target);
        Files.createSymbolicLink(dir, target);
        assertThatThrownBy(() -> IpcTesting.open(dir)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("symbolic link");
        try (var files = Files.list(target)) {
            assertThat(files).as("nothing written through the link").isEmpty();
        }
    }

    // ---- the files ---------------------------------------------------------------------------

    @Test
    void lock_fileOwnedByAnotherUser_isRefused() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            domain.lock("x");
        }
        assumeTrue(IpcTesting.chownToOtherUser(dir.resolve("lock.x")), "needs permission to chown (root)");
        try (IpcDomain domain = IpcTesting.open(dir)) {
            assertThatThrownBy(() -> domain.lock("x")).isInstanceOf(IpcFormatException.class)
                    .hasMessageContaining(dir.resolve("lock.x").toString())
                    .hasMessageContaining("owner");
        }
    }

    @Test
    void event_fileReadableByOthers_isRefused() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            domain.event("e");
        }
        Files.setPosixFilePermissions(dir.resolve("event.e"), PosixFilePermissions.fromString("rw-r--r--"));
        try (IpcDomain domain = IpcTesting.open(dir)) {
            assertThatThrownBy(() -> domain.event("e")).isInstanceOf(IpcFormatException.class)
                    .hasMessageContaining(dir.resolve("event.e").toString())
                    .hasMessageContaining("rw-r--r--")
                    .hasMessageContaining("rw-------");
        }
    }

    @Test
    void open_registryOwnedByAnotherUser_isRefused() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            domain.lock("l");
        }
        assumeTrue(IpcTesting.chownToOtherUser(dir.resolve("registry")), "needs permission to chown (root)");
        assertThatThrownBy(() -> IpcTesting.open(dir)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining(dir.resolve("registry").toString());
    }

    @Test
    void open_registryLockFileWritableByOthers_isRefused() throws Exception {
        try (IpcDomain domain = IpcTesting.open(dir)) {
            domain.lock("l");
        }
        Files.setPosixFilePermissions(dir.resolve("registry.lck"), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> IpcTesting.open(dir)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining(dir.resolve("registry.lck").toString())
                .hasMessageContaining("rw-rw-rw-");
    }

    @Test
    void open_registryLockFileIsFifo_isRefused() throws Exception {
        createOwnerOnlyDirectory(dir);
        Path fifo = dir.resolve("registry.lck");
        assumeTrue(IpcTesting.exec("mkfifo", "-m", "600", fifo.toString()) == 0, "needs mkfifo");
        assertThatThrownBy(() -> IpcTesting.open(dir)).isInstanceOf(IpcFormatException.class)
                .hasMessageContaining(fifo.toString())
                .hasMessageContaining("regular file");
    }
}
