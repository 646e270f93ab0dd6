package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;

import java.util.Map;

/** One encoder family: how to fit it from vectors and how to rebuild it from its saved state. */
public interface EncoderKind {
    String name();

    /** One sentence for help texts and reports. */
    String summary();

    /** Throws {@link IllegalArgumentException} with a reason when this family cannot make codes of that length. */
    void checkBits(int bits, int dim);

    Encoder fit(FloatMatrix train, FitOptions options);

    Encoder restore(int dim, int bits, Map<String, String> params, Map<String, float[]> arrays);
}
