package dev.weft.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM for the multiprocessing examples: this JVM's own {@code java} and class path running
 * {@code mainClass} with {@code args}, like Python's {@code Process(target=...)}.
 *
 * <p>The child's standard output is read line by line by the parent, which prints what it wants in
 * a fixed order, so the examples' output is deterministic even though the processes run in
 * parallel.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;

    private ChildJvm(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts {@code mainClass} with {@code args} in a new JVM. */
    static ChildJvm start(Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:-UsePerfData");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        try {
            return new ChildJvm(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code count} children of {@code mainClass} at once, child {@code i} with {@code args}
     * followed by {@code i}, like a list of Python {@code Process}es started and then joined;
     * returns the first line each printed, in child order.
     *
     * @throws IllegalStateException if a child exits with a non-zero code (the others are killed)
     */
    static List<String> runEach(Class<?> mainClass, int count, String... args) throws IOException, InterruptedException {
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                List<String> withIndex = new ArrayList<>(List.of(args));
                withIndex.add(Integer.toString(i));
                children.add(start(mainClass, withIndex.toArray(String[]::new)));
            }
            List<String> lines = new ArrayList<>();
            for (ChildJvm c : children) {
                lines.add(c.readLine());
            }
            for (ChildJvm c : children) {
                int code = c.join();
                if (code != 0) {
                    throw new IllegalStateException("child " + c.process.pid() + " exited with code " + code + ", expected 0");
                }
            }
            return lines;
        } finally {
            for (ChildJvm c : children) {
                c.close();
            }
        }
    }

    /** The next line the child printed; fails if it exited first. */
    String readLine() throws IOException {
        String line = out.readLine();
        if (line == null) {
            throw new IOException("child " + process.pid() + " exited without printing the expected line");
        }
        return line;
    }

    /** Waits for the child to exit and returns its exit code. */
    int join() throws InterruptedException {
        return process.waitFor();
    }

    /** Kills the child with SIGKILL (no clean-up runs in it) and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
