package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;


/**
 * The newest rows, in memory, also recorded in the write-ahead log. Capacity is fixed at creation so no
 * array is ever reallocated: a reader holding a snapshot that saw {@code n} rows reads slots below {@code n},
 * which the single writer filled before publishing that snapshot (a volatile write) and never touches again.
 */
final class MemTable extends Part {
    private static final int CHUNK = 4096;

    private final int capacity;
    private final int dim;
    private final long[] codes;
    private final String[] ids;
    private final byte[][] texts;
    private final byte[][] metas;
    private final float[][] vectorChunks;
    private final float[] invNorms;
    private int size;

    MemTable(int number, int stride, int capacity, int dim, FloatFormat floats, boolean normalized) {
        super(number, stride);
        this.capacity = capacity;
        this.dim = dim;
        this.codes = new long[capacity * (stride / 8)];
        this.ids = new String[capacity];
        this.texts = new byte[capacity][];
        this.metas = new byte[capacity][];
        this.vectorChunks = floats == FloatFormat.NONE ? null : new float[(capacity + CHUNK - 1) / CHUNK][];
        this.invNorms = normalized ? new float[capacity] : null;
    }

    int size() { return size; }

    int capacity() { return capacity; }

    int remaining() { return capacity - size; }

    /** Appends a row (writer thread only); visible to readers once a snapshot with the new size is published. */
    int append(String id, long[] code, byte[] text, byte[] meta, float[] vector, float invNorm) {
        if (size == capacity) {
            throw new IllegalStateException("memtable full");
        }
        int r = size;
        System.arraycopy(code, 0, codes, r * code.length, code.length);
        ids[r] = id;
        texts[r] = text;
        metas[r] = meta;
        if (vectorChunks != null) {
            float[] chunk = vectorChunks[r / CHUNK];
            if (chunk == null) {
                chunk = new float[CHUNK * dim];
                vectorChunks[r / CHUNK] = chunk;
            }
            // vectors arrive already rounded to the stored format, so memory and disk give equal scores
            System.arraycopy(vector, 0, chunk, (r % CHUNK) * dim, dim);
        }
        if (invNorms != null) {
            invNorms[r] = invNorm;
        }
        size = r + 1;
        return r;
    }

    @Override
    byte[] textBytes(int row) { return texts[row]; }

    @Override
    byte[] metaBytes(int row) { return metas[row]; }

    /** The ids of the first {@code rows} rows (a copy). */
    String[] ids(int rows) { return java.util.Arrays.copyOf(ids, rows); }

    @Override
    long[] words() { return codes; }

    @Override
    String id(int row) { return ids[row]; }

    @Override
    boolean hasVectors() { return vectorChunks != null; }

    @Override
    void vector(int row, float[] out) {
        System.arraycopy(vectorChunks[row / CHUNK], (row % CHUNK) * dim, out, 0, dim);
    }

    @Override
    float[] inverseNorms(Encoder encoder, int rows) { return invNorms; }
}
