package dev.weft.ipc.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.ipc.internal.ProcessStart;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** How the inspector decides whether a registered pid still names its registrant. */
class ProcessLivenessTest {

    private static final long PID = ProcessHandle.current().pid();
    private static final long START_MS =
            ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    private static final UUID NO_BOOT = new UUID(0, 0);
    private static final @Nullable UUID HOST_BOOT = ProcessStart.bootId();

    @Test
    void aWallClockStepSinceRegistrationDoesNotKillALiveProcess() {
        long ticks = ProcessStart.ticks(PID);
        UUID boot = ProcessStart.bootId();
        assumeTrue(ticks >= 0 && boot != null && START_MS >= 0, "needs /proc");
        long hour = 3_600_000;
        assertThat(DomainInspector.processLiveness(PID, START_MS - hour, ticks, boot, HOST_BOOT)).isEqualTo(Liveness.ALIVE);
        assertThat(DomainInspector.processLiveness(PID, START_MS + hour, ticks, boot, HOST_BOOT)).isEqualTo(Liveness.ALIVE);
    }

    @Test
    void anotherStartOrAnotherBootMeansThePidWasReused() {
        long ticks = ProcessStart.ticks(PID);
        UUID boot = ProcessStart.bootId();
        assumeTrue(ticks >= 0 && boot != null, "needs /proc");
        assertThat(DomainInspector.processLiveness(PID, START_MS, ticks - 1, boot, HOST_BOOT)).isEqualTo(Liveness.DEAD);
        UUID otherBoot = new UUID(boot.getMostSignificantBits() ^ 1, boot.getLeastSignificantBits());
        assertThat(DomainInspector.processLiveness(PID, START_MS, ticks, otherBoot, HOST_BOOT)).isEqualTo(Liveness.DEAD);
    }

    @Test
    void withoutTicksTheStartInstantsDecide() {
        assumeTrue(START_MS >= 0, "needs the process start instant");
        assertThat(DomainInspector.processLiveness(PID, START_MS, -1, NO_BOOT, HOST_BOOT)).isEqualTo(Liveness.ALIVE);
        assertThat(DomainInspector.processLiveness(PID, START_MS + 5_000, -1, NO_BOOT, HOST_BOOT)).isEqualTo(Liveness.DEAD);
        assertThat(DomainInspector.processLiveness(PID, -1, -1, NO_BOOT, HOST_BOOT)).isEqualTo(Liveness.UNKNOWN);
    }

    @Test
    void noProcessIsDeadAndNoPidIsUnknown() {
        assertThat(DomainInspector.processLiveness(Long.MAX_VALUE, START_MS, 5, NO_BOOT, HOST_BOOT)).isEqualTo(Liveness.DEAD);
        assertThat(DomainInspector.processLiveness(0, START_MS, 5, NO_BOOT, HOST_BOOT)).isEqualTo(Liveness.UNKNOWN);
    }
}
