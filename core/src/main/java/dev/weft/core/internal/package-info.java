/**
 * Implementation details shared by Weft's core packages; not API and not exported.
 */
@NullMarked
package dev.weft.core.internal;

import org.jspecify.annotations.NullMarked;
