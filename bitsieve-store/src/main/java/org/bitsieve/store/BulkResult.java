package org.bitsieve.store;

/**
 * What {@link Collection#bulkLoad} did: documents written, earlier copies of their ids it deleted (upsert), durable
 * batches (segments) committed, the seconds spent inside the store (excluding time spent in the source), and the
 * default nprobe it measured afterwards ({@link NprobeCalibration}; null when it measured none: unpartitioned,
 * below {@link Partitioning#EXACT_BELOW} documents, or measured before at at least half the size).
 */
public record BulkResult(long docs, long replaced, int batches, double storeSeconds, NprobeCalibration calibration) {
    public BulkResult(long docs, long replaced, int batches, double storeSeconds) {
        this(docs, replaced, batches, storeSeconds, null);
    }

    BulkResult withCalibration(NprobeCalibration c) { return new BulkResult(docs, replaced, batches, storeSeconds, c); }
}
