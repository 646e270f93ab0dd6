package org.bitsieve.store;

import java.io.IOException;

/** Batches of precomputed vectors for {@link Collection#bulkLoad}, read one at a time so nothing big stays in memory. */
@FunctionalInterface
public interface BulkSource {
    /** The next batch, or null when there are no more. Each batch becomes one segment and one durable step. */
    BulkBatch next() throws IOException;
}
