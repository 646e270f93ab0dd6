package org.bitsieve.store;

/**
 * What {@link Collection#bulkLoad} did: documents written, earlier copies of their ids it deleted (upsert), durable
 * batches (segments) committed, and the seconds spent inside the store (excluding time spent in the source).
 */
public record BulkResult(long docs, long replaced, int batches, double storeSeconds) {}
