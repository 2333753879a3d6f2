package dev.weft.testlib.sync;

import dev.weft.core.sync.Barrier;
import dev.weft.core.sync.PartyBarrier;

/** The barrier contract, run against the in-process {@link Barrier}. */
class BarrierContractTest extends PartyBarrierContractTest {

    @Override
    protected PartyBarrier createBarrier(int parties) {
        return new Barrier(parties);
    }
}
