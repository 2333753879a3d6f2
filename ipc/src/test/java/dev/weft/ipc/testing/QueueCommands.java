package dev.weft.ipc.testing;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.queue.IpcJoinableQueue;
import dev.weft.ipc.queue.IpcQueue;
import dev.weft.ipc.queue.Delivery;
import dev.weft.ipc.queue.QueueSpec;
import dev.weft.ipc.queue.QueueStats;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The queue commands of {@link ChildMain} (see its table). */
final class QueueCommands {

    private static final Map<String, IpcQueue> QUEUES = new ConcurrentHashMap<>();

    private QueueCommands() {}

    static String run(IpcDomain domain, String[] w) throws IOException, InterruptedException {
        if (w[0].equals("qopen")) {
            int capacity = Integer.parseInt(w[2]);
            int max = Integer.parseInt(w[3]);
            IpcQueue q = switch (w[4]) {
                case "joinable" -> domain.joinableQueue(w[1], capacity, max);
                case "ack" -> domain.joinableQueue(w[1], QueueSpec.builder().capacity(capacity).maxMessageSize(max)
                        .acknowledgement(QueueSpec.Acknowledgement.ON_TASK_DONE)
                        .maxDeliveries(w.length > 5 ? Integer.parseInt(w[5]) : 0).build());
                default -> domain.queue(w[1], capacity, max);
            };
            QUEUES.put(w[1], q);
            return "OPENED";
        }
        IpcQueue q = QUEUES.get(w[1]);
        if (q == null) {
            throw new IllegalStateException("queue " + w[1] + " not opened (qopen first)");
        }
        switch (w[0]) {
            case "qput" -> {
                q.put(QueueMessages.encode(Integer.parseInt(w[2]), Integer.parseInt(w[3]), Integer.parseInt(w[4])));
                return "PUT " + w[2] + " " + w[3];
            }
            case "qoffer" -> {
                long start = System.nanoTime();
                boolean put = q.offer(QueueMessages.encode(Integer.parseInt(w[2]), Integer.parseInt(w[3]),
                        Integer.parseInt(w[4])), Duration.ofMillis(Long.parseLong(w[5])));
                return put ? "PUT " + w[2] + " " + w[3] : "FULL " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }
            case "qproduce" -> {
                int producer = Integer.parseInt(w[2]);
                int n = Integer.parseInt(w[3]);
                int size = Integer.parseInt(w[4]);
                ByteBuffer b = ByteBuffer.allocate(size);
                for (int seq = 0; seq < n; seq++) {
                    b.clear();
                    QueueMessages.encodeInto(b, producer, seq, size);
                    b.flip();
                    q.put(b);
                }
                return "PRODUCED " + producer + " " + n;
            }
            case "qtake" -> {
                return got(q.get());
            }
            case "qpoll" -> {
                long start = System.nanoTime();
                byte[] m = q.poll(Duration.ofMillis(Long.parseLong(w[2])));
                return m == null ? "NONE " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) : got(m);
            }
            case "qconsume" -> {
                return "CONSUMED " + consume(q, Path.of(w[2]));
            }
            case "qchaos" -> {
                chaos(q, Integer.parseInt(w[2]), Long.parseLong(w[3]));
                return "unreachable";
            }
            case "qtaked" -> {
                Delivery<byte[]> d = ((IpcJoinableQueue) q).takeDelivery();
                long id = QueueMessages.verify(d.message());
                return "GOTD " + QueueMessages.producer(id) + " " + QueueMessages.seq(id) + " " + d.deliveryCount();
            }
            case "qtaskdone" -> {
                ((IpcJoinableQueue) q).taskDone();
                return "DONE";
            }
            case "qjoin" -> {
                ((IpcJoinableQueue) q).join();
                return "JOINED";
            }
            case "qstats" -> {
                QueueStats s = q.stats();
                return "STATS " + s.tombstones() + " " + s.redeliveries() + " " + s.discarded() + " " + s.abandonedTasks();
            }
            case "qshutdown" -> {
                q.shutdown(Boolean.parseBoolean(w[2]));
                return "OK";
            }
            default -> throw new IllegalArgumentException("unknown queue command " + w[0]);
        }
    }

    private static String got(byte[] m) {
        long id = QueueMessages.verify(m);
        return "GOT " + QueueMessages.producer(id) + " " + QueueMessages.seq(id);
    }

    /** Takes until a poison pill, verifying each message; writes (producer, seq) pairs to {@code file}. */
    private static long consume(IpcQueue q, Path file) throws IOException, InterruptedException {
        ChildMain.say("CONSUMING");
        ByteBuffer b = ByteBuffer.allocate(q.maxMessageSize());
        long n = 0;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            while (true) {
                b.clear();
                int length = q.get(b);
                long id = QueueMessages.verify(b, 0, length);
                if (QueueMessages.producer(id) == QueueMessages.POISON) {
                    return n;
                }
                out.writeInt(QueueMessages.producer(id));
                out.writeInt(QueueMessages.seq(id));
                n++;
            }
        }
    }

    /** Random puts and takes, each reported after it returned, until the process is killed. */
    private static void chaos(IpcQueue q, int producer, long seed) throws InterruptedException {
        Random random = new Random(seed);
        int seq = 0;
        while (true) {
            if (random.nextBoolean()) {
                if (q.offer(QueueMessages.encode(producer, seq, 64), Duration.ofMillis(5))) {
                    ChildMain.say("PUT " + producer + " " + seq);
                    seq++;
                }
            } else {
                byte[] m = q.poll(Duration.ofMillis(5));
                if (m != null) {
                    ChildMain.say(got(m));
                }
            }
        }
    }
}
