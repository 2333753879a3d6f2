/**
 * Plain-thread harness comparing weft-redis with Redisson on the same Redis server in the same run.
 */
package dev.weft.bench.redis;
