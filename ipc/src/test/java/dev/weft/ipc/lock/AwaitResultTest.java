package dev.weft.ipc.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.sync.LockResult;
import org.junit.jupiter.api.Test;

/** The four outcomes of a timed condition wait and their two independent answers. */
class AwaitResultTest {

    @Test
    void of_mapsEachPairToItsValue_andTheAccessorsReadThePairBack() {
        for (boolean signalled : new boolean[] {false, true}) {
            for (LockResult reacquired : new LockResult[] {LockResult.ACQUIRED, LockResult.OWNER_DIED}) {
                AwaitResult r = AwaitResult.of(signalled, reacquired);
                assertThat(r.signalled()).as("%s", r).isEqualTo(signalled);
                assertThat(r.ownerDied()).as("%s", r).isEqualTo(reacquired.ownerDied());
                assertThat(r.lockResult()).as("%s", r).isEqualTo(reacquired);
            }
        }
        assertThat(AwaitResult.of(true, LockResult.ACQUIRED)).isEqualTo(AwaitResult.SIGNALLED);
        assertThat(AwaitResult.of(true, LockResult.OWNER_DIED)).isEqualTo(AwaitResult.SIGNALLED_OWNER_DIED);
        assertThat(AwaitResult.of(false, LockResult.ACQUIRED)).isEqualTo(AwaitResult.TIMED_OUT);
        assertThat(AwaitResult.of(false, LockResult.OWNER_DIED)).isEqualTo(AwaitResult.TIMED_OUT_OWNER_DIED);
    }

    @Test
    void of_notAcquired_isRejectedNamingTheValue() {
        assertThatThrownBy(() -> AwaitResult.of(true, LockResult.NOT_ACQUIRED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NOT_ACQUIRED");
        assertThatThrownBy(() -> AwaitResult.of(false, null)).isInstanceOf(NullPointerException.class);
    }
}
