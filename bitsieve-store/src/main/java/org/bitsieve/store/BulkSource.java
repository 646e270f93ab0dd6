package org.bitsieve.store;

import java.io.IOException;

/** Batches of precomputed vectors for {@link Collection#bulkLoad}, read one at a time so nothing big stays in memory. */
@FunctionalInterface
public interface BulkSource {
    /**
     * The next batch, or null when there are no more. Each batch becomes one segment and one durable step. A returned
     * batch's arrays must not be changed afterwards: the load may still be writing them while it asks for the next batch.
     */
    BulkBatch next() throws IOException;
}
