package dev.weft.examples;

import dev.weft.core.queue.QueueShutDownException;
import dev.weft.redis.Codec;
import dev.weft.redis.RedisQueue;
import dev.weft.redis.RedisWeft;
import dev.weft.redis.TypedRedisQueue;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;

/**
 * Beyond one host: the work pool of {@link Example_33_WorkPoolSurvivesKilledWorker}, with its
 * queues on a Redis server instead of in shared memory, so the workers could run on any machine
 * that reaches the server. The code is the same {@code JoinableQueue} code; only the factory
 * differs ({@code redis.queue(..)} of a {@link RedisWeft} instead of {@code domain.joinableQueue(..)}).
 *
 * <p>Three worker JVMs take numbers from a joinable "tasks" queue and put their squares on a
 * "results" queue. The worker that takes task 7 hangs, and the parent kills it with
 * {@code SIGKILL}. Nobody resubmits anything: the task stays pending on the server under the dead
 * worker's name, and once it has waited there for the redelivery bound (1 s here) the next get of
 * a live worker takes it over, with a delivery count of 2. {@code join()} returns when every task,
 * task 7 included, is marked done.
 *
 * <p>The example starts a Redis server of its own (the binary carried by the embedded-redis
 * artifact); {@code -Dweft.redis.uri=redis://host:port} points it at another.
 *
 * <p>Run: {@code mvn -q -Prun-examples -pl examples -am package -DskipTests -Dexample=dev.weft.examples.Example_35_WorkPoolAcrossHosts}
 */
public final class Example_35_WorkPoolAcrossHosts {

    /** What {@link #run(PrintStream)} prints. */
    public static final String EXPECTED_OUTPUT = """
            3 worker processes connected to Redis; 12 tasks submitted
            a worker took task 7 and hung: killed it with SIGKILL
            parent: tasks.join() returned
            results: 1 4 9 16 25 36 49 64 81 100 121 144
            task 7 was finished by another worker, on its delivery 2
            tasks queue: 0 unfinished tasks
            2 surviving workers exited after the shutdown
            """;

    private static final int WORKERS = 3;
    private static final int TASKS = 12;
    private static final String HANGING_TASK = "7";
    private static final RedisQueue.Settings TASK_SETTINGS =
            RedisQueue.Settings.of(64).withRedeliverAfter(Duration.ofSeconds(1));

    private Example_35_WorkPoolAcrossHosts() {}

    public static void run(PrintStream out) throws Exception {
        String tasksName = "example35-tasks-" + UUID.randomUUID();
        String resultsName = "example35-results-" + UUID.randomUUID();
        try (LocalRedis server = LocalRedis.startOrExternal();
                RedisWeft redis = RedisWeft.connect(server.uri())) {
            TypedRedisQueue<String> tasks = redis.queue(tasksName, TASK_SETTINGS).typed(Codec.utf8());
            TypedRedisQueue<String> results = redis.queue(resultsName, 64).typed(Codec.utf8());
            List<ChildJvm> workers = new ArrayList<>();
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            List<CountDownLatch> exited = new ArrayList<>();
            try {
                for (int w = 0; w < WORKERS; w++) {
                    ChildJvm worker = ChildJvm.start(Example_35_WorkPoolAcrossHosts.class, "worker",
                            server.uri(), tasksName, resultsName);
                    workers.add(worker);
                    CountDownLatch done = new CountDownLatch(1);
                    exited.add(done);
                    int id = w;
                    Thread.ofPlatform().daemon().start(() -> relay(worker, id, events, done));
                }
                for (int w = 0; w < WORKERS; w++) {
                    events.take(); // "<w> READY"
                }
                for (int n = 1; n <= TASKS; n++) {
                    tasks.put(Integer.toString(n));
                }
                out.println(WORKERS + " worker processes connected to Redis; " + TASKS + " tasks submitted");
                String event;
                while (!(event = events.take()).endsWith(" HUNG " + HANGING_TASK)) {
                    // no other line comes first
                }
                int hung = Integer.parseInt(event.substring(0, event.indexOf(' ')));
                workers.get(hung).kill();
                out.println("a worker took task " + HANGING_TASK + " and hung: killed it with SIGKILL");
                tasks.join();
                out.println("parent: tasks.join() returned");
                TreeMap<Integer, Integer> squares = new TreeMap<>();
                int deliveriesOfHanging = 0;
                for (int i = 0; i < TASKS; i++) {
                    String[] r = results.get().split(" ");
                    squares.put(Integer.parseInt(r[0]), Integer.parseInt(r[1]));
                    if (r[0].equals(HANGING_TASK)) {
                        deliveriesOfHanging = Integer.parseInt(r[2]);
                    }
                    results.taskDone();
                }
                out.println("results: " + squares.values().stream().map(String::valueOf)
                        .collect(Collectors.joining(" ")));
                out.println("task " + HANGING_TASK + " was finished by another worker, on its delivery "
                        + deliveriesOfHanging);
                out.println("tasks queue: " + tasks.unfinishedTasks() + " unfinished tasks");
                tasks.shutdown();
                int survivors = 0;
                for (int w = 0; w < WORKERS; w++) {
                    if (w != hung) {
                        exited.get(w).await();
                        workers.get(w).join();
                        survivors++;
                    }
                }
                out.println(survivors + " surviving workers exited after the shutdown");
            } finally {
                for (ChildJvm w : workers) {
                    w.close();
                }
            }
        }
    }

    /** Copies a worker's lines into {@code events}, prefixed with its number, until it exits. */
    private static void relay(ChildJvm worker, int id, BlockingQueue<String> events, CountDownLatch exited) {
        try {
            while (true) {
                events.add(id + " " + worker.readLine());
            }
        } catch (IOException end) {
            exited.countDown(); // the worker exited (or was killed)
        }
    }

    /** Worker process: squares tasks until the queue is shut down; hangs on the first delivery of task 7. */
    private static void worker(String uri, String tasksName, String resultsName) throws Exception {
        try (RedisWeft redis = RedisWeft.connect(uri)) {
            RedisQueue tasks = redis.queue(tasksName, TASK_SETTINGS);
            TypedRedisQueue<String> results = redis.queue(resultsName, 64).typed(Codec.utf8());
            System.out.println("READY");
            System.out.flush();
            while (true) {
                RedisQueue.Delivery d;
                try {
                    d = tasks.getDelivery();
                } catch (QueueShutDownException e) {
                    return;
                }
                String task = new String(d.payload(), StandardCharsets.UTF_8);
                if (task.equals(HANGING_TASK) && d.deliveryCount() == 1) {
                    System.out.println("HUNG " + task);
                    System.out.flush();
                    new CountDownLatch(1).await(); // a stuck job: the parent kills this process
                }
                int n = Integer.parseInt(task);
                results.put(n + " " + n * n + " " + d.deliveryCount());
                tasks.taskDone(d);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            run(System.out);
        } else {
            worker(args[1], args[2], args[3]);
        }
        System.exit(0);
    }
}
