package dev.weft.core.queue;

/**
 * The field layout of {@link Store}: a chain of classes that puts the counters written on every
 * operation on cache lines of their own, away from the read-mostly element array. The JVM lays out
 * a superclass's fields before its subclass's, so each padding class keeps the fields of the class
 * above it from sharing a cache line with those of the class below. 128 bytes per pad covers
 * adjacent-line prefetching.
 */
final class StoreFields {

    private StoreFields() {}

    /** Padding between the object header (and whatever precedes the object) and the array field. */
    abstract static class HeadPad {
        long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
    }

    /** Read-mostly: replaced only when the store grows. */
    abstract static class ItemsField extends HeadPad {
        /** The elements; {@code null} in free slots. Guarded by the queue's locks (see Store). */
        Object[] items;
    }

    /** Padding between the array field and the element count. */
    abstract static class ItemsPad extends ItemsField {
        long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
    }

    /** Written by every put and every get: the number of stored elements. */
    abstract static class CountField extends ItemsPad {
        /** Accessed through Store.COUNT. */
        volatile int count;
    }

    /** Padding between the element count and the unfinished-task count. */
    abstract static class CountPad extends CountField {
        long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
    }

    /** Written by every put and every taskDone: the number of unfinished tasks. */
    abstract static class UnfinishedField extends CountPad {
        /** Accessed through Store.UNFINISHED. */
        volatile long unfinished;
    }

    /** Padding between the unfinished-task count and the subclass's fields. */
    abstract static class UnfinishedPad extends UnfinishedField {
        long p30, p31, p32, p33, p34, p35, p36, p37, p38, p39, p3a, p3b, p3c, p3d, p3e, p3f;
    }
}
