/**
 * The queue contracts of weft-core ({@link dev.weft.core.queue.WorkQueue},
 * {@link dev.weft.core.queue.JoinableQueue}) as abstract JUnit 5 test suites
 * ({@link dev.weft.testlib.queue.WorkQueueContractTest},
 * {@link dev.weft.testlib.queue.JoinableQueueContractTest}) that each implementation's tests
 * extend with a factory: the JCTools {@code QueueSanityTest} pattern. The suites use nothing but
 * the contracts, so an implementation at a new scale runs them unchanged.
 */
@NullMarked
package dev.weft.testlib.queue;

import org.jspecify.annotations.NullMarked;
