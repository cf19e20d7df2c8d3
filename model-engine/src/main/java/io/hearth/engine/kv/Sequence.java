package io.hearth.engine.kv;

import java.util.Arrays;

/**
 * One sequence's view of the KV cache: its block table (block ids in position order), the tokens whose KV is
 * stored, and the hash of its last full block (the parent for the next one).
 */
public final class Sequence {
    private int[] blocks = new int[4];
    private int blockCount;
    private int[] tokens = new int[64];
    private int length;
    private final CacheScope scope;
    private BlockHash lastFullBlockHash;
    private boolean released;

    /** @param scope where the chain of this sequence's block hashes starts, and where it turns private */
    Sequence(CacheScope scope) {
        this.scope = scope;
        this.lastFullBlockHash = scope.root();
    }

    CacheScope scope() {
        return scope;
    }

    /** Tokens whose keys and values are in the cache. */
    public int length() {
        return length;
    }

    public int blockCount() {
        return blockCount;
    }

    public int block(int index) {
        return blocks[index];
    }

    /** The cache slot of position {@code pos}. */
    public int slot(int pos) {
        return blocks[pos / BlockPool.BLOCK_TOKENS] * BlockPool.BLOCK_TOKENS + pos % BlockPool.BLOCK_TOKENS;
    }

    public boolean isReleased() {
        return released;
    }

    void addBlock(int block) {
        if (blockCount == blocks.length) blocks = Arrays.copyOf(blocks, blockCount * 2);
        blocks[blockCount++] = block;
    }

    void appendTokens(int[] newTokens) {
        if (length + newTokens.length > tokens.length) tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, length + newTokens.length));
        System.arraycopy(newTokens, 0, tokens, length, newTokens.length);
        length += newTokens.length;
    }

    int[] rawTokens() {
        return tokens;
    }

    BlockHash lastFullBlockHash() {
        return lastFullBlockHash;
    }

    void lastFullBlockHash(BlockHash hash) {
        this.lastFullBlockHash = hash;
    }

    int[] takeBlocks() {
        released = true;
        int[] held = Arrays.copyOf(blocks, blockCount);
        blockCount = 0;
        return held;
    }
}
