package org.bitsieve.store;

/**
 * How evenly a partitioned collection's live documents spread over its coarse cells: a search at nprobe n reads
 * about n x the median cell, and a cell far above it makes the queries that probe it slow.
 */
public record CellBalance(int cells, int min, int median, int max, int empty) {
    /** Live rows per cell of a snapshot (segments by their offsets, the memtable by its rows' cells). */
    static CellBalance of(Snapshot snap, int cells) {
        int[] count = new int[cells];
        for (View v : snap.views()) {
            for (int r = 0; r < v.rows(); r++) {
                if (v.live(r)) {
                    int c = v.part().cell(r); // sorted segments: from the offsets; the memtable: per row
                    if (c >= 0) {
                        count[c]++;
                    }
                }
            }
        }
        int[] sorted = count.clone();
        java.util.Arrays.sort(sorted);
        int empty = 0;
        for (int n : count) {
            if (n == 0) {
                empty++;
            }
        }
        return new CellBalance(cells, sorted[0], sorted[cells / 2], sorted[cells - 1], empty);
    }
}
