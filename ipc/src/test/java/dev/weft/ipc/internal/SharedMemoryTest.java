package dev.weft.ipc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The atomic accessors of a mapping that the queue's claims use. */
class SharedMemoryTest {

    @TempDir
    Path dir;

    private SharedMemory mapping() throws Exception {
        Path file = dir.resolve("words");
        Files.write(file, new byte[4096]);
        return SharedMemory.map(file, 4096);
    }

    @Test
    void compareAndExchange_whenTheWordHoldsTheExpectedValue_setsItAndReturnsTheExpectedValue() throws Exception {
        SharedMemory memory = mapping();
        memory.setLongVolatile(64, 7L);

        assertThat(memory.compareAndExchangeLong(64, 7L, 9L)).isEqualTo(7L);
        assertThat(memory.getLongVolatile(64)).isEqualTo(9L);
    }

    @Test
    void compareAndExchange_whenTheWordHoldsAnotherValue_leavesItAndReturnsIt() throws Exception {
        SharedMemory memory = mapping();
        memory.setLongVolatile(64, 5L);

        assertThat(memory.compareAndExchangeLong(64, 7L, 9L)).isEqualTo(5L);
        assertThat(memory.getLongVolatile(64)).isEqualTo(5L);
        assertThat(memory.getLongVolatile(56)).as("the neighbouring word").isZero();
    }

    @Test
    void compareAndExchange_isSeenByAnotherMappingOfTheSameFile() throws Exception {
        SharedMemory memory = mapping();
        SharedMemory other = SharedMemory.map(dir.resolve("words"), 4096);

        assertThat(memory.compareAndExchangeLong(128, 0L, -1L)).isZero();
        assertThat(other.getLongVolatile(128)).isEqualTo(-1L);
        assertThat(other.compareAndExchangeLong(128, 0L, 3L)).isEqualTo(-1L);
    }
}
