/**
 * JMH benchmarks of the locks in {@code dev.weft.core.sync} against their JDK counterparts,
 * measured in the same run: {@code Lock} against {@code ReentrantLock} (unfair and fair),
 * {@code Semaphore} against {@code java.util.concurrent.Semaphore} (unfair and fair).
 */
package dev.weft.bench.sync;
