package dev.weft.testlib.sync;

import dev.weft.core.sync.Event;
import dev.weft.core.sync.EventFlag;

/** The event contract, run against the in-process {@link Event}. */
class EventContractTest extends EventFlagContractTest {

    @Override
    protected EventFlag createEvent() {
        return new Event();
    }
}
