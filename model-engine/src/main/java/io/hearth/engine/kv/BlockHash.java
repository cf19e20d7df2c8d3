package io.hearth.engine.kv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Identity of a full KV block: SHA-256 over (parent block's hash, the block's token ids, extra key), cut to 128 bits.
 * The extra key carries the model digest and KV layout (and, for the prefix cache, a tenant salt), so blocks of a
 * different model, model version or KV dtype never match. Chaining through the parent makes a hash name the whole
 * prefix, not only the block's own tokens.
 */
public record BlockHash(long high, long low) {

    public static BlockHash of(BlockHash parent, int[] tokens, int from, int count, byte[] extraKey) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + 4 * count + extraKey.length).order(ByteOrder.LITTLE_ENDIAN);
        if (parent != null) buffer.putLong(parent.high).putLong(parent.low);
        else buffer.putLong(0).putLong(0);
        for (int i = 0; i < count; i++) buffer.putInt(tokens[from + i]);
        buffer.put(extraKey);
        ByteBuffer digest = ByteBuffer.wrap(sha256().digest(buffer.array()));
        return new BlockHash(digest.getLong(), digest.getLong());
    }

    /**
     * The root a cache scope's chains start from. Its input begins with a fixed label where a block's begins with its
     * parent's hash (zeros for a first block), so a root can never equal a block's hash.
     */
    public static BlockHash scopeRoot(String salt, byte[] extraKey) {
        MessageDigest digest = sha256();
        digest.update("hearth-kv-scope\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        digest.update(salt.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(extraKey);
        ByteBuffer d = ByteBuffer.wrap(digest.digest());
        return new BlockHash(d.getLong(), d.getLong());
    }

    /**
     * A chain turned private: the parent that the first block after a public prefix chains from, given the public
     * chain's last hash (null at the very start) and a tenant's key ({@link #scopeRoot}). Its input begins with its own
     * label, so it never equals a block's hash or a root.
     */
    public static BlockHash fork(BlockHash parent, BlockHash tenant) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + 32).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put("hearth-kv-fork\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        buffer.putLong(parent != null ? parent.high : 0).putLong(parent != null ? parent.low : 0);
        buffer.putLong(tenant.high).putLong(tenant.low);
        ByteBuffer d = ByteBuffer.wrap(sha256().digest(buffer.array()));
        return new BlockHash(d.getLong(), d.getLong());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return String.format("%016x%016x", high, low);
    }
}
