package dev.weft.ipc.inspect;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything the inspector read from one domain directory.
 *
 * @param directory the domain directory
 * @param readAt when the reading started
 * @param registryProblem why the participant registry could not be read, or {@code null}; without
 *     it, holders and consumers are reported with {@link Liveness#UNKNOWN} liveness
 * @param participants the registry's live and dead (not yet reclaimed) entries, by entry index
 * @param objects the object files, by file name; files that are not Weft objects (temporary
 *     files of a creation in progress, the registry's lock file) are left out
 * @since 0.1
 */
public record DomainReport(Path directory, Instant readAt, @Nullable String registryProblem, List<Participant> participants,
        List<ObjectInfo> objects) {

    /** Copies the lists. */
    public DomainReport {
        participants = List.copyOf(participants);
        objects = List.copyOf(objects);
    }
}
