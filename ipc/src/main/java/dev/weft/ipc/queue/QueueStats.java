package dev.weft.ipc.queue;

/**
 * Recovery counters of a queue, shared by every process and kept in the queue's file for its
 * whole life. Read with {@link IpcQueue#stats()}; each field is read separately, so the record is
 * not an atomic snapshot.
 *
 * @param tombstones slots skipped without delivery because their put never completed: the
 *     producer died half-way, or an asynchronous put was cancelled after it had taken its slot
 * @param redeliveries messages put back for another consumer because the consumer that had taken
 *     them died (or cancelled an asynchronous take) before handing them to its application
 * @param discarded messages removed without delivery: by {@link IpcQueue#shutdown(boolean)
 *     shutdown(true)}, or, on a queue created without redelivery, messages of dead consumers
 * @param abandonedTasks for a {@link IpcJoinableQueue}: messages handed to processes that then
 *     died (or closed their domain) without calling {@link IpcJoinableQueue#taskDone()} for them,
 *     which {@link IpcJoinableQueue#join()} no longer waits for
 * @since 0.1
 */
public record QueueStats(long tombstones, long redeliveries, long discarded, long abandonedTasks) {
}
