/**
 * Cross-process primitives on memory-mapped files.
 *
 * <p>This package is the home of Weft's counterparts of Python's {@code multiprocessing.Lock},
 * {@code Event} and {@code Queue}. It currently holds only the module's shared definitions.
 */
@NullMarked
package dev.weft.ipc;

import org.jspecify.annotations.NullMarked;
