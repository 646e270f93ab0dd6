package org.bitsieve.store;

import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.encode.Encoder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The writer's side of partitioned collections: cells of logged ops, memtable rows sorted by cell on flush and
 * compaction's rows sorted likewise. Kept out of {@link Collection} so its write path stays readable.
 */
final class Partitioning {
    /**
     * Below this many rows a search scans everything unless the request names an nprobe: an exact scan of
     * 100,000 codes takes about a millisecond (docs/scaling.md), less than a partitioned one gains.
     */
    static final int EXACT_BELOW = 100_000;
    /**
     * Until a collection has measured its own default ({@link NprobeCalibration}), it is this share of the cells ({@code 3/16}, rounded up, at least 1). Decided on real text, not
     * the generated vectors (which flatter recall: 1/32 reached 0.962 there): with the shipped all-MiniLM quantiser
     * (1,024 cells), 1,000 held-out general sentences against the 100,000-text fit sample find 0.936 of their float
     * top 10 in the nearest 128 cells, 0.958 in 192 and 0.970 in 256 (`bitsieve fit --general --coarse`, docs/scaling.md);
     * 3/16 is the smallest share measured past 0.95. No test split was used.
     */
    static final int DEFAULT_SHARE_NUM = 3;
    static final int DEFAULT_SHARE_DEN = 16;

    private Partitioning() {}

    /**
     * The default nprobe for a partitioned collection of {@code rows} rows (0 = exact): the collection's measured
     * one ({@code calibrated} > 0, see {@link NprobeCalibration}), else the fixed share of the cells.
     */
    static int defaultNprobe(CoarseQuantizer q, int rows, int calibrated) {
        if (q == null || rows < EXACT_BELOW) {
            return 0;
        }
        if (calibrated > 0) {
            return Math.min(calibrated, q.cells());
        }
        return Math.max(1, (q.cells() * DEFAULT_SHARE_NUM + DEFAULT_SHARE_DEN - 1) / DEFAULT_SHARE_DEN);
    }

    /**
     * Checks the cells of a batch (from a live write or a log): each added row of a partitioned collection needs
     * a cell in range. A log written without cells (older records) gets them assigned from its stored vectors.
     */
    static List<Prepared> withCells(List<Prepared> ops, CoarseQuantizer q, Path wal) throws CorruptCollectionException {
        List<Prepared> out = null;
        for (int i = 0; i < ops.size(); i++) {
            Prepared p = ops.get(i);
            if (p.kind() == WriteBatch.Kind.DELETE) {
                continue;
            }
            if (p.cell() >= q.cells()) {
                throw new CorruptCollectionException(wal, "a logged document ('" + p.id() + "') has cell " + p.cell() + ", but the collection's "
                        + "coarse quantiser has " + q.cells() + " cells");
            }
            if (p.cell() < 0) {
                if (p.vector() == null) {
                    throw new CorruptCollectionException(wal, "a logged document ('" + p.id() + "') has no cell and no vector to assign one from");
                }
                if (out == null) {
                    out = new ArrayList<>(ops);
                }
                out.set(i, new Prepared(p.kind(), p.id(), p.code(), p.text(), p.meta(), p.vector(), q.assign(p.vector())));
            }
        }
        return out == null ? ops : out;
    }

    /** The memtable's live rows in cell order (stable), with each cell's offsets. */
    static Cells.Order liveByCell(MemTable mem, long[] deleted, int cells) {
        return Cells.liveOrder(mem.size(), deleted, mem::cell, cells);
    }

    /** The segment a flush just wrote from {@code mem} in {@code order}, opened from what memory holds. */
    static Segment openFlushed(Path dir, MemTable mem, Cells.Order order, int bits, long fingerprint, int dim, FloatFormat floats,
                               Encoder encoder) throws IOException {
        int[] perm = order.perm();
        int words = mem.stride / 8;
        long[] src = mem.words();
        long[] codes = new long[perm.length * words];
        float[] norms = mem.inverseNorms(encoder, mem.size());
        float[] sortedNorms = norms == null ? null : new float[perm.length];
        for (int i = 0; i < perm.length; i++) {
            System.arraycopy(src, perm[i] * words, codes, i * words, words);
            if (norms != null) {
                sortedNorms[i] = norms[perm[i]];
            }
        }
        // ids are read from the new files on demand, like any segment's (and found through its id index)
        Segment s = Segment.open(dir, mem.number, perm.length, bits, fingerprint, dim, floats, false, codes, null);
        s.setInverseNorms(sortedNorms);
        s.setCellOffsets(order.offsets());
        return s;
    }

    /** Sorts compaction's rows (parallel lists) by cell, stably, so rows of one cell keep their storage order. */
    static void sortByCell(List<Part> parts, List<Integer> rows, int cells) {
        int n = rows.size();
        int[] cellOf = new int[n];
        for (int i = 0; i < n; i++) {
            cellOf[i] = parts.get(i).cell(rows.get(i));
        }
        int[] perm = Cells.order(cellOf, cells).perm();
        List<Part> p2 = new ArrayList<>(n);
        List<Integer> r2 = new ArrayList<>(n);
        for (int i : perm) {
            p2.add(parts.get(i));
            r2.add(rows.get(i));
        }
        parts.clear();
        parts.addAll(p2);
        rows.clear();
        rows.addAll(r2);
    }

    /** Cell offsets of rows already sorted by cell. */
    static int[] offsets(Part[] parts, int[] rows, int cells) {
        int[] cellOf = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            cellOf[i] = parts[i].cell(rows[i]);
            if (i > 0 && cellOf[i] < cellOf[i - 1]) {
                throw new IllegalStateException("rows are not sorted by cell");
            }
        }
        return Cells.order(cellOf, cells).offsets();
    }
}
