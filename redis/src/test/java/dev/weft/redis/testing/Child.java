package dev.weft.redis.testing;

import dev.weft.redis.ChaosChild;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A child JVM running {@code ChaosChild}, started with the test JVM's own {@code java} and class
 * path (see {@link Launcher}); its output lines are read as they come. Signals go through {@code kill -STOP/-CONT} and
 * {@link Process#destroyForcibly()} (SIGKILL).
 */
public final class Child implements AutoCloseable {

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread pump;
    private final String label;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** When the child printed {@code WORKING}; meaningful once {@link #working} is set. */
    private volatile long workingAtNanos;
    private volatile boolean working;

    private Child(Process process, String label, Consumer<String> sink) {
        this.process = process;
        this.label = label;
        this.pump = Thread.ofPlatform().daemon().name("child-" + label).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("READY ")) {
                        ready.complete(null);
                    }
                    if (line.equals("WORKING")) {
                        workingAtNanos = System.nanoTime();
                        working = true;
                    }
                    if (sink != null) {
                        sink.accept(line);
                    }
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // killed
            }
        });
    }

    /**
     * Starts a child.
     *
     * @param role the role
     * @param name the queue or lock name
     * @param label the child's label (message prefix)
     * @param sink receives every line (on the pump thread), or {@code null}
     * @return the child
     * @throws IOException if it cannot be started
     * @throws InterruptedException if interrupted while the class-data archive is made
     */
    public static Child start(String role, String name, String label, Consumer<String> sink)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(Launcher.command());
        cmd.add(TestRedis.uri());
        cmd.add(role);
        cmd.add(name);
        cmd.add(label);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return new Child(p, label, sink);
    }

    /**
     * How a child JVM is started: cheaply, because the chaos test starts one per kill. The
     * test JVM's class path is copied into jars under {@code target/chaos-jvm} (class-data
     * archives take jars only), one training child runs every role's operations once and exits,
     * and the JVM records what it loaded and linked into an archive there ({@code -XX:AOTCacheOutput}
     * on JDK 25 and later, a dynamic CDS archive before); every child then starts from that
     * archive. The Redis client's JFR events are off in the children (registering them costs a
     * start more than it gives a test). A child whose JVM cannot use the archive starts without
     * it (slower, same behaviour).
     */
    static final class Launcher {
        private static final ReentrantLock LOCK = new ReentrantLock();
        private static @Nullable List<String> command;

        private Launcher() {}

        /** The command up to and including the main class; made once per test JVM. */
        static List<String> command() throws IOException, InterruptedException {
            LOCK.lock();
            try {
                if (command == null) {
                    command = prepare();
                }
                return command;
            } finally {
                LOCK.unlock();
            }
        }

        private static List<String> prepare() throws IOException, InterruptedException {
            Path dir = Path.of(System.getProperty("weft.redis.chaos.jvmDir", "target/chaos-jvm")).toAbsolutePath();
            Files.createDirectories(dir);
            List<String> classPath = new ArrayList<>();
            int n = 0;
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(entry);
                if (Files.isDirectory(p)) {
                    Path jar = dir.resolve((n++) + "-" + p.getFileName() + ".jar");
                    jarUp(p, jar);
                    classPath.add(jar.toString());
                } else if (Files.exists(p)) {
                    classPath.add(entry);
                }
            }
            boolean aot = Runtime.version().feature() >= 25;
            Path archive = dir.resolve(aot ? "child.aot" : "child.jsa");
            Files.deleteIfExists(archive);
            List<String> base = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "-cp", String.join(File.pathSeparator, classPath),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx64m",
                    "-Dio.netty.eventLoopThreads=1", "-Dio.lettuce.core.jfr=false", "-Dio.netty.jfr.enabled=false"));
            List<String> train = new ArrayList<>(base);
            train.add(1, (aot ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive);
            train.addAll(List.of(ChaosChild.class.getName(), TestRedis.uri(), "train", TestRedis.unique("train"), "t"));
            Process p = new ProcessBuilder(train).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("train.log").toFile()).start();
            boolean exited = p.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            List<String> cmd = new ArrayList<>(base);
            if (exited && p.exitValue() == 0 && Files.isRegularFile(archive)) {
                cmd.add(1, (aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive);
            } else {
                System.out.println("chaos children start without a class-data archive (see " + dir.resolve("train.log")
                        + ")");
            }
            cmd.add(ChaosChild.class.getName());
            return List.copyOf(cmd);
        }

        private static void jarUp(Path from, Path jar) throws IOException {
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                    Stream<Path> files = Files.walk(from)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    out.putNextEntry(new JarEntry(from.relativize(f).toString().replace(File.separatorChar, '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
        }
    }

    /**
     * Waits for a line starting with {@code prefix}, dropping the others.
     *
     * @param prefix the prefix
     * @param seconds the longest wait
     * @return the line
     * @throws InterruptedException if interrupted
     */
    public String expect(String prefix, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (;;) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("child " + label + " did not print " + prefix + " within " + seconds
                        + " s (alive: " + process.isAlive() + ")");
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /**
     * The lines read and not consumed yet.
     *
     * @return the lines
     */
    public List<String> drain() {
        List<String> out = new ArrayList<>();
        lines.drainTo(out);
        return out;
    }

    /**
     * Sends a signal ({@code STOP}, {@code CONT}).
     *
     * @param signal the signal name
     * @throws Exception if {@code kill} fails
     */
    public void signal(String signal) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (k.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " failed");
        }
    }

    /** Kills the child with SIGKILL and waits until it is gone and its output read. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
            pump.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the child has printed {@code READY} (it is connected and working).
     *
     * @return {@code true} once ready
     */
    public boolean isReady() {
        return ready.isDone() && process.isAlive();
    }

    /**
     * How long the child has been working: since it printed {@code WORKING}, which a chaos client
     * prints once its first operation has completed.
     *
     * @return nanoseconds since {@code WORKING}, or -1 if it has not printed it or has died
     */
    public long workingForNanos() {
        return working && process.isAlive() ? System.nanoTime() - workingAtNanos : -1;
    }

    /**
     * The label.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    @Override
    public void close() {
        kill();
    }
}
