package dev.weft.ipc.queue;

/**
 * Recovery counters of a queue, shared by every process and kept in the queue's file for its
 * whole life. Read with {@link IpcQueue#stats()}; each field is read separately, so the record is
 * not an atomic snapshot.
 *
 * @param tombstones slots skipped without delivery because their put never completed: the
 *     producer died half-way, or an asynchronous put was cancelled after it had taken its slot
 * @param redeliveries messages put back for another consumer because the consumer that had taken
 *     them died (or cancelled an asynchronous take) before handing them to its application, or, on
 *     a queue created with {@link QueueSpec.Acknowledgement#ON_TASK_DONE}, before calling
 *     {@code taskDone} for them
 * @param discarded messages removed without delivery: by {@link IpcQueue#shutdown(boolean)
 *     shutdown(true)}, or, on a queue created without redelivery, messages of dead consumers
 * @param abandonedTasks for a {@link IpcJoinableQueue}: messages handed to processes that then
 *     died (or closed their domain) without calling {@link IpcJoinableQueue#taskDone()} for them,
 *     which {@link IpcJoinableQueue#join()} no longer waits for
 * @param quarantined slots found damaged in the queue's file and skipped without delivery: a
 *     length that no message of this queue can have (negative, or above its maximum message size),
 *     a committed slot word that carries a participant token, or a slot whose lap is inconsistent
 *     with the rest of the ring. Nothing a Weft process writes is ever quarantined: a non-zero
 *     count means that something else wrote into the file (or the storage under it failed), and
 *     the messages of those slots are lost
 * @param deadLettered for a queue created with {@link QueueSpec.Acknowledgement#ON_TASK_DONE} and a
 *     {@linkplain QueueSpec#maxDeliveries() delivery limit}: messages removed without further
 *     delivery because a consumer died holding them after they had been delivered that many times
 * @since 0.1
 */
public record QueueStats(long tombstones, long redeliveries, long discarded, long abandonedTasks, long quarantined,
        long deadLettered) {

    /**
     * Counters of a queue in which nothing was dead-lettered.
     *
     * @param tombstones see {@link #tombstones()}
     * @param redeliveries see {@link #redeliveries()}
     * @param discarded see {@link #discarded()}
     * @param abandonedTasks see {@link #abandonedTasks()}
     * @param quarantined see {@link #quarantined()}
     */
    public QueueStats(long tombstones, long redeliveries, long discarded, long abandonedTasks, long quarantined) {
        this(tombstones, redeliveries, discarded, abandonedTasks, quarantined, 0L);
    }

    /**
     * Counters of a queue in which nothing was quarantined.
     *
     * @param tombstones see {@link #tombstones()}
     * @param redeliveries see {@link #redeliveries()}
     * @param discarded see {@link #discarded()}
     * @param abandonedTasks see {@link #abandonedTasks()}
     */
    public QueueStats(long tombstones, long redeliveries, long discarded, long abandonedTasks) {
        this(tombstones, redeliveries, discarded, abandonedTasks, 0L, 0L);
    }
}
