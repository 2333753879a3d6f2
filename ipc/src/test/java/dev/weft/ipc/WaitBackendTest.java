package dev.weft.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.ipc.internal.Waiter;
import dev.weft.ipc.testing.IpcTesting;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Back-end selection: each test run must get the back-end it is meant to test. */
@Timeout(60)
class WaitBackendTest {

    @Test
    void autoSelection_matchesTheBackendThisRunTests() {
        WaitBackend expected = IpcTesting.expectedBackend();
        assumeTrue(expected != WaitBackend.AUTO, "no expectation set for this run");
        assertThat(Waiter.create(WaitBackend.AUTO, 1_000_000, Waiter.DEFAULT_SPIN_NANOS).backend())
                .as("futex unavailable because: %s", Waiter.futexUnavailableReason())
                .isEqualTo(expected);
    }

    @Test
    void backoffRequested_isAlwaysAvailable() {
        assertThat(Waiter.create(WaitBackend.BACKOFF, 1_000_000, Waiter.DEFAULT_SPIN_NANOS).backend()).isEqualTo(WaitBackend.BACKOFF);
    }

    @Test
    void futexRequested_whereUnavailable_failsFastWithReason() throws Exception {
        assumeTrue(!Waiter.futexAvailable());
        assertThatThrownBy(() -> Waiter.create(WaitBackend.FUTEX, 1_000_000, Waiter.DEFAULT_SPIN_NANOS))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unavailable");
        Path dir = IpcTesting.newDomainDir("backend");
        try {
            assertThatThrownBy(() -> IpcDomain.open(dir, IpcOptions.builder().waitBackend(WaitBackend.FUTEX).build()))
                    .isInstanceOf(IllegalStateException.class);
        } finally {
            IpcTesting.deleteTree(dir.getParent());
        }
    }

    @Test
    void systemProperty_invalidValue_isRejectedNamingIt() {
        String old = System.getProperty(Waiter.BACKEND_PROPERTY);
        System.setProperty(Waiter.BACKEND_PROPERTY, "turbo");
        try {
            assertThatThrownBy(() -> Waiter.create(WaitBackend.AUTO, 1_000_000, Waiter.DEFAULT_SPIN_NANOS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'turbo'");
        } finally {
            if (old == null) {
                System.clearProperty(Waiter.BACKEND_PROPERTY);
            } else {
                System.setProperty(Waiter.BACKEND_PROPERTY, old);
            }
        }
    }
}
