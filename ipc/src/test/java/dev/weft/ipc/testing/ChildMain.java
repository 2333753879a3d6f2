package dev.weft.ipc.testing;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.event.IpcEvent;
import dev.weft.ipc.internal.CrashPoints;
import dev.weft.ipc.internal.SharedMemory;
import dev.weft.ipc.lock.AwaitResult;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.semaphore.IpcSemaphore;
import dev.weft.core.sync.LockResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The program run by the child JVMs of the multi-process tests.
 *
 * <p>Arguments: the domain directory, then commands to run at once (each argument one command);
 * then it reads further commands, one per line, from standard input until {@code exit} or end of
 * input. Each command answers one line on standard output. The first line is {@code READY <pid>}.
 *
 * <pre>
 * acquire L | try L | tryfor L MS | release L      -> ACQUIRED | OWNER_DIED | NOT_ACQUIRED | RELEASED | ERROR ...
 * set E | clear E                                  -> OK
 * await E | awaitfor E MS                          -> AWAITED true|false
 * count L FILE N THREADS                           -> COUNTED N*THREADS (N increments per thread under L)
 * pingpong E_PING E_PONG N                         -> PONGED N (answer N pings: await ping, clear, set pong)
 * hold                                             -> HOLDING, then parks forever
 * exit                                             -> exits 0
 * qopen Q CAP MAX plain|joinable|ack [MAXDELIV]    -> OPENED (the queue commands below need it; ack:
 *                                                     joinable, acknowledgement ON_TASK_DONE)
 * qtaked Q                                         -> GOTD P SEQ DELIVERYCOUNT (takeDelivery, verified)
 * qput Q P SEQ SIZE | qoffer Q P SEQ SIZE MS       -> PUT P SEQ | FULL elapsedMs
 * qproduce Q P N SIZE                              -> PRODUCED P N (sequence numbers 0 .. N-1)
 * qtake Q | qpoll Q MS                             -> GOT P SEQ | NONE elapsedMs (message verified)
 * qconsume Q FILE                                  -> CONSUMING, then CONSUMED n at a poison pill;
 *                                                     FILE gets (producer, seq) int pairs in order
 * qchaos Q P SEED                                  -> random puts (PUT P SEQ after each return) and
 *                                                     takes (GOT P SEQ after each return), forever
 * qtaskdone Q | qjoin Q | qstats Q | qshutdown Q IMMEDIATE -> DONE | JOINED | STATS t r d a | OK
 * racquire L | rrelease L                         -> ACQUIRED | OWNER_DIED | RELEASED | ERROR ... (rlock L)
 * cwait C L | csignal C L                         -> WOKEN (lock L acquired, awaited, released) |
 *                                                     SIGNALLED (lock L acquired and kept, one signal)
 * cwaitfor C L MS                                  -> AWAITED <AwaitResult> (lock L acquired,
 *                                                     awaitForResult for MS ms, released)
 * bawait B PARTIES                                -> INDEX n | BROKEN | ERROR ... (barrier B)
 * sem S INIT BOUNDED acquire K | try K | release K  -> ACQUIRED | OWNER_DIED | NOT_ACQUIRED | RELEASED | ERROR ...
 *                                                     (semaphore S, created with INIT permits, bounded if BOUNDED is 1)
 * sem S INIT BOUNDED churn K                       -> CHURNING after the first round, then acquires and
 *                                                     releases K permits forever
 * bg COMMAND...                                    -> runs COMMAND on a new thread (answers later)
 * resume POINT                                     -> RESUMED (a crash point armed "pause")
 * dopen | dop | duntil | dtake | dexit             -> see DamageCommands (objects whose file is truncated)
 * soakproduce | soakconsume | soaklock             -> see SoakCommands (the chaos soak; run until killed)
 * </pre>
 * A queue command that fails answers {@code ERROR <exception class> <message>}.
 */
public final class ChildMain {

    private ChildMain() {}

