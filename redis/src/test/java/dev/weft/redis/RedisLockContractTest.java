package dev.weft.redis;

import dev.weft.core.sync.ExclusiveLock;
import dev.weft.redis.testing.TestRedis;
import dev.weft.testlib.sync.ExclusiveLockContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@link ExclusiveLock} contract suite, unchanged, against {@link RedisLock} on a real server. */
@ExtendWith(TestRedis.class)
class RedisLockContractTest extends ExclusiveLockContractTest {

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
    protected ExclusiveLock createLock() {
        return redis.lock(TestRedis.unique("contract"));
    }
}
