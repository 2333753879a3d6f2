package dev.weft.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.ipc.testing.BackendProbe;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With and without native access: the right back-end is chosen and the JDK prints nothing.
 *
 * <p>Meaningful in both test runs: from the multi-release jar (futex-test run) the JVM without
 * {@code --enable-native-access} must pick BACKOFF silently and the one with it FUTEX; from the
 * class directory (default-test run) both pick BACKOFF.
 */
@Timeout(120)
class NativeAccessTest {

    private Path dir;

    @BeforeEach
    void createDir() throws Exception {
        dir = IpcTesting.newDomainDir("native");
    }

    @AfterEach
    void deleteDir() throws Exception {
        IpcTesting.deleteTree(dir.getParent());
    }

    @Test
    void withoutNativeAccess_picksBackoffAndPrintsNoWarning() throws Exception {
        String[] out = probe(false);
        assertThat(out[0]).isEqualTo("BACKEND BACKOFF\n");
        assertThat(out[1]).isEmpty();
    }

    @Test
    void withNativeAccess_picksFutexFromTheJarAndPrintsNoWarning() throws Exception {
        String[] out = probe(true);
        boolean fromJar = Boolean.getBoolean("weft.ipc.test.jar");
        assertThat(out[0]).isEqualTo(fromJar ? "BACKEND FUTEX\n" : "BACKEND BACKOFF\n");
        assertThat(out[1]).isEmpty();
    }

    private String[] probe(boolean nativeAccess) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("-XX:-UsePerfData");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        if (nativeAccess) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.add(BackendProbe.class.getName());
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).start();
        byte[] stdout = p.getInputStream().readAllBytes();
        byte[] stderr = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(stderr, StandardCharsets.UTF_8)).isZero();
        return new String[] {new String(stdout, StandardCharsets.UTF_8), new String(stderr, StandardCharsets.UTF_8)};
    }
}
