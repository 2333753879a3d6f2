package dev.weft.ipc.testing;

import dev.weft.ipc.WaitBackend;
import dev.weft.ipc.internal.CrashPoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link ChildMain}, driven by lines on its standard input and output.
 *
 * <p>Started with the test JVM's own {@code java} and class path; the child uses the same wait
 * back-end as the test ({@code -Dweft.ipc.wait}, plus native access for futex) and the same
 * liveness slice. Events are ordered by the lines the child prints (never by sleeping). Signals go
 * through {@code kill -STOP/-CONT/-KILL}.
 */
public final class Child implements AutoCloseable {

    /** How long any expected line may take. */
    public static final long LINE_TIMEOUT_SECONDS = 60;

    private final Process process;
    private volatile long pid;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder transcript = new StringBuilder();
    private final String label;
    private final Thread pumpThread;

    private Child(Process process, long pid, String label) {
        this.process = process;
        this.pid = pid;
        this.label = label;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.pumpThread = Thread.ofPlatform().daemon().name("child-out-" + label).start(() -> pump(process));
    }

    /**
     * After the child has died: waits until everything it printed has been read, and returns the
     * lines not consumed yet.
     */
    public List<String> linesAfterExit() throws InterruptedException {
        pumpThread.join(TimeUnit.SECONDS.toMillis(LINE_TIMEOUT_SECONDS));
        List<String> rest = new ArrayList<>();
        lines.drainTo(rest);
        return rest;
    }

    private void pump(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (transcript) {
                    transcript.append(line).append('\n');
                }
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the child died; expectLine reports the transcript
        }
    }

    /** The java command line of a child: JVM options, class path, main class and arguments. */
    public static List<String> javaCommand(Path domainDir, String crashPoints, List<String> commands) {
        return javaCommand(domainDir, crashPoints, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), commands);
    }

    /**
     * As {@link #javaCommand(Path, String, List)}, with {@code jvmOptions} (compiler and GC choice)
     * instead of the defaults ({@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}: quick start-up).
     */
    public static List<String> javaCommand(Path domainDir, String crashPoints, List<String> jvmOptions,
            List<String> commands) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Xshare:auto");
        cmd.addAll(jvmOptions);
        cmd.add("-XX:-UsePerfData");
        cmd.add("-Xmx64m");
        WaitBackend backend = IpcTesting.expectedBackend();
        if (backend == WaitBackend.FUTEX) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add("-Dweft.ipc.test.expectBackend=" + backend);
        cmd.add("-Dweft.ipc.test.sliceMillis=" + IpcTesting.SLICE.toMillis());
        if (!crashPoints.isEmpty()) {
            cmd.add("-D" + CrashPoints.PROPERTY + "=" + crashPoints);
        }
        cmd.add(ChildMain.class.getName());
        cmd.add(domainDir.toString());
        cmd.addAll(commands);
        return cmd;
    }

    /** Starts a child on {@code domainDir} with the named crash points armed ("" for none). */
    public static Child start(String label, Path domainDir, String crashPoints, String... commands) throws IOException {
        return startWith(label, domainDir, crashPoints, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), commands);
    }

    /** As {@link #start}, with the given JVM options instead of the quick-start defaults. */
    public static Child startWith(String label, Path domainDir, String crashPoints, List<String> jvmOptions,
            String... commands) throws IOException {
        Process p = new ProcessBuilder(javaCommand(domainDir, crashPoints, jvmOptions, List.of(commands)))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Child c = new Child(p, p.pid(), label);
        String ready = c.expectPrefix("READY ");
        if (Long.parseLong(ready.substring("READY ".length())) != p.pid()) {
            throw new IllegalStateException("pid mismatch: " + ready + " vs " + p.pid());
        }
        return c;
    }

    /**
     * Starts a child whose parent is a shell that then replaces itself with {@code sleep} and never
     * reaps it: killed, the child stays a zombie until the test kills the sleeper.
     */
    public static Child startUnreaped(String label, Path domainDir, String... commands) throws IOException {
        StringBuilder script = new StringBuilder();
        for (String arg : javaCommand(domainDir, "", List.of(commands))) {
            script.append('\'').append(arg.replace("'", "'\\''")).append("' ");
        }
        script.append("& exec sleep 600");
        Process sh = new ProcessBuilder("sh", "-c", script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Child c = new Child(sh, -1, label);
        String ready = c.expectPrefix("READY ");
        return c.withPid(Long.parseLong(ready.substring("READY ".length())));
    }

    /**
     * Starts a child as PID 1 of a new PID namespace ({@code unshare --pid --fork}); the returned
     * pid is the host pid of the JVM. Needs permission to create namespaces (root, or user
     * namespaces).
     */
    public static Child startInPidNamespace(String label, Path domainDir, String... commands) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--kill-child"));
        cmd.addAll(javaCommand(domainDir, "", List.of(commands)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Child c = new Child(p, -1, label);
        String ready = c.expectPrefix("READY ");
        if (!ready.equals("READY 1")) {
            throw new IllegalStateException("expected pid 1 inside the namespace, got " + ready);
        }
        long hostPid = p.descendants().filter(h -> h.info().command().map(s -> s.endsWith("java")).orElse(false))
                .findFirst().orElseThrow().pid();
        return c.withPid(hostPid);
    }

    private Child withPid(long realPid) {
        this.pid = realPid;
        return this;
    }

    private BlockingQueue<String> queue() {
        return lines;
    }

    private String transcriptText() {
        synchronized (transcript) {
            return transcript.toString();
        }
    }

    /** The child JVM's pid. */
    public long pid() {
        return pid;
    }

    /** The process object started by the test (the JVM, or its shell/unshare parent). */
    public Process process() {
        return process;
    }

    /** Sends one command line. */
    public void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /** Sends a command and returns its answer line. */
    public String call(String command) throws IOException, InterruptedException {
        send(command);
        return nextLine();
    }

    /** The next line printed by the child. */
    public String nextLine() throws InterruptedException {
        String line = queue().poll(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("child " + label + " printed nothing for " + LINE_TIMEOUT_SECONDS
                    + " s; transcript:\n" + transcriptText());
        }
        return line;
    }

    /** The next line, which must start with {@code prefix}. */
    public String expectPrefix(String prefix) {
        try {
            String line = nextLine();
            if (!line.startsWith(prefix)) {
                throw new AssertionError("child " + label + ": expected '" + prefix + "...' but got '" + line
                        + "'; transcript:\n" + transcriptText());
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for {@code POINT name}. */
    public void expectPoint(String name) {
        expectPrefix("POINT " + name);
    }

    /** Whether a line is waiting (non-blocking). */
    public boolean hasLine() {
        return !queue().isEmpty();
    }

    public void stop() throws IOException, InterruptedException {
        signal("STOP");
    }

    public void cont() throws IOException, InterruptedException {
        signal("CONT");
    }

    /** SIGKILL, then (for a directly started child) wait until reaped. */
    public void kill() throws IOException, InterruptedException {
        signal("KILL");
        if (process.pid() == pid) {
            process.waitFor(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void signal(String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        if (k.waitFor() != 0) {
            throw new IOException("kill -" + sig + " " + pid + " failed");
        }
    }

    /** The process state letter from {@code /proc/<pid>/stat} (R, S, T, Z, ...), or '?' if gone. */
    public char procState() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }

    /** Kills the child and any parent shell, quietly. */
    @Override
    public void close() {
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
