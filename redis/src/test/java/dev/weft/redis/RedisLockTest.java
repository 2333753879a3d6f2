package dev.weft.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.LockResult;
import dev.weft.redis.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the Redis lock adds to the contract: fencing tokens, leases, take-over and loss notice. */
@ExtendWith(TestRedis.class)
@Timeout(60)
class RedisLockTest {

    private static RedisWeft a;
    private static RedisWeft b;
    private static RedisClient raw;
    private static StatefulRedisConnection<String, String> rawConnection;

    @BeforeAll
    static void connect() {
        a = RedisWeft.connect(TestRedis.uri());
        b = RedisWeft.connect(TestRedis.uri());
        raw = RedisClient.create(TestRedis.uri());
        rawConnection = raw.connect();
    }

    @AfterAll
    static void disconnect() {
        a.close();
        b.close();
        rawConnection.close();
        raw.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Test
    void fencingTokens_growWithEveryGrant_acrossClients() throws Exception {
        String name = TestRedis.unique("fence");
        RedisLock la = a.lock(name);
        RedisLock lb = b.lock(name);
        RedisLock.Lease first = la.acquireLease();
        assertThat(first.fencingToken()).isPositive();
        assertThat(first.ownerDied()).isFalse();
        assertThat(la.currentLease()).isSameAs(first);
        la.release();
        RedisLock.Lease second = lb.acquireLease();
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        lb.release();
        RedisLock.Lease third = la.tryAcquireLease(Duration.ofSeconds(5));
        assertThat(third).isNotNull();
        assertThat(third.fencingToken()).isGreaterThan(second.fencingToken());
        la.release();
        assertThat(first.isLost()).isFalse();
    }

    @Test
    void release_throughAHandleThatHoldsNothing_throwsAndNeverFreesTheOtherHoldersGrant() throws Exception {
        String name = TestRedis.unique("foreign");
        RedisLock holder = a.lock(name);
        RedisLock other = b.lock(name);
        holder.acquire();
        assertThatThrownBy(other::release).isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("not held through this handle");
        assertThat(other.isLocked()).isTrue();
        assertThat(other.tryAcquire()).isFalse();
        holder.release();
        assertThat(other.tryAcquire()).isTrue();
        other.release();
    }

    @Test
    void holderThatStopsRenewing_nextAcquirerTakesOverWithOwnerDied() throws Exception {
        String name = TestRedis.unique("dead");
        RedisLock dying = a.lock(name, Duration.ofMillis(300), null);
        RedisLock.Lease old = dying.acquireLease();
        dying.close();   // stops renewing, as a killed process would
        RedisLock next = b.lock(name);
        long start = System.nanoTime();
        assertThat(next.tryAcquireForResult(Duration.ofSeconds(20))).isEqualTo(LockResult.OWNER_DIED);
        assertThat(System.nanoTime() - start).as("waited for the lease to expire")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        RedisLock.Lease taken = next.currentLease();
        assertThat(taken).isNotNull();
        assertThat(taken.ownerDied()).isTrue();
        assertThat(taken.fencingToken()).isGreaterThan(old.fencingToken());
        next.release();
        assertThat(next.tryAcquireForResult()).as("a clean release leaves no mark").isEqualTo(LockResult.ACQUIRED);
        next.release();
    }

    @Test
    void liveHolder_keepsItsLeaseBeyondTheLeaseLength() throws Exception {
        String name = TestRedis.unique("renewed");
        RedisLock holder = a.lock(name, Duration.ofMillis(300), null);
        RedisLock.Lease lease = holder.acquireLease();
        RedisLock other = b.lock(name);
        // Three leases' worth of waiting: the watchdog keeps renewing, so the other never gets in.
        assertThat(other.tryAcquire(Duration.ofMillis(900))).isFalse();
        assertThat(lease.isLost()).isFalse();
        holder.release();
        assertThat(other.tryAcquire(Duration.ofSeconds(5))).isTrue();
        other.release();
    }

    @Test
    void leaseTakenFromTheHolder_holderIsTold_andItsReleaseFailsWithoutFreeingTheNewHolder() throws Exception {
        String name = TestRedis.unique("lost");
        CompletableFuture<RedisLock.Lease> callback = new CompletableFuture<>();
        RedisLock holder = a.lock(name, Duration.ofMillis(300), callback::complete);
        RedisLock.Lease lease = holder.acquireLease();
        // The server forgets the grant (as when the lease expires during a pause).
        rawConnection.sync().del(a.keyName("lock", name, "lease"));
        RedisLock thief = b.lock(name);
        RedisLock.Lease stolen = thief.acquireLease();
        assertThat(stolen.ownerDied()).isTrue();
        assertThat(lease.lost().get(10, TimeUnit.SECONDS)).isSameAs(lease);
        assertThat(callback.get(10, TimeUnit.SECONDS)).isSameAs(lease);
        assertThat(lease.isLost()).isTrue();
        assertThat(lease.lossReason()).isNotBlank();
        assertThatThrownBy(holder::release).isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("was lost").hasMessageContaining("fencing token " + lease.fencingToken());
        assertThat(thief.isLocked()).as("the new holder keeps the lock").isTrue();
        assertThat(stolen.isLost()).isFalse();
        thief.release();
        assertThat(holder.tryAcquire()).as("the old handle can acquire again").isTrue();
        holder.release();
    }

    @Test
    void newCondition_isNotSupported_andBadLeasesAreRejected() {
        RedisLock lock = a.lock(TestRedis.unique("misc"));
        assertThatThrownBy(lock::newCondition).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> a.lock("x", Duration.ofMillis(10), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 10 ms");
        assertThatThrownBy(() -> a.lock("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closedHandle_wakesItsWaiterWithIllegalState() throws Exception {
        String name = TestRedis.unique("closed");
        RedisLock holder = a.lock(name);
        holder.acquire();
        RedisLock waiter = b.lock(name);
        CompletableFuture<?> pending = waiter.acquireAsync();
        waiter.close();
        assertThat(pending).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .withCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(waiter::tryAcquire).isInstanceOf(IllegalStateException.class);
        holder.release();
    }
}
