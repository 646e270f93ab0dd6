package org.bitsieve.core.encode;

import org.bitsieve.core.PackedCodes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * bitsieve's default encoder: the vector is projected on its principal components; each kept component is
 * quantised to 1-4 bits by its own Lloyd-Max quantiser (levels stored Gray-coded, so neighbouring levels
 * differ in one bit), and every field sits inside one code byte.
 *
 * <p>Asymmetric score: the cosine between the query and the code's reconstruction {@code mean + V z_hat} in the
 * input space, {@code (q . mean + sum_f (v_f . q) level_f) / |mean + V z_hat|}. Keeping the mean in the
 * reconstruction matters: sentence embeddings are unit vectors far from centred, and a centred cosine ranked
 * neighbours markedly worse in our prototype (recall@10 against float search; the kept form measures 0.62 on MR
 * at 256 bits: {@code bitsieve eval --dataset mr -e pcaq -b 256}). The per-byte sum shape means scoring costs one
 * table lookup per code byte, as for plane codes. Plain Hamming distance is defined (the codes are bits) and
 * reported, but it is not what this encoder is built for.
 */
public final class PcaQuantEncoder implements Encoder {
    private final int dim;
    private final int bits;
    private final int bytes;
    private final float[] mean;
    private final float[] comps;      // fields x dim
    private final float[][] compsT;   // dim x fields
    private final float[] meanProj;   // mean . comp_f
    private final int[] fBits;
    private final int[] fByte;
    private final int[] fShift;
    private final int[] thrStart;
    private final int[] levStart;
    private final float[] thresholds;
    private final float[] levels;
    private final float[] fieldBitsF;
    private final float[] fieldByteF;
    private final float[] fieldShiftF;
    private final int[][] fieldsInByte;
    private final float[] normTable;  // per byte: sum over its fields of 2 (mean . v_f) level + level^2
    private final float meanNormSq;
    private final Map<String, String> params;
    private final ThreadLocal<float[]> scratch;

    PcaQuantEncoder(int dim, int bits, float[] mean, float[] comps, float[] fieldBits, float[] fieldByte,
                    float[] fieldShift, float[] thresholds, float[] levels, Map<String, String> params) {
        this.dim = dim;
        this.bits = bits;
        this.bytes = (bits + 7) >>> 3;
        this.mean = mean;
        this.comps = comps;
        this.fieldBitsF = fieldBits;
        this.fieldByteF = fieldByte;
        this.fieldShiftF = fieldShift;
        this.thresholds = thresholds;
        this.levels = levels;
        this.params = Map.copyOf(params);
        int f = fieldBits.length;
        fBits = new int[f];
        fByte = new int[f];
        fShift = new int[f];
        thrStart = new int[f + 1];
        levStart = new int[f + 1];
        for (int i = 0; i < f; i++) {
            fBits[i] = (int) fieldBits[i];
            fByte[i] = (int) fieldByte[i];
            fShift[i] = (int) fieldShift[i];
            if (fBits[i] < 1 || fBits[i] > PcaQuantKind.MAX_FIELD_BITS || fByte[i] < 0 || fByte[i] >= bytes
                    || fShift[i] < 0 || fShift[i] + fBits[i] > 8 || 8 * fByte[i] + fShift[i] + fBits[i] > bits) {
                throw new IllegalArgumentException("pcaq field " + i + " has an invalid layout");
            }
            thrStart[i + 1] = thrStart[i] + (1 << fBits[i]) - 1;
            levStart[i + 1] = levStart[i] + (1 << fBits[i]);
        }
        if (thrStart[f] != thresholds.length || levStart[f] != levels.length) {
            throw new IllegalArgumentException("pcaq thresholds/levels do not match the field sizes");
        }
        fieldsInByte = new int[bytes][];
        for (int k = 0; k < bytes; k++) {
            int count = 0;
            for (int i = 0; i < f; i++) {
                if (fByte[i] == k) {
                    count++;
                }
            }
            fieldsInByte[k] = new int[count];
            int c = 0;
            for (int i = 0; i < f; i++) {
                if (fByte[i] == k) {
                    fieldsInByte[k][c++] = i;
                }
            }
        }
        compsT = new float[dim][f];
        meanProj = new float[f];
        for (int i = 0; i < f; i++) {
            double mp = 0;
            for (int j = 0; j < dim; j++) {
                compsT[j][i] = comps[i * dim + j];
                mp += (double) mean[j] * comps[i * dim + j];
            }
            meanProj[i] = (float) mp;
        }
        normTable = buildTable(i -> 2 * meanProj[i], true);
        double mn = 0;
        for (float m : mean) {
            mn += (double) m * m;
        }
        meanNormSq = (float) mn;
        scratch = ThreadLocal.withInitial(() -> new float[f]);
    }

