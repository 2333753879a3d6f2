/**
 * Not API: the request engine, the notification dispatch and the Lua scripts shared by the Redis
 * primitives.
 */
@NullMarked
package dev.weft.redis.internal;

import org.jspecify.annotations.NullMarked;
