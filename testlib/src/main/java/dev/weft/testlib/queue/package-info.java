/**
 * The contract shared by Weft's FIFO queues with Python's {@code Queue} semantics, as one abstract
 * JUnit 5 test class ({@link dev.weft.testlib.queue.QueueContractTest}) that each implementation's
 * tests extend with an adapter ({@link dev.weft.testlib.queue.ContractQueue}): the JCTools
 * {@code QueueSanityTest} pattern.
 */
@NullMarked
package dev.weft.testlib.queue;

import org.jspecify.annotations.NullMarked;
