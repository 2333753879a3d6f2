package dev.weft.redis;

import dev.weft.core.queue.JoinableQueue;
import dev.weft.redis.testing.TestRedis;
import dev.weft.testlib.queue.JoinableQueueContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link JoinableQueue} contract suite (with every {@code WorkQueue} test), unchanged, against
 * a typed view of {@link RedisQueue} on a real server.
 */
@ExtendWith(TestRedis.class)
class RedisQueueContractTest extends JoinableQueueContractTest {

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
    protected JoinableQueue<String> createJoinableQueue(int capacity) {
        return redis.queue(TestRedis.unique("contract"), capacity).typed(Codec.utf8());
    }
}
