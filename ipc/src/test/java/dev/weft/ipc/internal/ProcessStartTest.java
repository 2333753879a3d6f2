package dev.weft.ipc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.ipc.IpcDomain;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessStartTest {

    private static final boolean PROC = Files.isReadable(Path.of("/proc/self/stat"));

    @Test
    void parsesTheStartTimeAfterTheLastParenthesis() {
        String fields = " S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 123456 999 1000";
        assertThat(ProcessStart.parseStat("42 (java)" + fields)).isEqualTo(123456);
        assertThat(ProcessStart.parseStat("42 (a b) (c))" + fields)).isEqualTo(123456);
        assertThat(ProcessStart.parseStat("42 (java) S 1 2")).isEqualTo(-1);
        assertThat(ProcessStart.parseStat("no parenthesis")).isEqualTo(-1);
        assertThat(ProcessStart.parseStat("42 (java) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 x 1")).isEqualTo(-1);
        assertThat(ProcessStart.parseStat("42 (java) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 -5 1")).isEqualTo(-1);
    }

    @Test
    void unknownProcessesHaveNoStart() {
        assertThat(ProcessStart.ticks(0)).isEqualTo(-1);
        assertThat(ProcessStart.ticks(-7)).isEqualTo(-1);
        assertThat(ProcessStart.ticks(Long.MAX_VALUE)).isEqualTo(-1);
    }

    @Test
    void thisProcessHasAStableStartAndBoot() {
        assumeTrue(PROC, "needs /proc");
        long pid = ProcessHandle.current().pid();
        long ticks = ProcessStart.ticks(pid);
        assertThat(ticks).isPositive().isEqualTo(ProcessStart.ticks(pid));
        UUID boot = ProcessStart.bootId();
        assertThat(boot).isNotNull().isEqualTo(ProcessStart.bootId());
        // A process started after this one (a child) cannot have started earlier.
        ProcessHandle.current().parent().ifPresent(parent -> assertThat(ProcessStart.ticks(parent.pid())).isBetween(0L, ticks));
    }

    @Test
    void registrationRecordsTheStartInTicksAndTheBoot(@TempDir Path dir) throws Exception {
        assumeTrue(PROC, "needs /proc");
        long pid = ProcessHandle.current().pid();
        try (IpcDomain domain = IpcDomain.open(dir.resolve("d"))) {
            domain.event("e"); // the domain registers this process
            ByteBuffer entries = ByteBuffer.allocate(RegistryDescriptor.CAPACITY * RegistryDescriptor.ENTRY_LENGTH)
                    .order(ByteOrder.nativeOrder());
            try (FileChannel ch = FileChannel.open(dir.resolve("d").resolve(Registry.REGISTRY_FILE))) {
                ch.read(entries, RegistryDescriptor.ENTRIES_OFFSET);
            }
            int found = 0;
            for (int i = 0; i < RegistryDescriptor.CAPACITY; i++) {
                int off = i * RegistryDescriptor.ENTRY_LENGTH;
                if (RegistryDescriptor.state(entries.getLong(off + RegistryDescriptor.STATE_WORD)) != RegistryDescriptor.ACTIVE
                        || entries.getLong(off + RegistryDescriptor.PID) != pid) {
                    continue;
                }
                found++;
                assertThat(entries.getLong(off + RegistryDescriptor.START_TICKS)).isEqualTo(ProcessStart.ticks(pid));
                UUID boot = new UUID(entries.getLong(off + RegistryDescriptor.BOOT_ID),
                        entries.getLong(off + RegistryDescriptor.BOOT_ID + 8));
                assertThat(boot).isEqualTo(ProcessStart.bootId());
            }
            assertThat(found).as("active registry entries of this process").isEqualTo(1);
        }
    }
}
