/**
 * jcstress tests of the locks in {@code dev.weft.core.sync}: {@code Lock}, {@code Semaphore},
 * {@code Condition}, {@code Barrier} and {@code ReadWriteLock}.
 *
 * <p>Every test uses at most two actors, so that it can be scheduled on a two-CPU machine: a
 * request that must be pending when the race starts is created in the state's constructor.
 * Run them with {@code java -jar stress-tests/target/jcstress.jar -t dev.weft.stress.locks}; in
 * {@code -m quick} (all JVM modes) each test takes about 50 seconds on a 2-CPU machine.
 */
package dev.weft.stress.locks;
