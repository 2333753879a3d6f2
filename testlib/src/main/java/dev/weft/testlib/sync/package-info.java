/**
 * The lock and event contracts of weft-core ({@link dev.weft.core.sync.ExclusiveLock},
 * {@link dev.weft.core.sync.EventFlag}) as abstract JUnit 5 test suites
 * ({@link dev.weft.testlib.sync.ExclusiveLockContractTest},
 * {@link dev.weft.testlib.sync.EventFlagContractTest}) that each implementation's tests extend
 * with a factory. The suites use nothing but the contracts, so an implementation at a new scale
 * runs them unchanged.
 */
@NullMarked
package dev.weft.testlib.sync;

import org.jspecify.annotations.NullMarked;
