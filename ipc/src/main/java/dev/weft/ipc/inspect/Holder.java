package dev.weft.ipc.inspect;

/**
 * A participant token found in an object's word (a lock's owner, a queue slot's claimant), resolved
 * against the registry.
 *
 * @param token the token as stored (registry entry in the high bits, generation in the low 20)
 * @param pid the pid of the entry's process if the entry still belongs to this token, else
 *     {@code -1}
 * @param liveness whether that participant still runs
 * @since 0.1
 */
public record Holder(int token, long pid, Liveness liveness) {

    /** The token as {@code entry/generation}. */
    public String tokenText() {
        return (token >>> 20) + "/" + (token & 0xFFFFF);
    }
}
