/**
 * Test support shared by the contract suites of the sub-packages.
 */
@NullMarked
package dev.weft.testlib;

import org.jspecify.annotations.NullMarked;
