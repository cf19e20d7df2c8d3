package io.hearth.pool;

/** What listings show of a served model. {@code randomWeights} marks generated models whose text is noise. */
public record ModelInfo(String id, String name, String architecture, long fileBytes, int contextLength, boolean randomWeights,
                        String device) {
}
