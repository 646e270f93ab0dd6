package org.bitsieve.embed;

import java.util.Locale;

/** How the per-token outputs of a transformer become one vector; each model was trained with one of these. */
public enum Pooling {
    /** Average of the token vectors under the attention mask (sentence-transformers, e5). */
    MEAN,
    /** The vector of the first ([CLS]) token (bge). */
    CLS;

    public static Pooling parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new EmbeddingException("unknown pooling '" + s + "'; use one of: mean, cls");
        }
    }

    /**
     * Pools one text's token outputs.
     *
     * @param hidden  output of the whole batch, [batch][seq][dim] flattened
     * @param base    offset of this text's first token in {@code hidden}
     * @param tokens  real (unpadded) token count of this text; padding positions are ignored
     * @param out     receives {@code dim} floats at {@code outOffset}
     */
    void pool(float[] hidden, int base, int tokens, int dim, float[] out, int outOffset) {
        if (this == CLS) {
            System.arraycopy(hidden, base, out, outOffset, dim);
            return;
        }
        // sum in double: 256 tokens of float32 lose digits that the 0.999 conformance check can see
        double[] sum = new double[dim];
        for (int t = 0; t < tokens; t++) {
            int o = base + t * dim;
            for (int j = 0; j < dim; j++) {
                sum[j] += hidden[o + j];
            }
        }
        for (int j = 0; j < dim; j++) {
            out[outOffset + j] = (float) (sum[j] / tokens);
        }
    }
}
