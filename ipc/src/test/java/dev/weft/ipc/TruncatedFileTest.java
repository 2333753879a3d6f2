package dev.weft.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.ipc.testing.Child;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A lock's, event's or queue's file cut short ({@code truncate -s 0}) while child JVMs have it
 * mapped: every later operation must fail with {@link IpcDamagedException} naming the file and its
 * sizes, and the JVM must live on and close its domain (a bare access to the cut range raises
 * {@code SIGBUS}, which kills the JVM in an atomic update run by the interpreter and surfaces as an
 * {@link InternalError} elsewhere).
 *
 * <p>Runs on whichever mapping the class path gives the child: the Java 21 classes in the
 * {@code test} phase, the Java 22 arena-backed mappings of the multi-release jar in the
 * {@code integration-test} phase. Each case runs interpreted ({@code -Xint}) and compiled (after a
 * warm-up that gets the operation JIT-compiled).
 */
@Timeout(120)
class TruncatedFileTest {

    private Path dir;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("truncated");
    }

    @AfterEach
    void close() throws Exception {
        for (Child c : children) {
            c.close();
        }
        IpcTesting.deleteTree(dir.getParent());
    }

    private Child child(String label, List<String> jvmOptions) throws Exception {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-XX:ErrorFile=" + dir.getParent().resolve("hs_err_%p.log")); // a crash report stays out of the tree
        Child c = Child.startWith(label, dir, "", options);
        children.add(c);
        return c;
    }

    private void truncate(String fileName) throws Exception {
        try (FileChannel ch = FileChannel.open(dir.resolve(fileName), StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
    }

    /**
     * Sends {@code command} and returns the child's answer; if the child JVM died instead (its
     * first line of a fatal error report is {@code #}), fails with everything it printed and its
     * crash report.
     */
    private String reply(Child c, String command) throws Exception {
        String line = c.call(command);
        if (!line.startsWith("#")) {
            return line;
        }
        StringBuilder report = new StringBuilder("the child JVM died answering '" + command + "':\n" + line + "\n");
        c.process().waitFor(Child.LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        c.linesAfterExit().forEach(l -> report.append(l).append('\n'));
        try (var logs = Files.list(dir.getParent())) {
            for (Path log : logs.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList()) {
                String text = Files.readString(log);
                report.append("---- ").append(log).append('\n').append(text, 0, Math.min(text.length(), 12_000));
            }
        }
        throw new AssertionError(report.toString());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "lock, interpreted", "lock, compiled",
        "event, interpreted", "event, compiled",
        "queue, interpreted", "queue, compiled"})
    void operationOnTruncatedFile_throwsDamagedAndJvmLives(String kind, String mode) throws Exception {
        boolean interpreted = mode.equals("interpreted");
        Child c = child(kind + "-" + mode, interpreted ? List.of("-Xint", "-XX:+UseSerialGC") : List.of("-XX:+UseSerialGC"));
        assertThat(reply(c, "dopen " + kind + " X " + (interpreted ? 10 : 30_000))).isEqualTo("DOPENED");
        truncate(kind + ".X");

        // Interpreted, the first operation finds the damage. Compiled code may report the fault of
        // an access after it returned, as the JVM's InternalError, until the mapping is marked
        // damaged: by the next fault Weft catches, or by the janitor's size check within a slice.
        String until = reply(c, "duntil " + kind + " X 10000");
        System.out.println("truncated " + kind + " file, " + mode + ": " + until);
        assertThat(until).startsWith("UNTIL DAMAGED ").endsWith("other=0");
        if (interpreted) {
            assertThat(until).isEqualTo("UNTIL DAMAGED ok=0 internal=0 other=0");
        }

        c.send("dop " + kind + " X 3");
        List<String> outcomes = new ArrayList<>();
        for (String line = c.nextLine(); !line.equals("DONE"); line = c.nextLine()) {
            outcomes.add(line);
        }
        assertThat(outcomes).hasSize(3).allSatisfy(line -> assertThat(line)
                .startsWith("OP IpcDamagedException ")
                .contains(kind + ".X")
                .contains("expected at least")
                .contains("has 0 bytes"));

        assertThat(c.call("dexit")).isEqualTo("CLOSED OK");
        assertThat(c.process().waitFor(Child.LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(c.process().exitValue()).as("exit status (134: the JVM died of SIGBUS)").isZero();
    }

    @Test
    void takeBlockedInAnotherJvm_endsWithDamagedWhenTheQueueFileIsTruncated() throws Exception {
        Child c = child("taker", List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        c.send("bg dtake Q");
        assertThat(c.nextLine()).isEqualTo("TAKING");
        truncate("queue.Q");
        String outcome = c.nextLine(); // within a liveness slice or two (the janitor checks the file)
        assertThat(outcome).startsWith("TAKE IpcDamagedException ").contains("queue.Q").contains("has 0 bytes");

        assertThat(c.call("dexit")).isEqualTo("CLOSED OK");
        assertThat(c.process().waitFor(Child.LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(c.process().exitValue()).isZero();
    }
}
