package dev.weft.ipc.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.inspect.ObjectInfo.DamagedFile;
import dev.weft.ipc.inspect.ObjectInfo.EventInfo;
import dev.weft.ipc.inspect.ObjectInfo.LockInfo;
import dev.weft.ipc.inspect.ObjectInfo.QueueInfo;
import dev.weft.ipc.inspect.ObjectInfo.QueueParticipant;
import dev.weft.ipc.queue.IpcQueue;
import dev.weft.ipc.queue.QueueSpec;
import dev.weft.ipc.testing.Child;
import dev.weft.ipc.testing.ChildDomain;
import dev.weft.ipc.testing.QueueMessages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The inspector against live domains: holders and consumers in child JVMs, alive and killed; and
 * against damaged files. Every report is checked against what the test arranged, and the domain's
 * bytes are compared before and after.
 */
@Timeout(120)
class DomainInspectorTest {

    private ChildDomain fixture;
    private Path dir;
    private IpcDomain domain;

    @BeforeEach
    void open() throws Exception {
        fixture = ChildDomain.open("inspect");
        dir = fixture.dir();
        domain = fixture.domain();
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    private Child child(String label) throws Exception {
        return fixture.child(label, "");
    }

    @Test
    void reportsHoldersConsumersAndDeadParticipants_andChangesNoByte() throws Exception {
        // Every child registers before one dies: a later registration could reuse the dead entry.
        Child holder = child("holder");
        Child doomed = child("doomed");
        Child setter = child("setter");
        Child consumer = child("consumer");
        assertThat(holder.call("acquire A")).isEqualTo("ACQUIRED");
        assertThat(doomed.call("acquire B")).isEqualTo("ACQUIRED");
        doomed.kill();
        assertThat(setter.call("set E")).isEqualTo("OK");
        domain.lock("C");
        domain.event("F");
        IpcQueue jobs = domain.joinableQueue("J", 8, 64);
        for (int seq = 0; seq < 3; seq++) {
            jobs.put(QueueMessages.encode(1, seq, 32));
        }
        assertThat(consumer.call("qopen J 8 64 joinable")).isEqualTo("OPENED");
        assertThat(consumer.call("qtake J")).isEqualTo("GOT 1 0");
        IpcQueue plain = domain.queue("P", 4, 16);
        plain.put(new byte[] {1, 2, 3});
        plain.shutdown(false);

        Map<String, String> before = digests(dir);
        DomainReport report = DomainInspector.inspect(dir);
        String text = render("inspect", dir.toString());
        String json = render(dir.toString(), "--json");
        String one = render("inspect", dir.toString(), "J", "--json");
        Map<String, String> after = digests(dir);
        assertThat(after).as("every file's bytes and modification time").isEqualTo(before);

        assertThat(report.registryProblem()).isNull();
        Map<Long, Liveness> byPid = new TreeMap<>();
        report.participants().forEach(p -> byPid.put(p.pid(), p.liveness()));
        assertThat(byPid).containsEntry(ProcessHandle.current().pid(), Liveness.ALIVE)
                .containsEntry(holder.pid(), Liveness.ALIVE).containsEntry(setter.pid(), Liveness.ALIVE)
                .containsEntry(consumer.pid(), Liveness.ALIVE).containsEntry(doomed.pid(), Liveness.DEAD);

        LockInfo a = only(report, LockInfo.class, "A");
        assertThat(a.holder()).isNotNull();
        assertThat(a.holder().pid()).isEqualTo(holder.pid());
        assertThat(a.holder().liveness()).isEqualTo(Liveness.ALIVE);
        assertThat(a.ownerDiedPending()).isFalse();
        LockInfo b = only(report, LockInfo.class, "B");
        assertThat(b.holder().pid()).isEqualTo(doomed.pid());
        assertThat(b.ownerDiedPending()).isTrue();
        assertThat(only(report, LockInfo.class, "C").holder()).isNull();

        EventInfo e = only(report, EventInfo.class, "E");
        assertThat(e.set()).isTrue();
        assertThat(e.generation()).isEqualTo(1);
        assertThat(only(report, EventInfo.class, "F").set()).isFalse();

        QueueInfo j = only(report, QueueInfo.class, "J");
        assertThat(j.joinable()).isTrue();
        assertThat(j.capacity()).isEqualTo(8);
        assertThat(j.maxMessageSize()).isEqualTo(64);
        assertThat(j.depth()).isEqualTo(2);
        assertThat(j.unfinishedTasks()).isEqualTo(3);
        assertThat(j.shutdown()).isNull();
        assertThat(j.participants()).filteredOn(p -> p.holder().pid() == consumer.pid())
                .extracting(QueueParticipant::notDone).containsExactly(1L);
        QueueInfo p = only(report, QueueInfo.class, "P");
        assertThat(p.joinable()).isFalse();
        assertThat(p.depth()).isEqualTo(1);
        assertThat(p.shutdown()).isEqualTo("shutdown");

        assertThat(text).contains("PARTICIPANTS", "holder dead: next acquirer gets OWNER_DIED")
                .containsPattern("(?m)^B +held +pid " + doomed.pid() + " .* DEAD ")
                .containsPattern("(?m)^J +joinable +8 +64 +2 +0 +3 ");
        assertThat(json).startsWith("{\"directory\":").contains("\"ownerDiedPending\":true", "\"unfinishedTasks\":3",
                "\"liveness\":\"DEAD\"");
        assertThat(one).startsWith("[{\"name\":\"J\"").doesNotContain("\"name\":\"A\"");
    }

    @Test
    void deadConsumersTasksAreNotUnfinished() throws Exception {
        IpcQueue jobs = domain.joinableQueue("J", 8, 64);
        jobs.put(QueueMessages.encode(1, 0, 32));
        jobs.put(QueueMessages.encode(1, 1, 32));
        Child consumer = child("consumer");
        assertThat(consumer.call("qopen J 8 64 joinable")).isEqualTo("OPENED");
        assertThat(consumer.call("qtake J")).isEqualTo("GOT 1 0");
        consumer.kill();

        QueueInfo j = (QueueInfo) DomainInspector.inspect(dir, "queue.J").get(0);
        // Before a janitor has tallied the dead consumer's task it shows in the consumer's record;
        // after, in abandonedTasks. Either way join() no longer waits for it.
        long deadNotDone = j.participants().stream().filter(p -> p.holder().liveness() == Liveness.DEAD)
                .mapToLong(QueueParticipant::notDone).sum();
        assertThat(deadNotDone + j.abandonedTasks()).isEqualTo(1);
        assertThat(j.unfinishedTasks()).isEqualTo(1);
        assertThat(j.depth()).isEqualTo(1);
    }

    @Test
    void heldMessagesOfAnAcknowledgedQueueAreClaimedAndUnfinished() throws Exception {
        IpcQueue jobs = domain.joinableQueue("A", QueueSpec.builder().capacity(8).maxMessageSize(64)
                .acknowledgement(QueueSpec.Acknowledgement.ON_TASK_DONE).maxDeliveries(3).build());
        jobs.put(QueueMessages.encode(1, 0, 32));
        jobs.put(QueueMessages.encode(1, 1, 32));
        Child consumer = child("consumer");
        assertThat(consumer.call("qopen A 8 64 ack 3")).isEqualTo("OPENED");
        assertThat(consumer.call("qtaked A")).isEqualTo("GOTD 1 0 1");

        QueueInfo a = (QueueInfo) DomainInspector.inspect(dir, "A").get(0);
        assertThat(a.acknowledgement()).isEqualTo("ON_TASK_DONE");
        assertThat(a.maxDeliveries()).isEqualTo(3);
        assertThat(a.depth()).isEqualTo(1);
        assertThat(a.unfinishedTasks()).isEqualTo(2);
        assertThat(a.participants()).filteredOn(p -> p.holder().pid() == consumer.pid())
                .extracting(QueueParticipant::claimed).containsExactly(1L);
        assertThat(render(dir.toString(), "A")).contains("joinable, ack on taskDone (max 3)");
    }

    @Test
    void semaphoreHoldingsAndReentrantLocksAreReported() throws Exception {
        domain.semaphore("S", 5).acquire(2);
        domain.boundedSemaphore("B", 3);
        var rlock = domain.rlock("R");
        rlock.lock();
        rlock.lock();
        try {
            DomainReport report = DomainInspector.inspect(dir);
            ObjectInfo.SemaphoreInfo s = only(report, ObjectInfo.SemaphoreInfo.class, "S");
            assertThat(s.bounded()).isFalse();
            assertThat(s.initial()).isEqualTo(5);
            assertThat(s.available()).isEqualTo(3);
            assertThat(s.holdings()).singleElement().satisfies(h -> {
                assertThat(h.holder().pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(h.permits()).isEqualTo(2);
            });
            assertThat(only(report, ObjectInfo.SemaphoreInfo.class, "B").bounded()).isTrue();
            LockInfo r = only(report, LockInfo.class, "R");
            assertThat(r.reentrant()).isTrue();
            assertThat(r.holds()).isEqualTo(2);
            assertThat(r.ownerThread()).isEqualTo(Thread.currentThread().threadId());
            assertThat(render(dir.toString())).contains("SEMAPHORE", "held x2 by thread");
        } finally {
            rlock.unlock();
            rlock.unlock();
            domain.semaphore("S", 5).release(2);
        }
    }

    @Test
    void damagedForeignAndLinkedFilesAreReportedAndTheRestIsRead() throws Exception {
        domain.lock("good");
        domain.event("short");
        Path shortFile = dir.resolve("event.short");
        byte[] whole = Files.readAllBytes(shortFile);
        Files.write(dir.resolve("lock.cut"), java.util.Arrays.copyOf(whole, 100));
        Files.write(dir.resolve("queue.foreign"), "not a weft file at all, but long enough to have a header"
                .repeat(4).getBytes(StandardCharsets.UTF_8));
        Files.createSymbolicLink(dir.resolve("lock.link"), dir.resolve("lock.good"));
        Files.copy(shortFile, dir.resolve("lock.wrongkind"));

        DomainReport report = DomainInspector.inspect(dir);
        assertThat(only(report, LockInfo.class, "good").holder()).isNull();
        assertThat(problem(report, "lock.cut")).isEqualTo("file length expected at least 128 bytes but was 100");
        assertThat(problem(report, "queue.foreign")).startsWith("not a Weft ipc file: magic expected 0x");
        assertThat(problem(report, "lock.link")).startsWith("a symbolic link, not followed");
        assertThat(problem(report, "lock.wrongkind")).isEqualTo("kind expected lock but was event");
        assertThat(render(dir.toString())).contains("lock.cut", "file length expected at least 128 bytes but was 100");
    }

    @Test
    void commandLineStatuses() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(Inspect.run(new String[] {"inspect", dir.resolve("nope").toString()}, o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no such directory");
        assertThat(Inspect.run(new String[] {dir.toString(), "missing"}, o, e)).isEqualTo(1);
        assertThat(Inspect.run(new String[] {}, o, e)).isEqualTo(2);
        assertThat(Inspect.run(new String[] {dir.toString(), "--yaml"}, o, e)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --yaml", "usage: inspect DIR");
    }

    @Test
    void runsAsItsOwnProcess() throws Exception {
        domain.lock("L").acquire();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Inspect.class.getName(),
                "inspect", dir.toString(), "L", "--json").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        assertThat(output).contains("\"name\":\"L\"", "\"held\":true", "\"pid\":" + ProcessHandle.current().pid());
        domain.lock("L").release();
    }

    private static String problem(DomainReport report, String fileName) {
        return report.objects().stream().filter(o -> o instanceof DamagedFile && o.name().equals(fileName))
                .map(o -> ((DamagedFile) o).problem()).findFirst().orElseThrow(() -> new AssertionError(
                        "no damaged-file entry for " + fileName + " in " + report.objects()));
    }

    private static <T extends ObjectInfo> T only(DomainReport report, Class<T> type, String name) {
        List<T> found = report.objects().stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.name().equals(name)).toList();
        assertThat(found).as(type.getSimpleName() + " " + name + " in " + report.objects()).hasSize(1);
        return found.get(0);
    }

    private static String render(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Inspect.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * SHA-256 and modification time of every file of the domain, by name; of the registry's lock
     * file only its size and time: this process must not open it, since closing a descriptor of it
     * would drop this process's liveness lock (and the others would then find it dead).
     */
    private static Map<String, String> digests(Path dir) throws Exception {
        Map<String, String> result = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                FileTime mtime = Files.getLastModifiedTime(f);
                String content = f.getFileName().toString().equals("registry.lck") ? "size " + Files.size(f)
                        : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
                result.put(f.getFileName().toString(), content + " " + mtime);
            }
        }
        return result;
    }
}
