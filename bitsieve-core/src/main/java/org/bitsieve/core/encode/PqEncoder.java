package org.bitsieve.core.encode;

import org.bitsieve.core.PackedCodes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Product quantisation: the centred vector is projected on orthonormal directions ({@code rotation}: the
 * principal components kept, rows grouped by subspace), cut into {@code m = bits / 8} subspaces, and each subspace is replaced by the index of its nearest
 * of 256 centroids; code byte k is subspace k's index.
 *
 * <p>Asymmetric score: the cosine between the query and the code's reconstruction {@code mean + R^T c}, where
 * {@code c} concatenates the chosen centroids: {@code (q . mean + sum_k (R q)_k . c_k) / |mean + R^T c|}. Both
 * the dot product and the squared norm are sums of per-byte terms, so the score has {@link QueryScorer}'s shape
 * and the store's scan, bounds and re-rank use it unchanged (as for {@code pcaq}).
 *
 * <p>Hamming distance: the fit numbers each subspace's centroids so that bit u of the index is the sign of the
 * centroid's u-th strongest coordinate in that subspace (an optimal assignment, "polysemous codes", Douze et al.
 * 2016), so the XOR-popcount distance between two codes approximates a sign code's Hamming distance over the 8
 * strongest directions of each subspace. It is a coarse symmetric distance, documented as such.
 */
public final class PqEncoder implements Encoder {
    private final int dim;
    private final int m;
    private final int rows;           // kept directions: the rotation's rows, sum of the subspace sizes
    private final float[] mean;
    private final float[] rotation;     // rows x dim, row-major, orthonormal rows grouped by subspace
    private final float[][] rotationT;  // dim x rows: rotationT[j][i] = rotation[i][j], for Vectors.multiply
    private final float[] subDimsF;
    private final int[] subDim;
    private final int[] subStart;
    private final float[] codebooks;     // per subspace: 256 x subDim[k], concatenated
    private final int[] bookStart;
    private final float[] halfNormSq;   // per subspace and centroid: |c|^2 / 2, for the nearest-centroid search
    private final float[] normTable;    // per byte: 2 (R mean)_k . c + |c|^2
    private final float[] meanRot;      // R mean
    private final float meanNormSq;
    private final Map<String, String> params;
    private final ThreadLocal<float[]> scratch;

