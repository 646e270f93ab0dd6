package org.bitsieve.store;

/**
 * One batch of precomputed vectors for {@link Collection#bulkLoad}: row i is document {@code ids[i]} with vector
 * {@code vectors[i*dim .. (i+1)*dim)}. {@code texts} and {@code metadataJson} may be null (no payloads), or hold
 * null entries. The arrays are only read, never kept: a source may reuse them for its next batch.
 */
public record BulkBatch(String[] ids, float[] vectors, String[] texts, String[] metadataJson) {
    public BulkBatch {
        if (ids == null || vectors == null) {
            throw new IllegalArgumentException("a bulk batch needs ids and vectors");
        }
        if (texts != null && texts.length != ids.length || metadataJson != null && metadataJson.length != ids.length) {
            throw new IllegalArgumentException("a bulk batch has " + ids.length + " ids but " + (texts != null ? texts.length : metadataJson.length)
                    + " texts or metadata entries; they must match row for row");
        }
    }

    public int size() { return ids.length; }
}
