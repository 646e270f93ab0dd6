package org.bitsieve.store;

import org.bitsieve.core.coarse.CoarseQuantizer;

/**
 * Settings fixed when a collection is created (stored in its manifest).
 *
 * @param floats       whether and how the float vectors are kept for re-ranking
 * @param memtableDocs documents buffered in memory (and in the write-ahead log) before they are written as an
 *                     immutable segment; also the largest batch one write may add
 * @param coarse       the coarse quantiser of a partitioned collection (segments sorted by cell, searched by
 *                     {@link SearchRequest#nprobe}), or null for exact search only
 */
public record CollectionOptions(FloatFormat floats, int memtableDocs, CoarseQuantizer coarse) {
    public static final int DEFAULT_MEMTABLE_DOCS = 262_144;

    public CollectionOptions {
        if (floats == null) {
            floats = FloatFormat.NONE;
        }
        if (memtableDocs < 1 || memtableDocs > 1 << 24) {
            throw new IllegalArgumentException("memtableDocs must be in 1..16777216, got " + memtableDocs);
        }
    }

    public CollectionOptions(FloatFormat floats, int memtableDocs) { this(floats, memtableDocs, null); }

    public static CollectionOptions defaults() { return new CollectionOptions(FloatFormat.NONE, DEFAULT_MEMTABLE_DOCS); }

    public CollectionOptions withFloats(FloatFormat f) { return new CollectionOptions(f, memtableDocs, coarse); }

    public CollectionOptions withMemtableDocs(int n) { return new CollectionOptions(floats, n, coarse); }

    /** Partitions the collection by this quantiser's cells (null: unpartitioned). */
    public CollectionOptions withCoarse(CoarseQuantizer q) { return new CollectionOptions(floats, memtableDocs, q); }
}
