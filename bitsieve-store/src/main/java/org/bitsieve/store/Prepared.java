package org.bitsieve.store;

/**
 * One operation of a batch after validation and encoding: what the write-ahead log records and what replay
 * applies, so a replayed batch changes the state exactly as the original write did.
 *
 * @param vector the vector rounded to the stored float format, or null when floats are not kept
 * @param cell   the coarse cell of the vector in a partitioned collection, else -1
 */
record Prepared(WriteBatch.Kind kind, String id, long[] code, byte[] text, byte[] meta, float[] vector, int cell) {
    /** Without a cell: an unpartitioned collection, or a delete. */
    Prepared(WriteBatch.Kind kind, String id, long[] code, byte[] text, byte[] meta, float[] vector) {
        this(kind, id, code, text, meta, vector, -1);
    }
}
