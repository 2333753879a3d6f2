package dev.weft.redis;

import dev.weft.core.sync.EventFlag;
import dev.weft.redis.testing.TestRedis;
import dev.weft.testlib.sync.EventFlagContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@link EventFlag} contract suite, unchanged, against {@link RedisEvent} on a real server. */
@ExtendWith(TestRedis.class)
class RedisEventContractTest extends EventFlagContractTest {

    private static RedisWeft redis;

    @BeforeAll
    static void connect() {
        redis = RedisWeft.connect(TestRedis.uri());
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Override
    protected EventFlag createEvent() {
        return redis.event(TestRedis.unique("contract"));
    }
}
