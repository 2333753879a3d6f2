/**
 * Cross-process primitives on memory-mapped files: Weft's counterparts of Python's
 * {@code multiprocessing.Lock} ({@link dev.weft.ipc.lock.IpcLock}), {@code Event}
 * ({@link dev.weft.ipc.event.IpcEvent}), {@code Queue} ({@link dev.weft.ipc.queue.IpcQueue}) and
 * {@code JoinableQueue} ({@link dev.weft.ipc.queue.IpcJoinableQueue}), opened by name from an
 * {@link dev.weft.ipc.IpcDomain}.
 *
 * <h2>Guarantees shared by every object</h2>
 * <ul>
 *   <li><b>Crash safety:</b> a process killed at any instruction never leaves the others waiting
 *       forever. A lock held by a dead process is recovered by the next acquirer, which is told;
 *       a killed waiter never blocks a setter; a queue slot claimed by a dead producer is skipped
 *       and one claimed by a dead consumer is delivered again.</li>
 *   <li><b>Never against the living:</b> death is proved with an OS file lock that the kernel
 *       drops at process exit (zombies and PID reuse included), never inferred from a timeout. A
 *       stopped or slow process keeps what it holds.</li>
 *   <li><b>Timeouts</b> are minimum waits; zero or negative means "do not wait". Untimed forms wait
 *       as long as needed.</li>
 *   <li><b>Interrupts:</b> every blocking method checks the interrupt status on entry and while
 *       waiting, throws {@link java.lang.InterruptedException} and clears the status.</li>
 *   <li><b>Virtual threads:</b> a waiting virtual thread holds no carrier thread.</li>
 *   <li><b>Files:</b> owner-only by default, self-describing, rejected with
 *       {@link dev.weft.ipc.IpcFormatException} when they do not match. A file cut short while
 *       mapped (truncated by another process) makes its object fail with
 *       {@link dev.weft.ipc.IpcDamagedException} in every operation, blocked ones included, rather
 *       than crash the JVM; the other objects go on.</li>
 * </ul>
 *
 * <h2>Waiting</h2>
 * See {@link dev.weft.ipc.WaitBackend}: {@code futex(2)} on Linux with Java 22+ and native access
 * granted ({@code --enable-native-access=ALL-UNNAMED}); a spin, yield and park back-off elsewhere.
 * Nothing is printed either way: without native access the library does not touch restricted
 * methods, so the JDK has nothing to warn about.
 */
@NullMarked
package dev.weft.ipc;

import org.jspecify.annotations.NullMarked;
