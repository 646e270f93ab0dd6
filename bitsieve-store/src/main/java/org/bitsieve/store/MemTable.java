package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;

import java.util.Arrays;


/**
 * The newest rows, in memory, also recorded in the write-ahead log. The arrays start small and double as rows
 * arrive, up to the fixed capacity: an empty collection used to preallocate its whole memtable (about 19 MB at
 * the default 262,144 rows), so a few dozen empty collections exhausted a 2 GB heap.
 *
 * <p>Concurrency (docs/store.md): a single writer appends; readers see a fixed snapshot of the first n rows.
 * Row slots are written once and never changed. Growing copies an array into a larger one and then publishes it
 * through a volatile field, so a reader gets either the old array (whose slots below n were filled before the
 * snapshot with n rows was published) or the new one (a copy made, with those slots, before the volatile write
 * that the reader's volatile read synchronises with). Either way rows below n are complete.
 */
final class MemTable extends Part {
    private static final int CHUNK = 4096;
    /** Rows of the first allocation; growth doubles from here up to the capacity. */
    static final int INITIAL_ROWS = 64;

    private final int capacity;
    private final int dim;
    private final int wordsPerRow;
    private volatile long[] codes;
    private volatile String[] ids;
    private volatile byte[][] texts;
    private volatile byte[][] metas;
    private final float[][] vectorChunks;
    private final boolean normalized;
    private volatile float[] invNorms;
    /** Coarse cell per row in a partitioned collection, else null. */
    private volatile int[] cells;
    private int size;

    MemTable(int number, int stride, int capacity, int dim, FloatFormat floats, boolean normalized) {
        this(number, stride, capacity, dim, floats, normalized, false);
    }

    MemTable(int number, int stride, int capacity, int dim, FloatFormat floats, boolean normalized, boolean partitioned) {
        super(number, stride);
        this.capacity = capacity;
        this.dim = dim;
        this.wordsPerRow = stride / 8;
        int rows = Math.min(capacity, INITIAL_ROWS);
        this.codes = new long[rows * wordsPerRow];
        this.ids = new String[rows];
        this.texts = new byte[rows][];
        this.metas = new byte[rows][];
        this.vectorChunks = floats == FloatFormat.NONE ? null : new float[(capacity + CHUNK - 1) / CHUNK][];
        this.normalized = normalized;
        this.invNorms = normalized ? new float[rows] : null;
        this.cells = partitioned ? new int[rows] : null;
    }

    int size() { return size; }

    int capacity() { return capacity; }

    int remaining() { return capacity - size; }

    /** Rows the arrays hold now (tests: an empty memtable must stay small). */
    int allocatedRows() { return ids.length; }

    /** Appends a row (writer thread only); visible to readers once a snapshot with the new size is published. */
    int append(String id, long[] code, byte[] text, byte[] meta, float[] vector, float invNorm) {
        return append(id, code, text, meta, vector, invNorm, -1);
    }

    int append(String id, long[] code, byte[] text, byte[] meta, float[] vector, float invNorm, int cell) {
        if (size == capacity) {
            throw new IllegalStateException("memtable full");
        }
        int r = size;
        if (r == ids.length) {
            grow();
        }
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
        if (cells != null) {
            cells[r] = cell;
        }
        size = r + 1;
        return r;
    }

    /** Doubles every row array (capped at the capacity): copy first, then publish each through its volatile field. */
    private void grow() {
        int rows = (int) Math.min(capacity, 2L * ids.length);
        codes = Arrays.copyOf(codes, rows * wordsPerRow);
        ids = Arrays.copyOf(ids, rows);
        texts = Arrays.copyOf(texts, rows);
        metas = Arrays.copyOf(metas, rows);
        if (normalized) {
            invNorms = Arrays.copyOf(invNorms, rows);
        }
        if (cells != null) {
            cells = Arrays.copyOf(cells, rows);
        }
    }

    @Override
    int cell(int row) { return cells == null ? -1 : cells[row]; }

    @Override
    byte[] textBytes(int row) { return texts[row]; }

    @Override
    byte[] metaBytes(int row) { return metas[row]; }

    /** The ids of the first {@code rows} rows (a copy). */
    String[] ids(int rows) { return Arrays.copyOf(ids, rows); }

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
