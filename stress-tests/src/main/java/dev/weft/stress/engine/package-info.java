/**
 * jcstress tests of the internal wait engine ({@code dev.weft.core.internal.WaitEngine} and
 * {@code WaitNode}) that the blocking primitives wait on: its cancellation rule (a grant racing a
 * give-up has exactly one winner) and its wake-up handshake, proven once for every primitive that
 * uses it. Run them with {@code java -jar stress-tests/target/jcstress.jar -t dev.weft.stress.engine}.
 */
package dev.weft.stress.engine;