    PqEncoder(int dim, int bits, float[] mean, float[] rotation, float[] subDims, float[] codebooks, Map<String, String> params) {
        if (bits % 8 != 0 || bits / 8 < 1) {
            throw new IllegalArgumentException("pq bits must be a positive multiple of 8, got " + bits);
        }
        this.dim = dim;
        this.m = bits / 8;
        if (subDims.length != m) {
            throw new IllegalArgumentException("pq has " + m + " subspaces for " + bits + " bits but 'subspaceDims' holds " + subDims.length);
        }
        if (mean.length != dim) {
            throw new IllegalArgumentException("pq 'mean' holds " + mean.length + " values, expected the dimension " + dim);
        }
        this.mean = mean;
        this.rotation = rotation;
        this.subDimsF = subDims;
        this.codebooks = codebooks;
        this.params = Map.copyOf(params);
        subDim = new int[m];
        subStart = new int[m + 1];
        bookStart = new int[m + 1];
        for (int k = 0; k < m; k++) {
            float f = subDims[k];
            if (f != Math.rint(f) || f < 1 || f > dim) {
                throw new IllegalArgumentException("pq subspace " + k + " has an invalid size " + f);
            }
            subDim[k] = (int) f;
            subStart[k + 1] = subStart[k] + subDim[k];
            bookStart[k + 1] = bookStart[k] + 256 * subDim[k];
        }
        rows = subStart[m];
        if (rows > dim) {
            throw new IllegalArgumentException("pq subspace sizes add up to " + rows + ", more than the dimension " + dim);
        }
        if (rotation.length != rows * dim) {
            throw new IllegalArgumentException("pq 'rotation' holds " + rotation.length + " values, expected " + rows + " x " + dim);
        }
        if (codebooks.length != bookStart[m]) {
            throw new IllegalArgumentException("pq 'codebooks' holds " + codebooks.length + " values, expected " + bookStart[m]);
        }
        rotationT = new float[dim][rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < dim; j++) {
                rotationT[j][i] = rotation[i * dim + j];
            }
        }
        meanRot = new float[rows];
        Vectors.multiply(mean, 0, rotationT, rows, meanRot);
        halfNormSq = new float[256 * m];
        normTable = new float[256 * m];
        for (int k = 0; k < m; k++) {
            for (int v = 0; v < 256; v++) {
                double nn = 0;
                double mc = 0;
                int o = bookStart[k] + v * subDim[k];
                for (int j = 0; j < subDim[k]; j++) {
                    double c = codebooks[o + j];
                    nn += c * c;
                    mc += meanRot[subStart[k] + j] * c;
                }
                halfNormSq[(k << 8) | v] = (float) (nn / 2);
                normTable[(k << 8) | v] = (float) (2 * mc + nn);
            }
        }
        double mn = 0;
        for (float x : mean) {
            mn += (double) x * x;
        }
        meanNormSq = (float) mn;
        scratch = ThreadLocal.withInitial(() -> new float[rows]);
    }

    @Override public String kind() { return PqKind.NAME; }

    @Override public int dimension() { return dim; }

    @Override public int bits() { return 8 * m; }

    public int subspaces() { return m; }

    @Override
    public void encodeInto(float[] vector, int offset, long[] out, int outOffset) {
        float[] y = scratch.get();
        Vectors.multiply(vector, offset, rotationT, rows, y);
        for (int j = 0; j < rows; j++) {
            y[j] -= meanRot[j];
        }
        int words = words();
        for (int w = 0; w < words; w++) {
            out[outOffset + w] = 0;
        }
        for (int k = 0; k < m; k++) {
            long v = nearest(codebooks, bookStart[k], subDim[k], y, subStart[k], halfNormSq, k << 8);
            out[outOffset + (k >>> 3)] |= v << ((k & 7) << 3);
        }
    }

    /** Index of the centroid nearest to {@code y[yo, yo + ds)}: the largest {@code y . c - |c|^2 / 2}. */
    static int nearest(float[] book, int bo, int ds, float[] y, int yo, float[] half, int ho) {
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < 256; v++) {
            int o = bo + v * ds;
            float s = -half[ho + v];
            for (int j = 0; j < ds; j++) {
                s += y[yo + j] * book[o + j];
            }
            if (s > bestScore) {
                bestScore = s;
                best = v;
            }
        }
        return best;
    }

    /** The reconstruction {@code mean + R^T c} of a code (for tests and diagnostics). */
    public float[] decode(long[] code, int offset) {
        float[] c = new float[rows];
        for (int k = 0; k < m; k++) {
            int v = (int) ((code[offset + (k >>> 3)] >>> ((k & 7) << 3)) & 0xFF);
            System.arraycopy(codebooks, bookStart[k] + v * subDim[k], c, subStart[k], subDim[k]);
        }
        float[] x = mean.clone();
        for (int i = 0; i < rows; i++) {
            float ci = c[i];
            for (int j = 0; j < dim; j++) {
                x[j] += ci * rotation[i * dim + j];
            }
        }
        return x;
    }

    @Override
    public QueryScorer scorer(float[] query) {
        Vectors.check(query, dim);
        float[] z = new float[rows];
        Vectors.multiply(query, 0, rotationT, rows, z);
        float[] table = new float[m * 256];
        for (int k = 0; k < m; k++) {
            int ds = subDim[k];
            int zo = subStart[k];
            for (int v = 0; v < 256; v++) {
                int o = bookStart[k] + v * ds;
                float s = 0;
                for (int j = 0; j < ds; j++) {
                    s += z[zo + j] * codebooks[o + j];
                }
                table[(k << 8) | v] = s;
            }
        }
        float qm = Vectors.dot(query, 0, mean, 0, dim);
        for (int v = 0; v < 256; v++) {
            table[v] += qm; // q . mean rides on byte 0, so the norm divides it too
        }
        return new QueryScorer(table, m, true);
    }

    @Override
    public float[] inverseNorms(PackedCodes codes) { return ByteTableNorms.inverse(codes, m, meanNormSq, normTable); }

    @Override public Map<String, String> params() { return params; }

    @Override
    public Map<String, float[]> arrays() {
        Map<String, float[]> a = new LinkedHashMap<>();
        a.put("mean", mean);
        a.put("rotation", rotation);
        a.put("subspaceDims", subDimsF);
        a.put("codebooks", codebooks);
        return a;
    }
}
