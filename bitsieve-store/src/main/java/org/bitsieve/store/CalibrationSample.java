package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;

import java.util.SplittableRandom;

/**
 * A seeded uniform sample (reservoir) of the rows a bulk load passes through, kept so that a codes-only collection,
 * which stores no vectors, can still measure its default nprobe on its own documents when the load ends.
 */
final class CalibrationSample {
    private final int max;
    private final int dim;
    private final float[] vectors;
    private final String[] ids;
    private final SplittableRandom rnd = new SplittableRandom(42);
    private long seen;

    CalibrationSample(int max, int dim) {
        this.max = max;
        this.dim = dim;
        this.vectors = new float[max * dim];
        this.ids = new String[max];
    }

    /** The source, with every batch it hands out offered to the sample first (copied: the batch is the load's). */
    BulkSource tap(BulkSource source) {
        return () -> {
            BulkBatch b = source.next();
            if (b != null) {
                offer(b);
            }
            return b;
        };
    }

    private void offer(BulkBatch b) {
        if (b.ids() == null || b.vectors() == null || b.vectors().length != (long) b.size() * dim) {
            return; // a malformed batch: the load refuses it with its own message
        }
        for (int i = 0; i < b.size(); i++, seen++) {
            int slot = seen < max ? (int) seen : (int) rnd.nextLong(seen + 1); // reservoir sampling (algorithm R)
            if (slot < max) {
                System.arraycopy(b.vectors(), i * dim, vectors, slot * dim, dim);
                ids[slot] = b.ids()[i];
            }
        }
    }

    int size() { return (int) Math.min(seen, max); }

    FloatMatrix vectors() { return new FloatMatrix(java.util.Arrays.copyOf(vectors, size() * dim), size(), dim); }

    String[] ids() { return java.util.Arrays.copyOf(ids, size()); }
}
