/**
 * A read-only view of an ipc domain for operators: what every lock, event and queue of a domain
 * holds, and which processes take part, from the domain's files alone.
 *
 * <p>{@link dev.weft.ipc.inspect.DomainInspector} reads a domain directory into a
 * {@link dev.weft.ipc.inspect.DomainReport}; {@link dev.weft.ipc.inspect.Inspect} is the command
 * line around it ({@code inspect DIR [NAME] [--json]}). The inspector never maps a file, never
 * takes a lock (neither a Weft lock nor an OS file lock) and never writes: it opens each file for
 * reading, copies what it needs with plain reads and closes it. What it prints is therefore a
 * snapshot that is not atomic: words read a moment apart may belong to different instants of a
 * busy domain.
 */
@NullMarked
package dev.weft.ipc.inspect;

import org.jspecify.annotations.NullMarked;
