package org.bitsieve.store;

/**
 * One part as a snapshot sees it: its first {@code rows} rows minus the deleted ones. {@code base} is the
 * position of row 0 among all rows of the snapshot, so a search can name any row with one int.
 */
record View(Part part, int rows, long[] deleted, int base) {
    boolean live(int row) { return !Deletions.isSet(deleted, row); }

    int liveCount() { return rows - Deletions.cardinality(deleted); }
}
