package io.hearth.engine.model;

/** How rotary embeddings pair dimensions: llama.cpp's NORM rotates (2i, 2i+1), NEOX rotates (i, i + dims/2). */
public enum RopeStyle {
    ADJACENT_PAIRS, SPLIT_HALVES
}
