/**
 * The synchronisation contracts of weft-core ({@link dev.weft.core.sync.ExclusiveLock},
 * {@link dev.weft.core.sync.EventFlag}, {@link dev.weft.core.sync.CountingSemaphore},
 * {@link dev.weft.core.sync.BoundedCountingSemaphore}, {@link dev.weft.core.sync.PartyBarrier},
 * {@link dev.weft.core.sync.ConditionVariable}) as abstract JUnit 5 test suites (one
 * {@code ...ContractTest} per contract, for example
 * {@link dev.weft.testlib.sync.ExclusiveLockContractTest} and
 * {@link dev.weft.testlib.sync.ConditionVariableContractTest}) that each implementation's tests
 * extend with a factory. The suites use nothing but the contracts, so an implementation at a new scale
 * runs them unchanged.
 */
@NullMarked
package dev.weft.testlib.sync;

import org.jspecify.annotations.NullMarked;
