package org.bitsieve.core;

import java.util.Arrays;

/**
 * A dense row-major matrix of float vectors: {@code rows} vectors of {@code dim} floats.
 * The backing array is shared, not copied, so large embedding sets stay a single allocation.
 */
public final class FloatMatrix {
    private final float[] data;
    private final int rows;
    private final int dim;

    public FloatMatrix(float[] data, int rows, int dim) {
        if (rows < 0 || dim <= 0) {
            throw new IllegalArgumentException("matrix needs rows >= 0 and dim > 0, got " + rows + " x " + dim);
        }
        if ((long) rows * dim != data.length) {
            throw new IllegalArgumentException("data holds " + data.length + " floats, expected " + rows + " x " + dim);
        }
        this.data = data;
        this.rows = rows;
        this.dim = dim;
    }

    public static FloatMatrix of(float[]... vectors) {
        if (vectors.length == 0) {
            throw new IllegalArgumentException("no vectors given");
        }
        int dim = vectors[0].length;
        float[] data = new float[vectors.length * dim];
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != dim) {
                throw new IllegalArgumentException("vector " + i + " has dimension " + vectors[i].length + ", expected " + dim);
            }
            System.arraycopy(vectors[i], 0, data, i * dim, dim);
        }
        return new FloatMatrix(data, vectors.length, dim);
    }

    public int rows() { return rows; }

    public int dim() { return dim; }

    /** The backing row-major array (not a copy). */
    public float[] data() { return data; }

    /** Offset of row {@code i} in {@link #data()}. */
    public int offset(int i) { return i * dim; }

    public float[] row(int i) {
        return Arrays.copyOfRange(data, i * dim, (i + 1) * dim);
    }

    public float get(int i, int j) { return data[i * dim + j]; }

    /** Rows {@code [from, to)} as a new matrix (copied). */
    public FloatMatrix slice(int from, int to) {
        return new FloatMatrix(Arrays.copyOfRange(data, from * dim, to * dim), to - from, dim);
    }

    /** The rows at the given indices, in that order (copied). */
    public FloatMatrix select(int[] indices) {
        float[] out = new float[indices.length * dim];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(data, indices[i] * dim, out, i * dim, dim);
        }
        return new FloatMatrix(out, indices.length, dim);
    }

    /**
     * Throws if any value is NaN or infinite, naming the first bad row, so that bad input is refused
     * before it reaches an encoder or an index.
     */
    public FloatMatrix requireFinite(String what) {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new IllegalArgumentException(what + ": row " + (i / dim) + ", column " + (i % dim)
                        + " is " + data[i] + "; vectors must hold finite numbers only");
            }
        }
        return this;
    }

    /** Scales every row to unit L2 length (rows of zero length are left as they are). */
    public FloatMatrix normalizeRows() {
        for (int i = 0; i < rows; i++) {
            int o = i * dim;
            double s = 0;
            for (int j = 0; j < dim; j++) {
                s += (double) data[o + j] * data[o + j];
            }
            if (s > 0) {
                float inv = (float) (1.0 / Math.sqrt(s));
                for (int j = 0; j < dim; j++) {
                    data[o + j] *= inv;
                }
            }
        }
        return this;
    }
}
