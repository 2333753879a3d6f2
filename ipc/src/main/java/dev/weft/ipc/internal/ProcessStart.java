package dev.weft.ipc.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * When a process started, in a form that no change of the wall clock alters: its start in clock
 * ticks since boot and the kernel's boot id, as Linux gives them in {@code /proc}. A process's
 * start instant as the JDK reports it ({@code ProcessHandle.Info.startInstant()}) is that tick
 * count added to the boot time each JVM reads once, which moves whenever the wall clock is set, so
 * two JVMs can disagree about the same process by the size of a clock step. The registry records
 * both forms; the tick form, where there is one, decides whether a pid still names the registrant.
 *
 * <p>Every method answers "unknown" (-1 or {@code null}) instead of throwing, on systems without
 * {@code /proc} too.
 */
public final class ProcessStart {

    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /** Field 22 of {@code /proc/<pid>/stat} (starttime) is the 20th after the {@code ")"} that ends field 2. */
    private static final int STARTTIME_AFTER_COMM = 20;

    private ProcessStart() {}

    /**
     * The start of process {@code pid} in clock ticks since boot, or -1 if unknown (no such
     * process, no {@code /proc}, or a line that does not parse).
     */
    public static long ticks(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Parses the starttime field of a {@code /proc/<pid>/stat} line, or returns -1. The command name
     * (field 2, in parentheses) may itself hold spaces and parentheses, so fields are counted from
     * the last {@code ")"}.
     */
    static long parseStat(String line) {
        int close = line.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        String[] fields = line.substring(close + 1).trim().split(" +");
        if (fields.length < STARTTIME_AFTER_COMM) {
            return -1;
        }
        try {
            long ticks = Long.parseLong(fields[STARTTIME_AFTER_COMM - 1]);
            return ticks >= 0 ? ticks : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The kernel's boot id (new at every boot), or {@code null} if unknown. */
    public static @Nullable UUID bootId() {
        try {
            UUID id = UUID.fromString(Files.readString(BOOT_ID, StandardCharsets.US_ASCII).trim());
            return id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() == 0 ? null : id;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
