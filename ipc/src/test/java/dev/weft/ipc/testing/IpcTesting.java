package dev.weft.ipc.testing;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.IpcOptions;
import dev.weft.ipc.WaitBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Shared helpers of the ipc tests. */
public final class IpcTesting {

    /** Liveness slice used by the tests (and passed to child JVMs). */
    public static final Duration SLICE = Duration.ofMillis(Long.getLong("weft.ipc.test.sliceMillis", 100));

    private IpcTesting() {}

    /** The back-end this test run must use: the {@code weft.ipc.test.expectBackend} property, else AUTO. */
    public static WaitBackend expectedBackend() {
        return WaitBackend.valueOf(System.getProperty("weft.ipc.test.expectBackend", "AUTO"));
    }

    /** Options for this run: the test slice and the expected back-end (AUTO if none). */
    public static IpcOptions options() {
        return IpcOptions.builder().livenessSlice(SLICE).waitBackend(expectedBackend()).build();
    }

    /** Opens a domain in {@code dir} with {@link #options()}. */
    public static IpcDomain open(Path dir) throws IOException {
        return IpcDomain.open(dir, options());
    }

    /** A fresh temporary directory for one test's domain (under the JVM's temp dir, not /dev/shm). */
    public static Path newDomainDir(String prefix) throws IOException {
        return Files.createTempDirectory(prefix).resolve("domain");
    }

    /** Deletes a directory tree (best effort). */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A user id other than this process's (nobody), for files that must belong to "another user". */
    public static final int OTHER_UID = 65534;

    /** Whether this process runs as root (effective uid 0, from {@code /proc/self/status}). */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            // not Linux: treat as not root
        }
        return false;
    }

    /**
     * Gives {@code path} (not following a symbolic link) to the user {@link #OTHER_UID}; returns
     * false where that is not permitted (not root), so that callers can skip.
     */
    public static boolean chownToOtherUser(Path path) {
        try {
            Files.setAttribute(path, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
            return true;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Runs a command (output discarded) and returns its exit status; -1 if it cannot be started. */
    public static int exec(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits until {@code t} is parked or waiting (it has reached its blocking wait). */
    public static void awaitBlocked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                return;
            }
            if (s == Thread.State.RUNNABLE && isInFutexWait(t)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("thread " + t + " did not block; state " + s);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // polls the state; orders nothing
        }
    }

    /** A platform thread in a futex wait shows as RUNNABLE in Java: look at its stack. */
    private static boolean isInFutexWait(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().endsWith("internal.Futex") && e.getMethodName().equals("await")) {
                return true;
            }
        }
        return false;
    }
}