    private interface Weight {
        float of(int field);
    }

    /** Per-byte table: sum over the byte's fields of weight(f) * level (+ level^2 when squared). */
    private float[] buildTable(Weight weight, boolean squared) {
        float[] table = new float[bytes * 256];
        for (int k = 0; k < bytes; k++) {
            int[] fs = fieldsInByte[k];
            for (int v = 0; v < 256; v++) {
                float s = 0;
                for (int i : fs) {
                    int g = (v >>> fShift[i]) & ((1 << fBits[i]) - 1);
                    float level = levels[levStart[i] + fromGray(g)];
                    s += squared ? weight.of(i) * level + level * level : weight.of(i) * level;
                }
                table[(k << 8) | v] = s;
            }
        }
        return table;
    }

    static int fromGray(int g) {
        int b = g;
        for (int s = 1; s < 8; s <<= 1) {
            b ^= b >>> s;
        }
        return b;
    }

    @Override public String kind() { return PcaQuantKind.NAME; }

    @Override public int dimension() { return dim; }

    @Override public int bits() { return bits; }

    public int fields() { return fBits.length; }

    @Override
    public void encodeInto(float[] vector, int offset, long[] out, int outOffset) {
        float[] z = scratch.get();
        int f = fBits.length;
        Vectors.multiply(vector, offset, compsT, f, z);
        int words = words();
        for (int w = 0; w < words; w++) {
            out[outOffset + w] = 0;
        }
        for (int i = 0; i < f; i++) {
            float v = z[i] - meanProj[i];
            int idx = 0;
            for (int t = thrStart[i], end = thrStart[i + 1]; t < end; t++) {
                if (v > thresholds[t]) {
                    idx++;
                }
            }
            long gray = idx ^ (idx >>> 1);
            int bit = 8 * fByte[i] + fShift[i];
            out[outOffset + (bit >>> 6)] |= gray << (bit & 63);
        }
    }

    @Override
    public QueryScorer scorer(float[] query) {
        Vectors.check(query, dim);
        float[] z = new float[fBits.length];
        Vectors.multiply(query, 0, compsT, fBits.length, z);
        float[] table = buildTable(i -> z[i], false);
        float qm = Vectors.dot(query, 0, mean, 0, dim);
        for (int v = 0; v < 256; v++) {
            table[v] += qm; // the constant q . mean rides on byte 0, so it is divided by the norm too
        }
        return new QueryScorer(table, bytes, true);
    }

    @Override
    public float[] inverseNorms(PackedCodes codes) { return ByteTableNorms.inverse(codes, bytes, meanNormSq, normTable); }

    @Override public Map<String, String> params() { return params; }

    @Override
    public Map<String, float[]> arrays() {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("mean", mean);
        m.put("components", comps);
        m.put("fieldBits", fieldBitsF);
        m.put("fieldByte", fieldByteF);
        m.put("fieldShift", fieldShiftF);
        m.put("thresholds", thresholds);
        m.put("levels", levels);
        return m;
    }
}
