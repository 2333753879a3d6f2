package dev.weft.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.ipc.event.IpcEvent;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.queue.IpcQueue;
import dev.weft.ipc.testing.IpcTesting;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@link IpcDomain#close()} releases, and what is left of a closed handle. */
@Timeout(120)
class IpcDomainCloseTest {

    private Path dir;

    @BeforeEach
    void createDir() throws Exception {
        dir = IpcTesting.newDomainDir("close-test");
    }

    @AfterEach
    void deleteDir() throws Exception {
        IpcTesting.deleteTree(dir.getParent());
    }

    /** Mappings in this process of files of the domain directory, from /proc/self/maps. */
    private static long mappingsOf(Path realDir) throws IOException {
        String prefix = realDir + "/";
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.filter(line -> line.contains(prefix)).count();
        }
    }

    @Test
    void openAndClose_manyCycles_doNotAccumulateMappings() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc/self/maps");
        int cycles = 3_000;
        try (IpcDomain first = IpcTesting.open(dir)) {
            first.lock("l");
        }
        Path realDir = dir.toRealPath();
        long most = 0;
        for (int i = 1; i <= cycles; i++) {
            try (IpcDomain domain = IpcTesting.open(dir)) {
                domain.lock("l");
                domain.event("e");
                domain.queue("q", 4, 64);
            }
            if (i % 100 == 0) {
                most = Math.max(most, mappingsOf(realDir));
            }
        }
        // One mapping per file (registry, lock, event, queue) at most, whatever the cycle count.
        assertThat(most).as("most mappings of domain files seen over %d open/close cycles", cycles)
                .isLessThanOrEqualTo(8);
    }

    @Test
    void close_lastHandle_closedObjectsThrowIllegalStateIncludingRelease() throws Exception {
        IpcDomain domain = IpcTesting.open(dir);
        IpcLock lock = domain.lock("l");
        IpcEvent event = domain.event("e");
        IpcQueue queue = domain.queue("q", 4, 16);
        lock.acquire();
        domain.close();
        assertThatThrownBy(lock::tryAcquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(lock::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(event::set).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> queue.offer(new byte[1])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(lock.toString()).contains("closed");
        assertThat(event.toString()).contains("closed");
        assertThat(queue.toString()).contains("closed");
        queue.close(); // a handle closed after its domain: nothing to do, nothing thrown
    }

    @Test
    void close_whileThreadsBlockOnLockEventAndQueue_everyWaiterFailsWithIllegalState() throws Exception {
        IpcDomain domain = IpcTesting.open(dir);
        IpcLock lock = domain.lock("l");
        IpcEvent event = domain.event("e");
        IpcQueue queue = domain.queue("q", 4, 16);
        lock.acquire();
        List<Thread> threads = List.of(
                Thread.ofPlatform().unstarted(() -> expectIllegalState(() -> lock.acquire())),
                Thread.ofVirtual().unstarted(() -> expectIllegalState(() -> lock.acquire())),
                Thread.ofPlatform().unstarted(() -> expectIllegalState(() -> event.await())),
                Thread.ofVirtual().unstarted(() -> expectIllegalState(() -> event.await())),
                Thread.ofPlatform().unstarted(() -> expectIllegalState(() -> queue.get())),
                Thread.ofVirtual().unstarted(() -> expectIllegalState(() -> queue.get())));
        List<CompletableFuture<Void>> outcomes = threads.stream().map(t -> {
            CompletableFuture<Void> f = new CompletableFuture<>();
            t.setUncaughtExceptionHandler((th, e) -> f.completeExceptionally(e));
            return f;
        }).toList();
        for (int i = 0; i < threads.size(); i++) {
            Thread t = threads.get(i);
            CompletableFuture<Void> f = outcomes.get(i);
            Thread watched = Thread.ofPlatform().unstarted(() -> {
                t.start();
                try {
                    t.join();
                    f.complete(null);
                } catch (InterruptedException e) {
                    f.completeExceptionally(e);
                }
            });
            watched.start();
        }
        for (Thread t : threads) {
            awaitStarted(t);
            IpcTesting.awaitBlocked(t);
        }
        domain.close();
        for (CompletableFuture<Void> f : outcomes) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("a blocked thread did not end with IllegalStateException", e.getCause());
            }
        }
    }

    /**
     * Threads hammer a lock, an event and a queue while the domain closes under them (and, on Java
     * 22+, unmaps the files): each must end with IllegalStateException, and the JVM must not crash.
     */
    @Test
    void close_whileThreadsUseObjectsInTightLoops_everyThreadEndsWithIllegalState() throws Exception {
        for (int round = 0; round < 30; round++) {
            IpcDomain domain = IpcTesting.open(dir);
            IpcLock lock = domain.lock("l");
            IpcEvent event = domain.event("e");
            IpcQueue queue = domain.queue("q", 4, 16);
            byte[] message = new byte[8];
            CountDownLatch running = new CountDownLatch(3);
            List<Blocking> loops = List.of(
                    () -> {
                        running.countDown();
                        while (true) {
                            if (lock.tryAcquire()) {
                                lock.release();
                            }
                        }
                    },
                    () -> {
                        running.countDown();
                        while (true) {
                            event.set();
                            event.clear();
                        }
                    },
                    () -> {
                        running.countDown();
                        while (true) {
                            queue.offer(message);
                            queue.poll();
                        }
                    });
            List<CompletableFuture<Throwable>> ends = loops.stream().map(loop -> {
                CompletableFuture<Throwable> end = new CompletableFuture<>();
                Thread.ofPlatform().start(() -> end.complete(catchThrowable(loop::run)));
                return end;
            }).toList();
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            domain.close();
            for (CompletableFuture<Throwable> end : ends) {
                assertThat(end.get(30, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("closed");
            }
        }
    }

    private static void awaitStarted(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() == Thread.State.NEW) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("thread " + t + " did not start");
            }
            Thread.onSpinWait();
        }
    }

    /** A call that runs until it throws. */
    @FunctionalInterface
    private interface Blocking {
        void run() throws Exception;
    }

    /** Runs a blocking call that must end with IllegalStateException("... closed"); anything else fails the thread. */
    private static void expectIllegalState(Blocking call) {
        Throwable t = catchThrowable(call::run);
        assertThat(t).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void close_objectFileTruncatedByAnotherProcess_stillEndsTheRegistration() throws Exception {
        IpcDomain domain = IpcTesting.open(dir);
        domain.queue("q", 4, 16);
        int token = ((MappedDomain) domain).token();
        try (FileChannel ch = FileChannel.open(dir.resolve("queue.q"), StandardOpenOption.WRITE)) {
            ch.truncate(0); // a damaged object: any access to its mapping now faults
        }
        Throwable failure = catchThrowable(domain::close);
        try (IpcDomain reopened = IpcTesting.open(dir)) {
            MappedDomain impl = (MappedDomain) reopened;
            assertThat(impl.token()).as("a new registration (close failed with %s)", String.valueOf(failure))
                    .isNotEqualTo(token);
            assertThat(impl.liveness().isDead(token)).isTrue();
        }
    }

    @Test
    void lock_creationFails_errorNamesDomainAndObjectNotTemporaryFile() throws Exception {
        boolean root = IpcTesting.isRoot();
        Path mountPoint = dir.getParent().resolve("small");
        Path domainDir = root ? mountPoint.resolve("domain") : dir;
        if (root) {
            Files.createDirectories(mountPoint);
            assumeTrue(IpcTesting.exec("mount", "-t", "tmpfs", "-o", "size=1m,nr_inodes=64", "weft-test",
                    mountPoint.toString()) == 0, "needs mount (root)");
        }
        try (IpcDomain domain = IpcTesting.open(domainDir)) {
            if (root) {
                // Root may write anywhere: make creation fail for want of inodes instead.
                for (int i = 0; i < 64; i++) {
                    try {
                        Files.createFile(mountPoint.resolve("filler-" + i));
                    } catch (IOException full) {
                        break;
                    }
                }
            } else {
                Files.setPosixFilePermissions(domainDir, PosixFilePermissions.fromString("r-x------"));
            }
            Throwable failure = catchThrowable(() -> domain.lock("x"));
            assertThat(failure).isInstanceOf(IOException.class)
                    .hasMessageContaining(domainDir.toRealPath().toString())
                    .hasMessageContaining("lock 'x'")
                    .hasMessageNotContaining(".tmp");
        } finally {
            if (root) {
                IpcTesting.exec("umount", "--lazy", mountPoint.toString());
            } else {
                Files.setPosixFilePermissions(domainDir, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }
}
