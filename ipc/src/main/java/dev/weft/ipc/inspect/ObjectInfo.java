package dev.weft.ipc.inspect;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the inspector read from one object file of a domain.
 *
 * @since 0.1
 */
public sealed interface ObjectInfo {

    /** The object's name (the file name without its kind prefix). */
    String name();

    /** The object's file. */
    Path file();

    /**
     * A lock ({@code lock.<name>}) or a re-entrant lock ({@code rlock.<name>}).
     *
     * @param name the lock's name
     * @param file its file
     * @param reentrant whether it is a re-entrant lock ({@code IpcRLock})
     * @param holder the holder, or {@code null} if the lock is free
     * @param ownerThread for a re-entrant lock, the {@link Thread#threadId()} of the holding thread
     *     in the holder's process; 0 otherwise
     * @param holds for a re-entrant lock, the holding thread's acquisitions not yet released; 0
     *     otherwise
     * @param sleepers whether the lock word's sleeper flag is set (some process may be asleep
     *     waiting for it; a stale flag only costs one spare wake-up)
     * @param recoveries how many times a waiter took the lock over from a dead holder
     */
    record LockInfo(String name, Path file, boolean reentrant, @Nullable Holder holder, long ownerThread, int holds,
            boolean sleepers, long recoveries) implements ObjectInfo {

        /**
         * Whether the lock is held by a participant that is dead: its next acquirer takes it over
         * and is told {@code OWNER_DIED}.
         */
        public boolean ownerDiedPending() {
            return holder != null && holder.liveness() == Liveness.DEAD;
        }
    }

    /**
     * A semaphore ({@code semaphore.<name>}).
     *
     * @param name the semaphore's name
     * @param file its file
     * @param initial the permits it was created with
     * @param bounded whether it is a bounded semaphore (its bound is {@code initial})
     * @param available permits free now
     * @param tainted recovered permits of dead holders not yet handed out (an acquire that takes
     *     one is told {@code OWNER_DIED})
     * @param excess permits released by processes that did not hold them, not yet matched
     * @param inCriticalSection the participant inside the semaphore's short critical section, or
     *     {@code null}; a dead one is rolled back by the next participant
     * @param sleepers whether some process may be asleep waiting for permits
     * @param recoveries how many times a dead holder's permits were returned to the pool
     * @param recoveredPermits how many permits those recoveries returned
     * @param holdings the permits each participant holds, for participants holding any
     */
    record SemaphoreInfo(String name, Path file, int initial, boolean bounded, long available, long tainted,
            long excess, @Nullable Holder inCriticalSection, boolean sleepers, long recoveries, long recoveredPermits,
            List<Holding> holdings) implements ObjectInfo {

        /** Copies the list. */
        public SemaphoreInfo {
            holdings = List.copyOf(holdings);
        }
    }

    /**
     * The permits one participant holds.
     *
     * @param holder the participant
     * @param permits the permits it holds (a dead participant's go back to the pool when a waiter
     *     or a new registrant proves it dead)
     */
    record Holding(Holder holder, long permits) {}

    /**
     * An event ({@code event.<name>}).
     *
     * @param name the event's name
     * @param file its file
     * @param set whether the flag is set
     * @param generation how many times the flag went from clear to set (modulo 2^30)
     * @param sleepers whether the sleeper flag is set (some process may be asleep in {@code await})
     */
    record EventInfo(String name, Path file, boolean set, int generation, boolean sleepers) implements ObjectInfo {}

    /**
     * A queue ({@code queue.<name>}).
     *
     * @param name the queue's name
     * @param file its file
     * @param joinable whether it was created as a joinable queue
     * @param acknowledgement when a taken message counts as consumed: {@code ON_TAKE} when the take
     *     returns, {@code ON_TASK_DONE} when its {@code taskDone} is called (until then the
     *     consumer holds its slot, and the message is delivered again if the consumer dies)
     * @param maxDeliveries for {@code ON_TASK_DONE}, after how many deliveries a message whose
     *     consumer died is dead-lettered instead of delivered again; 0 for no limit
     * @param capacity its capacity in messages
     * @param maxMessageSize the largest message it takes, in bytes
     * @param redeliverOnConsumerDeath whether a dead consumer's message is delivered again
     * @param syncOnCommit whether every put and take is forced to storage
     * @param depth messages committed and not yet taken
     * @param claimedByProducers slots a producer is writing (or died writing)
     * @param unfinishedTasks for a joinable queue, what {@code join()} waits for: messages not yet
     *     taken, being taken, and taken by live participants but not marked done; 0 otherwise
     * @param shutdown {@code null} if running, else {@code "shutdown"} or {@code "shutdown (immediate)"}
     * @param tombstones recovery counter: puts that never completed, skipped
     * @param redeliveries recovery counter: messages delivered again after their consumer died
     * @param discarded recovery counter: messages removed without delivery
     * @param abandonedTasks recovery counter: tasks of dead participants that {@code join()} no
     *     longer waits for
     * @param quarantined recovery counter: damaged slots skipped without delivery
     * @param deadLettered recovery counter: held messages dropped after {@code maxDeliveries}
     *     deliveries
     * @param participants per participant that has the queue open: slots it has claimed and tasks
     *     it took and has not marked done
     */
    record QueueInfo(String name, Path file, boolean joinable, String acknowledgement, int maxDeliveries,
            int capacity, int maxMessageSize,
            boolean redeliverOnConsumerDeath, boolean syncOnCommit, long depth, long claimedByProducers,
            long unfinishedTasks, @Nullable String shutdown, long tombstones, long redeliveries, long discarded,
            long abandonedTasks, long quarantined, long deadLettered, List<QueueParticipant> participants)
            implements ObjectInfo {

        /** Copies the list. */
        public QueueInfo {
            participants = List.copyOf(participants);
        }
    }

    /**
     * One participant's share of a queue.
     *
     * @param holder the participant
     * @param claimed slots it has claimed for a take and not freed: messages it is copying out, and,
     *     with acknowledgement {@code ON_TASK_DONE}, messages it holds until their {@code taskDone}
     *     (a dead participant's are delivered again by the next janitor pass)
     * @param notDone for a joinable queue with acknowledgement {@code ON_TAKE}, messages it took
     *     and has not marked done
     */
    record QueueParticipant(Holder holder, long claimed, long notDone) {}

    /**
     * A file whose header names a kind this inspector does not decode (an object kind of a newer
     * release, say): listed with what the header says.
     *
     * @param name the object name the header records
     * @param file the file
     * @param kind the kind code
     * @param creatorPid the pid that created the file
     * @param created when it was created
     */
    record OtherInfo(String name, Path file, int kind, long creatorPid, Instant created) implements ObjectInfo {}

    /**
     * A file that could not be decoded: foreign, damaged, truncated, of another layout version, a
     * symbolic link, or unreadable.
     *
     * @param name the file name
     * @param file the file
     * @param problem what is wrong, naming the expected and the actual value
     */
    record DamagedFile(String name, Path file, String problem) implements ObjectInfo {}
}
