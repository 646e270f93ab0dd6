package org.bitsieve.store;

import org.bitsieve.core.coarse.CoarseQuantizer;

/**
 * Settings fixed when a collection is created (stored in its manifest).
 *
 * @param floats        whether and how the float vectors are kept for re-ranking
 * @param memtableDocs  documents buffered in memory (and in the write-ahead log) before they are written as an
 *                      immutable segment; also the largest batch one write may add
 * @param coarse        the coarse quantiser of a partitioned collection (segments sorted by cell, searched by
 *                      {@link SearchRequest#nprobe}), or null for exact search only
 * @param autoRefitDocs with floats kept: refit the encoder on the collection's own documents ({@link Collection#refit})
 *                      at the first flush (or {@link Collection#refitIfDue} call) that finds at least this many live
 *                      documents, and again each time the collection has doubled since the last refit; 0 turns it off
 */
public record CollectionOptions(FloatFormat floats, int memtableDocs, CoarseQuantizer coarse, int autoRefitDocs) {
    public static final int DEFAULT_MEMTABLE_DOCS = 262_144;
    /**
     * Large enough that a refit has a few thousand documents to fit on and hold out (docs/store.md "Refit"), small
     * enough that most real collections get an encoder of their own without anyone asking.
     */
    public static final int DEFAULT_AUTO_REFIT_DOCS = 20_000;

    public CollectionOptions {
        if (floats == null) {
            floats = FloatFormat.NONE;
        }
        if (memtableDocs < 1 || memtableDocs > 1 << 24) {
            throw new IllegalArgumentException("memtableDocs must be in 1..16777216, got " + memtableDocs);
        }
        if (autoRefitDocs < 0) {
            throw new IllegalArgumentException("autoRefitDocs must be 0 (off) or a document count, got " + autoRefitDocs);
        }
    }

    public CollectionOptions(FloatFormat floats, int memtableDocs) { this(floats, memtableDocs, null, DEFAULT_AUTO_REFIT_DOCS); }

    public CollectionOptions(FloatFormat floats, int memtableDocs, int autoRefitDocs) { this(floats, memtableDocs, null, autoRefitDocs); }

    public static CollectionOptions defaults() { return new CollectionOptions(FloatFormat.NONE, DEFAULT_MEMTABLE_DOCS); }

    public CollectionOptions withFloats(FloatFormat f) { return new CollectionOptions(f, memtableDocs, coarse, autoRefitDocs); }

    public CollectionOptions withMemtableDocs(int n) { return new CollectionOptions(floats, n, coarse, autoRefitDocs); }

    /** Partitions the collection by this quantiser's cells (null: unpartitioned). */
    public CollectionOptions withCoarse(CoarseQuantizer q) { return new CollectionOptions(floats, memtableDocs, q, autoRefitDocs); }

    /** 0 turns automatic refits off. */
    public CollectionOptions withAutoRefitDocs(int n) { return new CollectionOptions(floats, memtableDocs, coarse, n); }
}
