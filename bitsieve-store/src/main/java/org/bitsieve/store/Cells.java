package org.bitsieve.store;

import org.bitsieve.core.coarse.CoarseFiles;
import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.io.FileFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The files of a partitioned collection: its coarse quantiser ({@code coarse.bsq}, fixed at creation, checked
 * against the manifest's fingerprint) and each segment's cells part ({@code seg-N.cells}: the row offset where
 * each cell starts, C + 1 u32 in the standard block framing, so cell c holds rows {@code [off[c], off[c+1])}).
 */
final class Cells {
    static final String QUANTIZER = "coarse.bsq";
    static final byte[] MAGIC = StoreFile.magic("BSSCELLS");

    private Cells() {}

    static Path path(Path dir, int segment) { return dir.resolve(SegmentFiles.base(segment) + ".cells"); }

    static void saveQuantizer(Path dir, CoarseQuantizer q) throws IOException {
        CoarseFiles.save(q, dir.resolve(QUANTIZER));
    }

    /** The collection's quantiser, refused (naming the file) unless it matches the manifest. */
    static CoarseQuantizer loadQuantizer(Path dir, Manifest m, int dim) throws IOException {
        Path p = dir.resolve(QUANTIZER);
        CoarseQuantizer q;
        try {
            q = CoarseFiles.load(p);
        } catch (NoSuchFileException e) {
            throw new CorruptCollectionException(p, "coarse quantiser file is missing (the manifest says the collection is partitioned)");
        } catch (FileFormatException e) {
            throw new CorruptCollectionException(p, e.getMessage());
        }
        if (q.fingerprint() != m.coarseFingerprint() || q.cells() != m.cells() || q.dimension() != dim) {
            throw new CorruptCollectionException(p, String.format("coarse quantiser (fingerprint %016x, %d cells) does not match the manifest "
                    + "(%016x, %d cells): the collection's rows are sorted by other cells", q.fingerprint(), q.cells(),
                    m.coarseFingerprint(), m.cells()));
        }
        return q;
    }

    /**
     * The order that sorts rows by cell, keeping the old order within a cell (so ties keep ranking the older row
     * first), and the offsets of each cell in it.
     */
    record Order(int[] perm, int[] offsets) {}

    static Order order(int[] cellOfRow, int cells) {
        int n = cellOfRow.length;
        int[] off = new int[cells + 1];
        for (int c : cellOfRow) {
            if (c < 0 || c >= cells) {
                throw new IllegalStateException("row has cell " + c + ", outside 0.." + (cells - 1));
            }
            off[c + 1]++;
        }
        for (int c = 0; c < cells; c++) {
            off[c + 1] += off[c];
        }
        int[] next = java.util.Arrays.copyOf(off, cells);
        int[] perm = new int[n];
        for (int r = 0; r < n; r++) {
            perm[next[cellOfRow[r]]++] = r;
        }
        return new Order(perm, off);
    }

    /**
     * The rows {@code 0..n-1} not set in {@code dead} (deleted, or superseded within a bulk batch), in the order a
     * segment stores them: by cell, stably, when {@code cellOf} is given (a partitioned collection; offsets set),
     * else in row order (offsets null). The one place that decides which rows a flush or bulk load writes and how.
     */
    static Order liveOrder(int n, long[] dead, java.util.function.IntUnaryOperator cellOf, int cells) {
        int live = n - Deletions.cardinality(dead);
        int[] rowOf = new int[live];
        for (int r = 0, i = 0; r < n; r++) {
            if (!Deletions.isSet(dead, r)) {
                rowOf[i++] = r;
            }
        }
        if (cellOf == null) {
            return new Order(rowOf, null);
        }
        int[] cellOfLive = new int[live];
        for (int i = 0; i < live; i++) {
            cellOfLive[i] = cellOf.applyAsInt(rowOf[i]);
        }
        Order o = order(cellOfLive, cells);
        int[] perm = o.perm();
        for (int i = 0; i < live; i++) {
            perm[i] = rowOf[perm[i]];
        }
        return o;
    }

    /** Writes a segment's cells part (atomically, fsynced) with the segment's tag. */
    static void write(Path dir, int segment, int[] offsets, long coarseFingerprint, long tag) throws IOException {
        int cells = offsets.length - 1;
        StoreFile.writeBlocked(path(dir, segment), MAGIC, 0, cells, offsets[cells], coarseFingerprint, tag, 4L * offsets.length, out -> {
            ByteBuffer b = ByteBuffer.allocate(4 * offsets.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int o : offsets) {
                b.putInt(o);
            }
            out.write(b.array());
        });
    }

    /**
     * Reads and checks a segment's cells part: its blocks, cell count, row count, quantiser fingerprint, that it
     * was written with this segment's codes, and that the offsets rise from 0 to the row count.
     */
    static int[] read(Path dir, int segment, int rows, int cells, long coarseFingerprint) throws IOException {
        Path p = path(dir, segment);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            BlockFile f = BlockFile.open(p, ch, MAGIC, true);
            StoreFile.Header h = f.header();
            if (f.version() != BlockFile.VERSION || h.count() != cells || h.a() != rows || h.bodyLength() != 4L * (cells + 1)) {
                throw new CorruptCollectionException(p, "holds " + h.count() + " cells over " + h.a() + " rows; the collection expects "
                        + cells + " cells over " + rows + " rows");
            }
            if (h.b() != coarseFingerprint) {
                throw new CorruptCollectionException(p, "cells were assigned by a different coarse quantiser than the collection's");
            }
            ByteBuffer body = ByteBuffer.allocate(4 * (cells + 1)).order(ByteOrder.LITTLE_ENDIAN);
            f.read(body, 0);
            int[] off = new int[cells + 1];
            body.flip();
            body.asIntBuffer().get(off);
            if (off[0] != 0 || off[cells] != rows) {
                throw new CorruptCollectionException(p, "cell offsets run from " + off[0] + " to " + off[cells] + ", not 0 to " + rows);
            }
            for (int c = 0; c < cells; c++) {
                if (off[c + 1] < off[c]) {
                    throw new CorruptCollectionException(p, "cell offsets fall at cell " + c + " (block " + (4L * c / BlockFile.BLOCK) + ")");
                }
            }
            Path cp = SegmentFiles.codes(dir, segment);
            try (FileChannel cc = FileChannel.open(cp, StandardOpenOption.READ)) {
                BlockFile.checkSameSegment(segment, BlockFile.open(cp, cc, SegmentFiles.CODES_MAGIC, false), f);
            }
            return off;
        } catch (NoSuchFileException e) {
            throw new CorruptCollectionException(p, "file is missing (the collection is partitioned, so every segment has one)");
        }
    }

    /** Whether the folder holds a coarse quantiser file. */
    static boolean hasQuantizer(Path dir) { return Files.exists(dir.resolve(QUANTIZER)); }
}
