package io.hearth.pool;

/**
 * What listings show of a served model. {@code randomWeights} marks generated models whose text is noise; the KV
 * figures are blocks of 16 tokens in its replica's cache (cached: full blocks findable by prefix);
 * {@code tokensGenerated} counts every token its replica produced since start; {@code embeddingLength} is the width of
 * its hidden states, so of its embeddings (0 until a model to download is there).
 */
public record ModelInfo(String id, String name, String architecture, long fileBytes, int contextLength, boolean randomWeights,
                        String device, int kvBlocks, int kvBlocksFree, int kvBlocksCached, long tokensGenerated, int embeddingLength) {
}
