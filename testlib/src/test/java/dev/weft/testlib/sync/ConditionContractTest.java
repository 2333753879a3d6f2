package dev.weft.testlib.sync;

import dev.weft.core.sync.Condition;
import dev.weft.core.sync.ConditionVariable;
import dev.weft.core.sync.Lock;
import org.junit.jupiter.api.Nested;

/** The condition contract, run against the in-process {@link Condition} on each kind of lock. */
class ConditionContractTest {

    /** On a default (bounded-barging) {@link Lock}. */
    @Nested
    class OnDefaultLock extends ConditionVariableContractTest {
        @Override
        protected ConditionVariable createCondition() {
            return new Condition();
        }
    }

    /** On a strictly FIFO {@link Lock#fair()}. */
    @Nested
    class OnFairLock extends ConditionVariableContractTest {
        @Override
        protected ConditionVariable createCondition() {
            return Lock.fair().newCondition();
        }
    }

    /** On the write half of a {@link dev.weft.core.sync.ReadWriteLock}. */
    @Nested
    class OnWriteLock extends ConditionVariableContractTest {
        @Override
        protected ConditionVariable createCondition() {
            return new dev.weft.core.sync.ReadWriteLock().writeLock().newCondition();
        }
    }
}
