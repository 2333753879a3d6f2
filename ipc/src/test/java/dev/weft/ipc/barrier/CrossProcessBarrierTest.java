package dev.weft.ipc.barrier;

import static dev.weft.testlib.Threads.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ipc.IpcDomain;
import dev.weft.ipc.internal.MappedBarrier;
import dev.weft.ipc.internal.MappedDomain;
import dev.weft.ipc.testing.Child;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The barrier across processes: parties in child JVMs that are killed or stopped while they wait. */
@Timeout(120)
class CrossProcessBarrierTest {

    private Path dir;
    private IpcDomain domain;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        dir = IpcTesting.newDomainDir("xbarrier");
        domain = IpcTesting.open(dir);
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

    private static CompletableFuture<Integer> arrive(MappedBarrier b) throws InterruptedException {
        AtomicReference<Thread> t = new AtomicReference<>();
        CompletableFuture<Integer> f = dev.weft.testlib.Threads.inThread(b::await, t);
        IpcTesting.awaitBlocked(t.get());
        return f;
    }

    @Test
    void partyKilledWhileWaiting_breaksTheBarrierForTheOthers() throws Exception {
        MappedBarrier b = ((MappedDomain) domain).barrierImpl("B", 3);
        Child party = child("party", "barrier.waiting:mark", "bawait B 3");
        party.expectPoint("barrier.waiting");
        CompletableFuture<Integer> here = arrive(b);
        assertThat(b.waiterCount()).isEqualTo(2);
        party.kill();
        assertThat(failureOf(here)).isInstanceOf(BrokenBarrierException.class).hasMessageContaining("died");
        assertThat(b.isBroken()).isTrue();
        assertThat(b.deaths()).isEqualTo(1);
        assertThatThrownBy(b::await).isInstanceOf(BrokenBarrierException.class);
        b.reset();
        assertThat(b.isBroken()).isFalse();
        assertThat(b.waiterCount()).isZero();
    }

    @Test
    void stoppedParty_isWaitedFor_andPassesWhenTheCycleTrips() throws Exception {
        MappedBarrier b = ((MappedDomain) domain).barrierImpl("B", 3);
        Child party = child("party", "barrier.waiting:mark", "bawait B 3");
        party.expectPoint("barrier.waiting");
        party.stop();
        try {
            assertThatThrownBy(() -> b.await(IpcTesting.SLICE.multipliedBy(3))).isInstanceOf(TimeoutException.class);
            assertThat(b.isBroken()).as("a stopped party is alive").isFalse();
        } finally {
            party.cont();
        }
        CompletableFuture<Integer> here = arrive(b);
        assertThat(b.await()).isEqualTo(2);
        assertThat(here.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(party.nextLine()).isEqualTo("INDEX 0");
    }

    @Test
    void participantKilledInsideTheLatch_breaksTheBarrierInsteadOfLeavingItHalfChanged() throws Exception {
        MappedBarrier b = ((MappedDomain) domain).barrierImpl("B", 2);
        CompletableFuture<Integer> here = arrive(b);
        Child tripper = child("tripper", "barrier.tripped:stop", "bawait B 2");
        tripper.expectPoint("barrier.tripped");
        assertThat(here.get(30, TimeUnit.SECONDS)).as("the trip was written before the point").isZero();
        tripper.kill();
        assertThatThrownBy(b::await).isInstanceOf(BrokenBarrierException.class).hasMessageContaining("died");
        assertThat(b.deaths()).isEqualTo(1);
        b.reset();
        CompletableFuture<Integer> again = arrive(b);
        assertThat(b.await()).isEqualTo(1);
        assertThat(again.get(30, TimeUnit.SECONDS)).isZero();
    }
}
