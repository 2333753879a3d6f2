package dev.weft.ipc.testing;

import dev.weft.core.sync.LockResult;
import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.internal.SharedMemory;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.queue.Delivery;
import dev.weft.ipc.queue.IpcJoinableQueue;
import dev.weft.ipc.queue.QueueSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The commands of {@link ChildMain} run by the chaos soak ({@code IpcChaosSoakTest}); each runs
 * until the process is killed and reports every step that completed as a line.
 *
 * <pre>
 * soakproduce Q P PACE_US   -> "PUT P SEQ" after each put returned (SEQ = 0, 1, ...), one put per PACE_US
 * soakconsume Q WORK_US     -> "GOTD P SEQ COUNT" after each takeDelivery returned, then holds the
 *                              message for WORK_US (its "processing"), then "ACK P SEQ COUNT" after
 *                              its taskDone returned
 * soaklock L FILE           -> takes L again and again; inside, swaps its pid into the long at offset
 *                              0 of FILE and checks it is still there before clearing it:
 *                              "OVERLAP ..." if another live holder was inside, "DIED" after each
 *                              OWNER_DIED, "LOCKS N" every 100 acquisitions
 * </pre>
 * The soak queue is joinable with acknowledgement ON_TASK_DONE, capacity {@value #CAPACITY},
 * messages of {@value #MESSAGE_SIZE} bytes.
 */
final class SoakCommands {

    static final int CAPACITY = 64;
    static final int MESSAGE_SIZE = 32;

    private SoakCommands() {}

    static QueueSpec spec() {
        return QueueSpec.builder().capacity(CAPACITY).maxMessageSize(MESSAGE_SIZE)
                .acknowledgement(QueueSpec.Acknowledgement.ON_TASK_DONE).build();
    }

    static void run(IpcDomain domain, String[] w) throws Exception {
        switch (w[0]) {
            case "soakproduce" -> produce(domain.joinableQueue(w[1], spec()), Integer.parseInt(w[2]),
                    Long.parseLong(w[3]) * 1000L);
            case "soakconsume" -> consume(domain.joinableQueue(w[1], spec()), Long.parseLong(w[2]) * 1000L);
            case "soaklock" -> lock(domain.lock(w[1]), Path.of(w[2]));
            default -> throw new IllegalArgumentException("unknown soak command " + w[0]);
        }
    }

    private static void produce(IpcJoinableQueue q, int producer, long paceNanos) throws InterruptedException {
        ChildMain.say("PRODUCING");
        for (int seq = 0; ; seq++) {
            q.put(QueueMessages.encode(producer, seq, MESSAGE_SIZE));
            ChildMain.say("PUT " + producer + " " + seq);
            LockSupport.parkNanos(paceNanos); // pacing of the load, not ordering
        }
    }

    private static void consume(IpcJoinableQueue q, long workNanos) throws InterruptedException {
        ChildMain.say("CONSUMING");
        while (true) {
            Delivery<byte[]> d = q.pollDelivery(Duration.ofMillis(200));
            if (d == null) {
                continue;
            }
            long id = QueueMessages.verify(d.message());
            String message = QueueMessages.producer(id) + " " + QueueMessages.seq(id);
            ChildMain.say("GOTD " + message + " " + d.deliveryCount());
            LockSupport.parkNanos(workNanos); // the processing of the message, while it is held
            q.taskDone(d);
            ChildMain.say("ACK " + message + " " + d.deliveryCount());
        }
    }

    private static void lock(IpcLock lock, Path file) throws Exception {
        SharedMemory inside = SharedMemory.map(file, 4096);
        long me = ProcessHandle.current().pid();
        ChildMain.say("LOCKING");
        for (long n = 1; ; n++) {
            LockResult r = lock.acquireForResult();
            long previous = inside.getAndSetLong(0, me);
            if (r == LockResult.OWNER_DIED) {
                ChildMain.say("DIED");
            } else if (previous != 0) {
                ChildMain.say("OVERLAP " + me + " found " + previous + " inside");
            }
            for (int i = 0; i < 200; i++) {
                Thread.onSpinWait();
            }
            long now = inside.getLongVolatile(0);
            if (now != me) {
                ChildMain.say("OVERLAP " + me + " found " + now + " inside while holding");
            }
            inside.setLongVolatile(0, 0);
            lock.release();
            if (n % 100 == 0) {
                ChildMain.say("LOCKS " + n);
            }
        }
    }
}
