package dev.weft.redis.testing;

import dev.weft.redis.ChaosChild;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A child JVM running {@code ChaosChild}, started with the test JVM's own {@code java} and class
 * path; its output lines are read as they come. Signals go through {@code kill -STOP/-CONT} and
 * {@link Process#destroyForcibly()} (SIGKILL).
 */
public final class Child implements AutoCloseable {

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread pump;
    private final String label;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile long readyAtNanos;

    private Child(Process process, String label, Consumer<String> sink) {
        this.process = process;
        this.label = label;
        this.pump = Thread.ofPlatform().daemon().name("child-" + label).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("READY ")) {
                        readyAtNanos = System.nanoTime();
                        ready.complete(null);
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
     */
    public static Child start(String role, String name, String label, Consumer<String> sink) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-Xmx64m");
        cmd.add("-Dio.netty.eventLoopThreads=1");
        cmd.add(ChaosChild.class.getName());
        cmd.add(TestRedis.uri());
        cmd.add(role);
        cmd.add(name);
        cmd.add(label);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return new Child(p, label, sink);
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
     * How long the child has been ready.
     *
     * @return nanoseconds since {@code READY}, or -1 if not ready
     */
    public long readyForNanos() {
        return isReady() ? System.nanoTime() - readyAtNanos : -1;
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
