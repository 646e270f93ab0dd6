package org.bitsieve.core.encode;

import org.bitsieve.core.PackedCodes;

import java.util.stream.IntStream;

/**
 * Inverse norms of codes whose squared reconstruction norm is a sum of per-byte table entries plus a constant
 * (pcaq's fields, pq's centroids: the parts are orthogonal). One place for the loop both encoders' normalised
 * scorers divide by.
 */
final class ByteTableNorms {
    private ByteTableNorms() {}

    /** {@code 1 / sqrt(base + sum_k normTable[k * 256 + byte_k])} per code (0 for a zero norm), in parallel chunks. */
    static float[] inverse(PackedCodes codes, int bytes, float base, float[] normTable) {
        float[] out = new float[codes.count()];
        long[] data = codes.data();
        int words = codes.words();
        IntStream.range(0, (codes.count() + 4095) / 4096).parallel().forEach(c -> {
            int from = c * 4096;
            int to = Math.min(codes.count(), from + 4096);
            for (int i = from; i < to; i++) {
                float s = base;
                int o = i * words;
                for (int k = 0; k < bytes; k++) {
                    int v = (int) ((data[o + (k >>> 3)] >>> ((k & 7) << 3)) & 0xFF);
                    s += normTable[(k << 8) | v];
                }
                out[i] = s > 0 ? (float) (1.0 / Math.sqrt(s)) : 0f;
            }
        });
        return out;
    }
}
