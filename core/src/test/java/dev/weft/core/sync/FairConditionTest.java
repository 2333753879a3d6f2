package dev.weft.core.sync;

/** Every test of {@link ConditionTest}, on a strictly FIFO lock ({@link Lock#fair()}). */
class FairConditionTest extends ConditionTest {

    @Override
    boolean fair() {
        return true;
    }
}
