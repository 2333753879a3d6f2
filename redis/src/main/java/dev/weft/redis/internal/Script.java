package dev.weft.redis.internal;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * A Lua script run with {@code EVALSHA}, sent again in full with {@code EVAL} when the server does
 * not know it (after a restart its script cache is empty).
 */
public final class Script {

    private final String source;
    private final String sha;
    private final ScriptOutputType type;

    /**
     * A script.
     *
     * @param source the Lua source
     * @param type how its reply is read
     */
    public Script(String source, ScriptOutputType type) {
        this.source = source;
        this.type = type;
        try {
            this.sha = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs the script.
     *
     * @param c the commands
     * @param keys its keys
     * @param args its arguments
     * @param <T> the reply type
     * @return the reply
     */
    public <T> CompletableFuture<T> run(RedisAsyncCommands<byte[], byte[]> c, byte[][] keys, byte[]... args) {
        CompletableFuture<T> first = c.<T>evalsha(sha, type, keys, args).toCompletableFuture();
        return first.handle((value, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(value);
            }
            Throwable cause = Request.unwrap(failure);
            String message = cause.getMessage();
            if (message != null && message.startsWith("NOSCRIPT")) {
                return c.<T>eval(source, type, keys, args).toCompletableFuture();
            }
            return CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(x -> x);
    }
}
