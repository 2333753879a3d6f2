package dev.weft.ipc.lock;

import dev.weft.core.sync.LockResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.internal.LockDescriptor;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.internal.MappedLock;
import dev.weft.ipc.testing.Child;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lock scenarios L1-L11 of the ipc design, with real child JVMs stopped at named points and killed
 * with SIGKILL. This JVM is a participant too (the "parent").
 */
@Timeout(120)
class CrossProcessLockTest {

    /** Generous bound for "within one liveness slice" on a loaded 2-CPU machine. */
    private static final long RECOVERY_BOUND_MS = IpcTesting.SLICE.toMillis() + 2_000;

    private Path dir;
    private IpcDomain domain;
    private MappedLock lock;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("xlock");
        domain = IpcTesting.open(dir);
        lock = ((MappedDomain) domain).lockImpl("L");
    }

    @AfterEach
    void close() throws Exception {
        for (Child c : children) {
            c.close();
        }
        domain.close();
        IpcTesting.deleteTree(dir.getParent());
    }

    private Child child(String label, String crashPoints, String... commands) throws Exception {
        Child c = Child.start(label, dir, crashPoints, commands);
        children.add(c);
        return c;
    }

    private CompletableFuture<LockResult> acquireAsync() {
        CompletableFuture<LockResult> f = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                f.complete(lock.acquireForResult());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** Waits until the lock word carries the sleeper flag (some waiter is about to sleep or sleeps). */
    private void awaitWaitersFlag() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((lock.word() & LockDescriptor.WAITERS) == 0) {
            assertThat(System.nanoTime()).as("a waiter published the sleeper flag").isLessThan(deadline);
            LockSupport.parkNanos(1_000_000); // polls the word; orders nothing
        }
    }

    @Test
    void l1_holderKilledRightAfterAcquireCas_nextWaiterGetsOwnerDied() throws Exception {
        Child holder = child("holder", "lock.acquired:stop");
        holder.send("acquire L");
        holder.expectPoint("lock.acquired");
        CompletableFuture<LockResult> waiter = acquireAsync();
        awaitWaitersFlag();
        long killed = System.nanoTime();
        holder.kill();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.OWNER_DIED);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed)).isLessThan(RECOVERY_BOUND_MS);
        assertThat(lock.recoveries()).isEqualTo(1);
        lock.release();
    }

    @Test
    void l2_holderKilledWithThreeWaitersInTwoJvms_exactlyOneOwnerDied() throws Exception {
        Child holder = child("holder", "");
        assertThat(holder.call("acquire L")).isEqualTo("ACQUIRED");
        Child other = child("other", "lock.sleeping:mark");
        other.send("acquire L");
        other.expectPoint("lock.sleeping");
        ConcurrentLinkedQueue<LockResult> results = new ConcurrentLinkedQueue<>();
        List<Thread> parentWaiters = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            parentWaiters.add(Thread.ofPlatform().start(() -> {
                try {
                    results.add(lock.acquireForResult());
                    lock.release();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }));
        }
        for (Thread t : parentWaiters) {
            IpcTesting.awaitBlocked(t);
        }
        holder.kill();
        String otherResult = other.nextLine();
        results.add(LockResult.valueOf(otherResult));
        assertThat(other.call("release L")).isEqualTo("RELEASED");
        for (Thread t : parentWaiters) {
            t.join();
        }
        assertThat(results).hasSize(3);
        assertThat(results.stream().filter(r -> r == LockResult.OWNER_DIED).count()).isEqualTo(1);
        assertThat(results.stream().filter(r -> r == LockResult.ACQUIRED).count()).isEqualTo(2);
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void l3_waiterKilledAfterSettingWaitersBeforeSleeping_onlyCostsAWake() throws Exception {
        lock.acquireForResult();
        Child waiter = child("waiter", "lock.waitersSet:stop");
        waiter.send("acquire L");
        waiter.expectPoint("lock.waitersSet");
        waiter.kill();
        assertThat(lock.word() & LockDescriptor.WAITERS).isNotZero();
        lock.release();
        assertThat(lock.tryAcquireForResult()).isEqualTo(LockResult.ACQUIRED);
        lock.release();
        assertCounterExact(2, 2_000);
        assertThat(lock.recoveries()).isZero();
    }

    @Test
    void l4_waiterKilledWhileSleeping_othersUnaffected() throws Exception {
        lock.acquireForResult();
        Child waiter = child("waiter", "lock.sleeping:mark");
        waiter.send("acquire L");
        waiter.expectPoint("lock.sleeping");
        CompletableFuture<LockResult> parentWaiter = acquireAsync();
        waiter.kill();
        lock.release();
        assertThat(parentWaiter.get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
        lock.release();
        assertCounterExact(2, 2_000);
    }

    @Test
    void l5_releaserKilledBetweenClearAndWake_sleeperAcquiresWithinSlice() throws Exception {
        Child holder = child("holder", "lock.released:stop");
        assertThat(holder.call("acquire L")).isEqualTo("ACQUIRED");
        CompletableFuture<LockResult> waiter = acquireAsync();
        awaitWaitersFlag();
        holder.send("release L");
        holder.expectPoint("lock.released"); // word cleared, no wake issued
        long released = System.nanoTime();
        holder.kill();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released)).isLessThan(RECOVERY_BOUND_MS);
        lock.release();
    }

    @Test
    void l6_recovererKilledRightAfterRecoveryCas_nextAcquirerGetsOwnerDiedAgain() throws Exception {
        Child holder = child("holder", "");
        assertThat(holder.call("acquire L")).isEqualTo("ACQUIRED");
        holder.kill();
        Child recoverer = child("recoverer", "lock.recovered:stop");
        recoverer.send("acquire L");
        recoverer.expectPoint("lock.recovered");
        recoverer.kill();
        assertThat(lock.acquireForResult()).isEqualTo(LockResult.OWNER_DIED);
        lock.release();
    }

    @Test
    void l7_holderStoppedForThreeSlices_isNeverRobbed() throws Exception {
        Child holder = child("holder", "");
        assertThat(holder.call("acquire L")).isEqualTo("ACQUIRED");
        holder.stop();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (holder.procState() != 'T') { // the signal is delivered asynchronously
                assertThat(System.nanoTime()).as("child stopped").isLessThan(deadline);
                LockSupport.parkNanos(1_000_000); // polls /proc; orders nothing
            }
            long start = System.nanoTime();
            assertThat(lock.tryAcquireForResult(IpcTesting.SLICE.multipliedBy(3))).isEqualTo(LockResult.NOT_ACQUIRED);
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(IpcTesting.SLICE.multipliedBy(3).toNanos());
            assertThat(lock.tryAcquireForResult()).isEqualTo(LockResult.NOT_ACQUIRED);
        } finally {
            holder.cont();
        }
        assertThat(holder.call("release L")).isEqualTo("RELEASED");
        assertThat(lock.acquireForResult()).isEqualTo(LockResult.ACQUIRED);
        assertThat(lock.recoveries()).isZero();
        lock.release();
    }

    @Test
    void l8_holderIsUnreapedZombie_isStillRecovered() throws Exception {
        Child zombie = Child.startUnreaped("zombie", dir, "acquire L", "hold");
        children.add(zombie);
        assertThat(zombie.nextLine()).isEqualTo("ACQUIRED");
        assertThat(zombie.nextLine()).isEqualTo("HOLDING");
        zombie.kill();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (zombie.procState() != 'Z') {
            assertThat(System.nanoTime()).as("child became a zombie").isLessThan(deadline);
            LockSupport.parkNanos(1_000_000); // polls /proc; orders nothing
        }
        // The trap this test exists for: the JDK reports the SIGKILLed zombie as alive.
        assertThat(ProcessHandle.of(zombie.pid()).map(ProcessHandle::isAlive)).contains(true);
        // /proc shows Z as soon as the main thread has exited; the other threads may still be
        // closing the process's files for a moment, so wait (a blocking acquire) rather than try once.
        assertThat(lock.tryAcquireForResult(Duration.ofSeconds(30))).isEqualTo(LockResult.OWNER_DIED);
        assertThat(zombie.procState()).as("still an unreaped zombie when recovered").isEqualTo('Z');
        lock.release();
    }

    @Test
    void l9_holderKilledWhileLiveProcessHasSamePid_recoversOnlyTheDeadOnes() throws Exception {
        assumeTrue(canUnshare(), "needs permission to create PID namespaces (root or user namespaces)");
        MappedLock other = ((MappedDomain) domain).lockImpl("L2");
        Child dead = Child.startInPidNamespace("dead", dir, "acquire L");
        children.add(dead);
        assertThat(dead.nextLine()).isEqualTo("ACQUIRED");
        Child live = Child.startInPidNamespace("live", dir, "acquire L2");
        children.add(live);
        assertThat(live.nextLine()).isEqualTo("ACQUIRED");
        assertThat(lock.toString()).contains("(pid 1)");
        assertThat(other.toString()).contains("(pid 1)"); // both holders recorded pid 1: a PID reuse
        dead.kill();
        assertThat(lock.tryAcquireForResult(Duration.ofSeconds(30))).isEqualTo(LockResult.OWNER_DIED);
        assertThat(other.tryAcquireForResult()).isEqualTo(LockResult.NOT_ACQUIRED);
        assertThat(other.tryAcquireForResult(IpcTesting.SLICE.multipliedBy(2))).isEqualTo(LockResult.NOT_ACQUIRED);
        lock.release();
        assertThat(live.call("release L2")).isEqualTo("RELEASED");
    }

    @Test
    void l10_fourJvmsTimesTwoThreads_counterIsExact() throws Exception {
        assertCounterExact(4, Integer.getInteger("weft.ipc.test.l10PerThread", 25_000));
    }

    @Test
    void l11_pythonSemantics_releaseByNonHolderDoubleReleaseAndZeroTimeout() throws Exception {
        Child c = child("c", "");
        lock.acquireForResult();
        assertThat(c.call("try L")).isEqualTo("NOT_ACQUIRED");
        assertThat(c.call("tryfor L 0")).isEqualTo("NOT_ACQUIRED");
        assertThat(c.call("release L")).isEqualTo("RELEASED"); // any process may release
        assertThat(lock.isLocked()).isFalse();
        assertThat(c.call("release L")).isEqualTo("ERROR IllegalMonitorStateException"); // released too many times
        assertThat(c.call("acquire L")).isEqualTo("ACQUIRED");
        assertThat(lock.tryAcquireForResult()).isEqualTo(LockResult.NOT_ACQUIRED);
        assertThat(c.call("release L")).isEqualTo("RELEASED");
    }

    /** {@code jvms} child JVMs of two threads each increment a plain shared long under the lock. */
    private void assertCounterExact(int jvms, int perThread) throws Exception {
        Path counterFile = dir.resolve("counter.bin");
        try (FileChannel ch = FileChannel.open(counterFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(4096), 0);
        }
        List<Child> counters = new ArrayList<>();
        for (int i = 0; i < jvms; i++) {
            counters.add(child("counter" + i, ""));
        }
        for (Child c : counters) {
            c.send("count L " + counterFile + " " + perThread + " 2");
        }
        for (Child c : counters) {
            assertThat(c.nextLine()).isEqualTo("COUNTED " + perThread * 2);
        }
        long total = dev.weft.ipc.internal.SharedMemory.map(counterFile, 4096).getLongVolatile(0);
        assertThat(total).isEqualTo((long) jvms * 2 * perThread);
        assertThat(lock.isLocked()).isFalse();
    }

    private static boolean canUnshare() {
        try {
            Process p = new ProcessBuilder("unshare", "--pid", "--fork", "--kill-child", "true")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
