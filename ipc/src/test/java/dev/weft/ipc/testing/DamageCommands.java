package dev.weft.ipc.testing;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.event.IpcEvent;
import dev.weft.ipc.lock.IpcLock;
import dev.weft.ipc.queue.IpcQueue;

/**
 * The commands of {@link ChildMain} that use an object whose file the test damages (truncates)
 * while it is mapped. Every outcome is reported as a line, whatever is thrown, errors included,
 * so that the test sees what a user would see.
 *
 * <pre>
 * dopen lock|event|queue NAME WARM   -> DOPENED (after WARM warm-up operations, to get them compiled)
 * dop lock|event|queue NAME N        -> N lines "OP OK" or "OP &lt;class&gt; &lt;message&gt;", then "DONE"
 * duntil lock|event|queue NAME MS    -> repeats the operation until it throws IpcDamagedException or
 *                                       MS pass: UNTIL DAMAGED|NOT_DAMAGED ok=N internal=N other=N
 *                                       (operations that returned, threw InternalError, threw
 *                                       anything else, before the first IpcDamagedException)
 * dtake NAME                         -> TAKE OK | TAKE &lt;class&gt; &lt;message&gt; (a blocking take)
 * dexit                              -> CLOSED OK | CLOSED &lt;class&gt; &lt;message&gt;, then exits 0
 * </pre>
 */
final class DamageCommands {

    static final int QUEUE_CAPACITY = 8;
    static final int QUEUE_MAX_MESSAGE = 64;

    private DamageCommands() {}

    static void run(IpcDomain domain, String[] w) throws Exception {
        switch (w[0]) {
            case "dopen" -> {
                int warm = Integer.parseInt(w[3]);
                for (int i = 0; i < warm; i++) {
                    op(domain, w[1], w[2]);
                }
                if (warm == 0) {
                    open(domain, w[1], w[2]);
                }
                ChildMain.say("DOPENED");
            }
            case "dop" -> {
                int n = Integer.parseInt(w[3]);
                for (int i = 0; i < n; i++) {
                    try {
                        op(domain, w[1], w[2]);
                        ChildMain.say("OP OK");
                    } catch (Throwable e) {
                        ChildMain.say("OP " + describe(e));
                    }
                }
                ChildMain.say("DONE");
            }
            case "duntil" -> {
                long deadline = System.nanoTime() + Long.parseLong(w[3]) * 1_000_000L;
                int ok = 0;
                int internal = 0;
                int other = 0;
                boolean damaged = false;
                while (!damaged && System.nanoTime() - deadline < 0) {
                    try {
                        op(domain, w[1], w[2]);
                        ok++;
                    } catch (dev.weft.ipc.IpcDamagedException e) {
                        damaged = true;
                    } catch (InternalError e) {
                        internal++;
                    } catch (Throwable e) {
                        other++;
                    }
                }
                ChildMain.say("UNTIL " + (damaged ? "DAMAGED" : "NOT_DAMAGED") + " ok=" + ok + " internal=" + internal
                        + " other=" + other);
            }
            case "dtake" -> {
                IpcQueue q = domain.queue(w[1], QUEUE_CAPACITY, QUEUE_MAX_MESSAGE);
                ChildMain.say("TAKING");
                try {
                    q.get();
                    ChildMain.say("TAKE OK");
                } catch (Throwable e) {
                    ChildMain.say("TAKE " + describe(e));
                }
            }
            case "dexit" -> {
                try {
                    domain.close();
                    ChildMain.say("CLOSED OK");
                } catch (Throwable e) {
                    ChildMain.say("CLOSED " + describe(e));
                }
                System.exit(0);
            }
            default -> throw new IllegalArgumentException("unknown damage command " + w[0]);
        }
    }

    private static String describe(Throwable e) {
        String message = String.valueOf(e.getMessage()).replace('\n', ' ');
        return e.getClass().getSimpleName() + " " + message;
    }

    private static Object open(IpcDomain domain, String kind, String name) throws Exception {
        return switch (kind) {
            case "lock" -> domain.lock(name);
            case "event" -> domain.event(name);
            case "queue" -> domain.queue(name, QUEUE_CAPACITY, QUEUE_MAX_MESSAGE);
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
    }

    private static void op(IpcDomain domain, String kind, String name) throws Exception {
        Object o = open(domain, kind, name);
        if (o instanceof IpcLock lock) {
            if (lock.tryLock()) {
                lock.unlock();
            }
        } else if (o instanceof IpcEvent event) {
            event.set();
            event.isSet();
            event.clear();
        } else {
            IpcQueue q = (IpcQueue) o;
            q.offer(new byte[16]);
            q.poll();
        }
    }
}
