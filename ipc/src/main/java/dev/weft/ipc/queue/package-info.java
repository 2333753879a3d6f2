/**
 * The cross-process queue contract: {@link dev.weft.ipc.queue.IpcQueue} and
 * {@link dev.weft.ipc.queue.IpcJoinableQueue}, Weft's counterparts of Python's
 * {@code multiprocessing.Queue} and {@code multiprocessing.JoinableQueue}, with a typed view
 * ({@link dev.weft.ipc.queue.TypedQueue} and {@link dev.weft.ipc.queue.MessageCodec}).
 *
 * <p>Instances come from a {@link dev.weft.ipc.IpcDomain}. The contract is backend-neutral: the
 * shared-memory implementation lives in {@code dev.weft.ipc.internal}.
 *
 * <h2 id="delivery">Delivery guarantees</h2>
 * <ul>
 *   <li><b>Work queue:</b> each message is delivered to exactly one consumer, in any process.
 *       Messages are delivered in the order their puts took effect; the messages of one producer
 *       thread reach any one consumer in the order they were put (a message delivered again after
 *       a crash, see below, comes later).</li>
 *   <li><b>Committed means safe:</b> once a put returns, the message is in shared memory. It
 *       survives the death of its producer and of every other process: the file stays until it is
 *       {@linkplain dev.weft.ipc.queue.IpcQueue#unlink() unlinked} (on {@code /dev/shm} it does not
 *       survive a reboot, and on a disk-backed domain it survives a power loss only with
 *       {@link dev.weft.ipc.queue.QueueSpec.Builder#syncOnCommit(boolean)}).</li>
 *   <li><b>A killed producer</b> leaves at most a half-written slot, which is never delivered:
 *       it is skipped (a <i>tombstone</i>) within about one liveness slice.</li>
 *   <li><b>A killed consumer:</b> a message it had taken but not yet returned to its application
 *       is delivered again, to another consumer, within about two liveness slices (or dropped and
 *       counted, if the queue was created with
 *       {@link dev.weft.ipc.queue.QueueSpec.Builder#redeliverOnConsumerDeath(boolean)} false), exactly
 *       once even if the process that redelivers it is killed too. A consumer killed after its take
 *       completed, but before its application used the message, has consumed it: as with any queue,
 *       processing is at-most-once past that point (a joinable queue's {@code join()} stops waiting
 *       for it, see {@link dev.weft.ipc.queue.IpcJoinableQueue}). A joinable queue created with
 *       {@link dev.weft.ipc.queue.QueueSpec.Acknowledgement#ON_TASK_DONE} moves that point to
 *       {@code taskDone}: a message whose consumer dies before acknowledging it is delivered
 *       again, with its {@linkplain dev.weft.ipc.queue.Delivery#deliveryCount() delivery count},
 *       or dead-lettered after {@link dev.weft.ipc.queue.QueueSpec#maxDeliveries()}
 *       deliveries.</li>
 *   <li><b>Never against the living:</b> a process that is alive, however long it is stopped or
 *       slow, is never robbed of a slot: death is proved with the domain's OS file locks, never
 *       inferred from time. A stopped producer or consumer can hold up the queue at its position
 *       (as in any bounded ring); timed methods time out.</li>
 *   <li><b>A damaged file is not trusted:</b> every length and slot word read from the queue's
 *       file is checked before use. A slot that another program (or failing storage) damaged is
 *       never delivered and never wedges the queue: it is skipped and counted in
 *       {@link dev.weft.ipc.queue.QueueStats#quarantined()}, and its message is lost. Damaged
 *       head and tail positions are recomputed from the slots. Damage that looks valid (a plausible
 *       length, altered payload bytes) cannot be detected: there is no checksum.</li>
 * </ul>
 *
 * <h2 id="blocking">Blocking, interrupts, timeouts and cancellation</h2>
 * <ul>
 *   <li>A put blocks only while the queue is full at the producer's position; a take only while
 *       no committed message is at the consumer's position. Wake-ups come from the peers' takes and
 *       puts (in any process), from {@link dev.weft.ipc.queue.IpcQueue#shutdown(boolean)}, from
 *       {@link dev.weft.ipc.queue.IpcQueue#close()} of the same handle, from a recovery, or
 *       spuriously; after every wake-up the method re-checks the queue and waits again if
 *       needed.</li>
 *   <li><b>Interrupts:</b> every blocking method checks the interrupt status on entry and while
 *       waiting and throws {@link java.lang.InterruptedException}, clearing the status. An
 *       interrupt never takes effect between taking a slot and completing: a put interrupted
 *       while waiting has put nothing, a take interrupted while waiting has taken nothing. On the
 *       futex back-end a waiting platform thread notices an interrupt within 10 ms.</li>
 *   <li><b>Timeouts</b> are minimum waits; zero or negative means "do not wait". A timed put
 *       that times out has put nothing ({@code false}); a timed take that times out has taken
 *       nothing ({@code null}, or {@code -1} for the buffer forms). The untimed forms wait as long
 *       as needed.</li>
 *   <li><b>Asynchronous forms</b> ({@code putAsync}, {@code getAsync}, {@code joinAsync}) wait
 *       on a virtual thread, which holds no carrier while it waits. Cancelling the future (or
 *       completing it yourself, or {@link java.util.concurrent.CompletableFuture#orTimeout}
 *       firing) withdraws the request: if the message had not yet been committed (put) or handed
 *       over (get), nothing is put or taken (a taken-but-not-handed-over message is returned to
 *       the queue); otherwise the cancellation fails and the future completes normally. No message
 *       is lost or duplicated either way. Dependent actions run on the queue's virtual thread
 *       unless given an executor.</li>
 *   <li><b>Closed handle:</b> operations on a {@link dev.weft.ipc.queue.IpcQueue#close() closed}
 *       queue handle, or on a queue whose domain is closed, throw
 *       {@link java.lang.IllegalStateException}; threads of this process blocked on the handle
 *       wake and throw it.</li>
 *   <li><b>Damaged queue:</b> if a queue's file is cut short while mapped (truncated by another
 *       process, say), every operation on its handles in this process throws
 *       {@link dev.weft.ipc.IpcDamagedException}, naming the file and its sizes (threads blocked on
 *       it throw within a liveness slice). If its crash recovery fails for another reason, the
 *       queue is marked damaged the same way and its operations throw
 *       {@link java.lang.IllegalStateException} with the failure as its cause. Other queues are not
 *       affected.</li>
 * </ul>
 *
 * <h2 id="memory">Memory consistency</h2>
 * Actions of a process before it puts a message <i>happen-before</i> the actions that follow the
 * take that returns that message, in whatever process (the message's bytes are published by the
 * put's commit and acquired by the take).
 */
@NullMarked
package dev.weft.ipc.queue;

import org.jspecify.annotations.NullMarked;
