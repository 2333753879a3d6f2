package dev.weft.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.redis.testing.TestRedis;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The event between two clients (two connections, as two processes would have). */
@ExtendWith(TestRedis.class)
@Timeout(60)
class RedisEventTest {

    private static RedisWeft a;
    private static RedisWeft b;

    @BeforeAll
    static void connect() {
        a = RedisWeft.connect(TestRedis.uri());
        b = RedisWeft.connect(TestRedis.uri());
    }

    @AfterAll
    static void disconnect() {
        a.close();
        b.close();
    }

    @Test
    void pulseInOneClient_wakesEveryWaiterOfTheOther() throws Exception {
        String name = TestRedis.unique("pulse");
        RedisEvent waiting = b.event(name);
        CompletableFuture<?> first = waiting.awaitAsync();
        CompletableFuture<?> second = b.event(name).awaitAsync();
        RedisEvent setter = a.event(name);
        setter.set();
        setter.clear();
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        assertThat(waiting.isSet()).isFalse();
        assertThat(waiting.await(Duration.ofMillis(20))).isFalse();
    }

    @Test
    void setInOneClient_isSeenByTheOther_andClosedHandlesFailTheirWaiters() throws Exception {
        String name = TestRedis.unique("set");
        RedisEvent ea = a.event(name);
        RedisEvent eb = b.event(name);
        CompletableFuture<?> closedWaiter = eb.awaitAsync();
        eb.close();
        assertThat(closedWaiter).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .withCauseInstanceOf(IllegalStateException.class);
        ea.set();
        assertThat(b.event(name).isSet()).isTrue();
        assertThat(b.event(name).await(Duration.ofSeconds(5))).isTrue();
    }
}
