package dev.weft.ipc.inspect;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a domain's participant registry: a process that has the domain open, or had it
 * open and died without closing it.
 *
 * @param entry the registry entry index (the high bits of the participant's token)
 * @param generation how many times the entry has been claimed (the low bits of the token)
 * @param state the entry's state word: {@code "active"} or {@code "claiming"} (free entries are
 *     not listed)
 * @param pid the process id the participant recorded
 * @param started when the process started, or {@code null} if it could not tell
 * @param liveness whether that process still runs
 * @since 0.1
 */
public record Participant(int entry, int generation, String state, long pid, @Nullable Instant started,
        Liveness liveness) {

    /** The participant's token, as lock words and queue slots record it. */
    public int token() {
        return (entry << 20) | (generation & 0xFFFFF);
    }
}
