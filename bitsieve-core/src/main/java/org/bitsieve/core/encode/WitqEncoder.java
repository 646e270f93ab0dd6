package org.bitsieve.core.encode;

import org.bitsieve.core.PackedCodes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Codes of {@link WitqKind}: plane bits (Hamming-comparable), plus a least-squares decoder for asymmetric
 * scoring: score = cos(q, c + sum_j s_j D_j) with s_j = ±1. The numerator is a per-byte sum; the norm depends
 * only on the code and is computed once per code from per-byte partial reconstructions.
 */
public final class WitqEncoder implements Encoder {
    private final PlaneEncoder planes;
    private final float[] center;
    private final float[] decoder; // bits x dim
    private final float[][] decoderT; // dim x bits: the layout Vectors.multiply vectorises over (the per-query projections)
    private final Map<String, String> params;

    WitqEncoder(PlaneEncoder planes, float[] center, float[] decoder, Map<String, String> params) {
        this.planes = planes;
        this.center = center;
        this.decoder = decoder;
        this.params = Map.copyOf(params);
        int b = planes.bits();
        int d = planes.dimension();
        this.decoderT = new float[d][b];
        for (int j = 0; j < b; j++) {
            for (int m = 0; m < d; m++) {
                decoderT[m][j] = decoder[j * d + m];
            }
        }
    }

    @Override public String kind() { return WitqKind.NAME; }

    @Override public int dimension() { return planes.dimension(); }

    @Override public int bits() { return planes.bits(); }

    @Override
    public void encodeInto(float[] vector, int offset, long[] out, int outOffset) {
        planes.encodeInto(vector, offset, out, outOffset);
    }

    @Override
    public QueryScorer scorer(float[] query) {
        Vectors.check(query, dimension());
        int b = bits();
        int d = dimension();
        float[] t = new float[b];
        Vectors.multiply(query, 0, decoderT, b, t); // D_j . q for every j, summed over dimensions in order
        // q . c rides on byte 0 so that it is divided by the norm as well
        return QueryScorer.ofSigns(t, Vectors.dot(query, 0, center, 0, d), true);
    }

    @Override
    public float[] inverseNorms(PackedCodes codes) {
        int b = bits();
        int d = dimension();
        int bytes = (b + 7) >>> 3;
        // per byte and byte value: the partial reconstruction sum_{bits in byte} s_j D_j (bytes x 256 x dim)
        float[][] part = new float[bytes * 256][];
        IntStream.range(0, bytes).parallel().forEach(k -> {
            int n = Math.min(8, b - 8 * k);
            for (int v = 0; v < (1 << n); v++) {
                float[] r = new float[d];
                for (int u = 0; u < n; u++) {
                    float sign = ((v >>> u) & 1) != 0 ? 1f : -1f;
                    int o = (8 * k + u) * d;
                    for (int m = 0; m < d; m++) {
                        r[m] += sign * decoder[o + m];
                    }
                }
                part[(k << 8) | v] = r;
            }
        });
        float[] out = new float[codes.count()];
        long[] data = codes.data();
        int words = codes.words();
        IntStream.range(0, (codes.count() + 1023) / 1024).parallel().forEach(chunk -> {
            float[] x = new float[d];
            int from = chunk * 1024;
            int to = Math.min(codes.count(), from + 1024);
            for (int i = from; i < to; i++) {
                System.arraycopy(center, 0, x, 0, d);
                int o = i * words;
                for (int k = 0; k < bytes; k++) {
                    float[] r = part[(k << 8) | (int) ((data[o + (k >>> 3)] >>> ((k & 7) << 3)) & 0xFF)];
                    for (int m = 0; m < d; m++) {
                        x[m] += r[m];
                    }
                }
                double s = 0;
                for (int m = 0; m < d; m++) {
                    s += (double) x[m] * x[m];
                }
                out[i] = s > 0 ? (float) (1.0 / Math.sqrt(s)) : 0f;
            }
        });
        return out;
    }

    @Override public Map<String, String> params() { return params; }

    @Override
    public Map<String, float[]> arrays() {
        Map<String, float[]> m = new LinkedHashMap<>(planes.arrays());
        m.put("center", center);
        m.put("decoder", decoder);
        return m;
    }
}