    public static void main(String[] args) throws Exception {
        IpcDomain domain = IpcTesting.open(Path.of(args[0]));
        say("READY " + ProcessHandle.current().pid());
        for (int i = 1; i < args.length; i++) {
            run(domain, args[i]);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.isBlank()) {
                run(domain, line.trim());
            }
        }
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void run(IpcDomain domain, String command) throws Exception {
        String[] w = command.split(" ");
        switch (w[0]) {
            case "acquire" -> say(domain.lock(w[1]).acquireForResult().name());
            case "try" -> say(domain.lock(w[1]).tryAcquireForResult().name());
            case "tryfor" -> say(domain.lock(w[1]).tryAcquireForResult(Duration.ofMillis(Long.parseLong(w[2]))).name());
            case "release" -> {
                try {
                    domain.lock(w[1]).release();
                    say("RELEASED");
                } catch (IllegalMonitorStateException | IllegalStateException e) {
                    say("ERROR " + e.getClass().getSimpleName());
                }
            }
            case "set" -> {
                domain.event(w[1]).set();
                say("OK");
            }
            case "clear" -> {
                domain.event(w[1]).clear();
                say("OK");
            }
            case "await" -> {
                domain.event(w[1]).await();
                say("AWAITED true");
            }
            case "awaitfor" -> say("AWAITED " + domain.event(w[1]).await(Duration.ofMillis(Long.parseLong(w[2]))));
            case "count" -> say("COUNTED " + count(domain.lock(w[1]), Path.of(w[2]), Integer.parseInt(w[3]),
                    Integer.parseInt(w[4])));
            case "pingpong" -> say("PONGED " + pingPong(domain.event(w[1]), domain.event(w[2]), Integer.parseInt(w[3])));
            case "hold" -> {
                say("HOLDING");
                while (true) {
                    LockSupport.park();
                }
            }
            case "bg" -> {
                String rest = command.substring(3);
                Thread.ofPlatform().name("bg " + rest).start(() -> {
                    try {
                        run(domain, rest);
                    } catch (Exception e) {
                        say("ERROR " + e.getClass().getSimpleName() + " " + e.getMessage());
                    }
                });
            }
            case "sem" -> say(semaphore(domain, w));
            case "cwait" -> {
                IpcLock l = domain.lock(w[2]);
                l.acquire();
                domain.condition(w[1], l).await();
                l.release();
                say("WOKEN");
            }
            case "cwaitfor" -> {
                IpcLock l = domain.lock(w[2]);
                l.acquire();
                AwaitResult r = domain.condition(w[1], l).awaitForResult(Duration.ofMillis(Long.parseLong(w[3])));
                l.release();
                say("AWAITED " + r);
            }
            case "csignal" -> {
                IpcLock l = domain.lock(w[2]);
                l.acquire();
                domain.condition(w[1], l).signal();
                say("SIGNALLED");
            }
            case "bawait" -> {
                try {
                    say("INDEX " + domain.barrier(w[1], Integer.parseInt(w[2])).await());
                } catch (java.util.concurrent.BrokenBarrierException e) {
                    say("BROKEN");
                }
            }
            case "racquire" -> say(domain.rlock(w[1]).acquireForResult().name());
            case "rrelease" -> {
                try {
                    domain.rlock(w[1]).release();
                    say("RELEASED");
                } catch (IllegalMonitorStateException | IllegalStateException e) {
                    say("ERROR " + e.getClass().getSimpleName());
                }
            }
            case "resume" -> {
                CrashPoints.resume(w[1]);
                say("RESUMED");
            }
            case "qopen", "qput", "qoffer", "qproduce", "qtake", "qtaked", "qpoll", "qconsume", "qchaos", "qtaskdone", "qjoin",
                    "qstats", "qshutdown" -> {
                try {
                    say(QueueCommands.run(domain, w));
                } catch (RuntimeException | java.io.IOException e) {
                    say("ERROR " + e.getClass().getSimpleName() + " " + e.getMessage());
                }
            }
            case "dopen", "dop", "duntil", "dtake", "dexit" -> DamageCommands.run(domain, w);
            case "soakproduce", "soakconsume", "soaklock" -> SoakCommands.run(domain, w);
            case "exit" -> {
                domain.close();
                System.exit(0);
            }
            default -> say("ERROR unknown command " + command);
        }
    }

    /** Runs a semaphore command: {@code sem S INIT BOUNDED OP K}. */
    private static String semaphore(IpcDomain domain, String[] w) throws Exception {
        int init = Integer.parseInt(w[2]);
        IpcSemaphore s = w[3].equals("1") ? domain.boundedSemaphore(w[1], init) : domain.semaphore(w[1], init);
        int k = Integer.parseInt(w[5]);
        try {
            switch (w[4]) {
                case "acquire" -> {
                    return s.acquireForResult(k).name();
                }
                case "try" -> {
                    return s.tryAcquireForResult(k).name();
                }
                case "release" -> {
                    s.release(k);
                    return "RELEASED";
                }
                case "churn" -> {
                    for (long round = 0; ; round++) {
                        s.acquire(k);
                        s.release(k);
                        if (round == 0) {
                            say("CHURNING");
                        }
                    }
                }
                default -> {
                    return "ERROR unknown semaphore command " + w[4];
                }
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            return "ERROR " + e.getClass().getSimpleName() + " " + e.getMessage();
        }
    }

    /** Increments the long at offset 0 of {@code file} (plain read, plain write) under {@code lock}. */
    static long count(IpcLock lock, Path file, int perThread, int threads) throws Exception {
        SharedMemory counter = SharedMemory.map(file, 4096);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        LockResult r = lock.acquireForResult();
                        if (r != LockResult.ACQUIRED) {
                            throw new AssertionError("unexpected " + r);
                        }
                        counter.setLongPlain(0, counter.getLongPlain(0) + 1);
                        lock.release();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        return (long) perThread * threads;
    }

    /** Answers {@code n} pings: waits for ping, clears it, sets pong. */
    static int pingPong(IpcEvent ping, IpcEvent pong, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            ping.await();
            ping.clear();
            pong.set();
        }
        return n;
    }
}
