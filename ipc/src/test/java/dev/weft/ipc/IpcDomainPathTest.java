package dev.weft.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.testing.Child;
import dev.weft.ipc.testing.IpcTesting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a domain path is resolved, and one JVM reaching one domain directory through several paths
 * (a symbolically linked parent, a bind mount).
 */
@Timeout(120)
class IpcDomainPathTest {

    private Path base;

    @BeforeEach
    void createBase() throws Exception {
        base = IpcTesting.newDomainDir("path-test").getParent().toRealPath();
    }

    @AfterEach
    void deleteBase() throws Exception {
        IpcTesting.deleteTree(base);
    }

    @Test
    void open_dotDotAfterSymbolicLink_isResolvedByTheOperatingSystem() throws Exception {
        Files.createDirectories(base.resolve("x/y"));
        Files.createSymbolicLink(base.resolve("link"), base.resolve("x/y"));
        // The OS reads link/.. as the parent of link's target, x; textual normalisation would give base.
        Path requested = base.resolve("link/../d");
        try (IpcDomain domain = IpcTesting.open(requested)) {
            domain.lock("l");
            assertThat(domain.directory()).isEqualTo(base.resolve("x/d"));
        }
        assertThat(base.resolve("x/d/lock.l")).exists();
        assertThat(base.resolve("d")).doesNotExist();
    }

    @Test
    void open_sameDirectoryThroughSymbolicallyLinkedParent_sharesOneRegistration() throws Exception {
        Files.createDirectories(base.resolve("real"));
        Files.createSymbolicLink(base.resolve("alias"), base.resolve("real"));
        try (IpcDomain a = IpcTesting.open(base.resolve("real/domain"));
                IpcDomain b = IpcTesting.open(base.resolve("alias/domain"))) {
            assertThat(((MappedDomain) b).token()).isEqualTo(((MappedDomain) a).token());
            IpcLock lock = a.lock("l");
            lock.acquire();
            assertThat(b.lock("l").isLocked()).isTrue();
            lock.release();
        }
    }

    /**
     * Two domain directories whose {@code registry.lck} is one file (a hard link): opening the
     * second would put a second descriptor on a file whose liveness lock the first holds, and closing
     * it would drop that lock.
     */
    @Test
    void open_registryLockFileHardLinkedToOneAlreadyOpen_isRefused() throws Exception {
        Path first = base.resolve("first");
        Path second = base.resolve("second");
        try (IpcDomain a = IpcTesting.open(first)) {
            Files.createDirectories(second);
            Files.setPosixFilePermissions(second, PosixFilePermissions.fromString("rwx------"));
            Files.createLink(second.resolve("registry.lck"), first.resolve("registry.lck"));
            assertThatThrownBy(() -> IpcTesting.open(second)).isInstanceOf(IOException.class)
                    .hasMessageContaining("already open in this process");
            try (Child probe = Child.start("probe", first, "")) {
                IpcLock lock = a.lock("held");
                lock.acquire();
                assertThat(probe.call("try held")).as("the holder is alive").isEqualTo("NOT_ACQUIRED");
                lock.release();
            }
        }
    }

    /**
     * One JVM opens a domain through two paths of one directory. Closing the second handle must not
     * drop the liveness lock of the first: were the registry lock file opened twice, closing one
     * descriptor would release every fcntl lock of the process on that file (a POSIX rule), and other
     * processes would take the live holder's lock over as if it had died.
     */
    @Test
    void close_secondHandleThroughBindMount_leavesFirstHandlesLockHolderAlive() throws Exception {
        Path real = base.resolve("real");
        Path alias = base.resolve("alias");
        Files.createDirectories(real);
        Files.createDirectories(alias);
        assumeTrue(IpcTesting.exec("mount", "--bind", real.toString(), alias.toString()) == 0,
                "needs mount --bind (root)");
        try {
            Path dirA = real.resolve("domain");
            Path dirB = alias.resolve("domain");
            try (IpcDomain a = IpcTesting.open(dirA)) {
                IpcLock lock = a.lock("held");
                lock.acquire();
                IpcDomain b = IpcTesting.open(dirB);
                b.lock("held");
                b.close();
                try (Child probe = Child.start("probe", dirA, "")) {
                    assertThat(probe.call("try held")).as("the holder is alive").isEqualTo("NOT_ACQUIRED");
                }
                assertThat(lock.isLocked()).isTrue();
                lock.release();
            }
        } finally {
            IpcTesting.exec("umount", "--lazy", alias.toString());
        }
    }

    @Test
    void open_sameDirectoryThroughBindMount_sharesOneRegistration() throws Exception {
        Path real = base.resolve("real");
        Path alias = base.resolve("alias");
        Files.createDirectories(real);
        Files.createDirectories(alias);
        assumeTrue(IpcTesting.exec("mount", "--bind", real.toString(), alias.toString()) == 0,
                "needs mount --bind (root)");
        try {
            try (IpcDomain a = IpcTesting.open(real.resolve("domain"));
                    IpcDomain b = IpcTesting.open(alias.resolve("domain"))) {
                assertThat(((MappedDomain) b).token()).isEqualTo(((MappedDomain) a).token());
                assertThat(b.directory()).isEqualTo(alias.resolve("domain"));
            }
        } finally {
            IpcTesting.exec("umount", "--lazy", alias.toString());
        }
    }
}
