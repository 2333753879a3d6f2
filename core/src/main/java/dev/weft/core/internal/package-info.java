/**
 * Implementation details shared by Weft's packages; not API, exported only to Weft's own modules.
 */
@NullMarked
package dev.weft.core.internal;

import org.jspecify.annotations.NullMarked;
