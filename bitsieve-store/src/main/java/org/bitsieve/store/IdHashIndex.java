package org.bitsieve.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntPredicate;
import java.util.function.ToLongFunction;

/**
 * A segment's id index: its (hash, row) pairs sorted by hash, so a lookup is a binary search instead of an entry in
 * an on-heap map (12 bytes a document on disk, nothing per document on the heap). A hash only nominates rows; the
 * caller confirms each against the ids file, so a collision can cost a read but never give a wrong answer.
 *
 * <p>File {@code seg-N.idh} ({@link BlockFile} framing, version 2; docs/formats.md): flags = entries per block
 * ({@link #PER_BLOCK}), count = documents, a = hash kind (1: xxHash64, seed 0, of the id's UTF-8 bytes). The body
 * is one 4 KiB block per {@link #PER_BLOCK} entries, each entry u64 hash + u32 row, ascending by hash as signed
 * 64-bit integers and then by row; a full block ends in 4 zero bytes so no entry spans two blocks (the last block
 * holds only its entries). The file is memory-mapped; a block is checked against its CRC the first time a lookup
 * touches it and remembered in a bitset (one bit per 341 documents).
 *
 * <p>Segments written before this part existed have no such file: their table is built in memory when they open
 * (the same 12 bytes a document, on the heap), and a compaction writes the file.
 */
final class IdHashIndex {
    static final byte[] MAGIC = StoreFile.magic("BSSIDHSH");
    static final int ENTRY = 12;
    static final int PER_BLOCK = BlockFile.BLOCK / ENTRY; // 341
    static final int HASH_XXH64 = 1;

    /** Test hook: a hash that collides on purpose. Null in production. */
    static volatile ToLongFunction<String> testHash;

    private final Path path;
    private final int count;
    // either mapped ...
    private final MappedByteBuffer map;
    private final BlockFile file;
    private final AtomicLongArray verified;
    // ... or in memory (old segments)
    private final long[] hashes;
    private final int[] rows;

    private IdHashIndex(Path path, int count, MappedByteBuffer map, BlockFile file, long[] hashes, int[] rows) {
        this.path = path;
        this.count = count;
        this.map = map;
        this.file = file;
        this.verified = map == null ? null : new AtomicLongArray((int) ((BlockFile.blocks(bodyLength(count), BlockFile.BLOCK) + 63) >>> 6));
        this.hashes = hashes;
        this.rows = rows;
    }

    static long hash(String id) {
        ToLongFunction<String> t = testHash;
        return t != null ? t.applyAsLong(id) : XxHash64.hash(id.getBytes(StandardCharsets.UTF_8));
    }

    static long bodyLength(long n) {
        long full = n / PER_BLOCK;
        return full * BlockFile.BLOCK + (n - full * PER_BLOCK) * ENTRY;
    }

    private static long offset(int i) {
        return (long) (i / PER_BLOCK) * BlockFile.BLOCK + (long) (i % PER_BLOCK) * ENTRY;
    }

    /** Writes the index of {@code src} in its row order (row i of the new segment is {@code src}'s i-th row). */
    static void write(Path path, SegmentWriter.Rows src, long tag) throws IOException {
        int n = src.count();
        long[] h = new long[n];
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            h[i] = hash(src.parts()[i].id(src.rows()[i]));
            r[i] = i;
        }
        sort(h, r, 0, n - 1);
        StoreFile.writeBlocked(path, MAGIC, PER_BLOCK, n, HASH_XXH64, 0, tag, bodyLength(n), out -> {
            ByteBuffer b = ByteBuffer.allocate(BlockFile.BLOCK).order(ByteOrder.LITTLE_ENDIAN);
            for (int from = 0; from < n; from += PER_BLOCK) {
                b.clear();
                int to = Math.min(n, from + PER_BLOCK);
                for (int i = from; i < to; i++) {
                    b.putLong(h[i]).putInt(r[i]);
                }
                if (to - from == PER_BLOCK) {
                    b.putInt(0);
                }
                out.write(b.array(), 0, b.position());
            }
        });
    }

    /**
     * Opens a segment's index file: header, length and block table are checked here, each block on first use.
     * The caller keeps {@code ch} open for the mapping's sake only until this returns (a mapping outlives its channel).
     */
    static IdHashIndex open(Path path, FileChannel ch, int expected) throws IOException {
        BlockFile f = BlockFile.open(path, ch, MAGIC, false);
        StoreFile.Header h = f.header();
        if (f.version() != BlockFile.VERSION || h.count() != expected || h.flags() != PER_BLOCK || h.a() != HASH_XXH64
                || h.bodyLength() != bodyLength(expected)) {
            throw new CorruptCollectionException(path, "header at byte 0: holds " + h.count() + " entries (hash kind " + h.a()
                    + ", " + h.flags() + " a block); the manifest expects " + expected + " xxHash64 entries");
        }
        if (h.bodyLength() > Integer.MAX_VALUE - StoreFile.HEADER) {
            throw new CorruptCollectionException(path, "too large to map (" + h.bodyLength() + " bytes); segments hold at most 16M rows");
        }
        MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, StoreFile.HEADER, h.bodyLength());
        m.order(ByteOrder.LITTLE_ENDIAN);
        return new IdHashIndex(path, expected, m, f, null, null);
    }

    /** Builds the table in memory from a segment's ids (segments written before the index file existed). */
    static IdHashIndex build(Path idsPath, String[] ids) {
        int n = ids.length;
        long[] h = new long[n];
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            h[i] = hash(ids[i]);
            r[i] = i;
        }
        sort(h, r, 0, n - 1);
        return new IdHashIndex(idsPath, n, null, null, h, r);
    }

    BlockFile file() { return file; }

    boolean inMemory() { return map == null; }

    /**
     * The first row whose hash equals {@code hash} and that {@code confirm} accepts (the caller compares the id and
     * skips deleted rows), or -1.
     */
    int find(long hash, IntPredicate confirm) {
        int lo = 0;
        int hi = count; // first index with hashAt >= hash
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (hashAt(mid) < hash) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = lo; i < count && hashAt(i) == hash; i++) {
            int row = rowAt(i);
            if (row < 0 || row >= count) {
                throw new java.io.UncheckedIOException(new CorruptCollectionException(path, "entry " + i + " names row " + row
                        + " of a segment of " + count + " rows"));
            }
            if (confirm.test(row)) {
                return row;
            }
        }
        return -1;
    }

    int count() { return count; }

    /**
     * For ids looked up many at a time ({@code hashes} ascending, as signed longs): calls {@code confirm} with (position in
     * {@code hashes}, row) for every entry whose hash equals one of them, walking the table once in order beside them
     * instead of one binary search per id. A confirm that answers true ends that position's candidates.
     */
    void forEachMatch(long[] hashes, MatchConfirm confirm) {
        int i = 0;
        for (int k = 0; k < hashes.length; k++) {
            long h = hashes[k];
            while (i < count && hashAt(i) < h) {
                i++;
            }
            for (int j = i; j < count && hashAt(j) == h; j++) {
                int row = rowAt(j);
                if (row < 0 || row >= count) {
                    throw new java.io.UncheckedIOException(new CorruptCollectionException(path, "entry " + j + " names row " + row
                            + " of a segment of " + count + " rows"));
                }
                if (confirm.test(k, row)) {
                    break;
                }
            }
        }
    }

    /** See {@link #forEachMatch}. */
    @FunctionalInterface
    interface MatchConfirm {
        boolean test(int position, int row);
    }

    private long hashAt(int i) {
        if (map == null) {
            return hashes[i];
        }
        long o = offset(i);
        check((int) (o / BlockFile.BLOCK));
        return map.getLong((int) o);
    }

    private int rowAt(int i) {
        if (map == null) {
            return rows[i];
        }
        long o = offset(i);
        check((int) (o / BlockFile.BLOCK));
        return map.getInt((int) o + 8);
    }

    private void check(int block) {
        long bit = 1L << block;
        if ((verified.get(block >>> 6) & bit) != 0) {
            return;
        }
        int from = block * BlockFile.BLOCK;
        int to = (int) Math.min(map.capacity(), (long) from + BlockFile.BLOCK);
        if (!file.blockMatches(block, map.slice(from, to - from))) {
            throw new java.io.UncheckedIOException(new CorruptCollectionException(path, "block " + block + " (bytes "
                    + (StoreFile.HEADER + from) + ".." + (StoreFile.HEADER + to) + ") failed its checksum: the id index was damaged;"
                    + " run `bitsieve repair`"));
        }
        verified.getAndAccumulate(block >>> 6, bit, (a, b) -> a | b);
    }

    /** Sorts (h, r) pairs by hash, then row (quicksort; hashes are uniform, so the middle pivot is fine). */
    static void sort(long[] h, int[] r, int lo, int hi) {
        while (hi - lo > 16) {
            int mid = (lo + hi) >>> 1;
            long ph = h[mid];
            int pr = r[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (less(h[i], r[i], ph, pr)) {
                    i++;
                }
                while (less(ph, pr, h[j], r[j])) {
                    j--;
                }
                if (i <= j) {
                    swap(h, r, i++, j--);
                }
            }
            if (j - lo < hi - i) {
                sort(h, r, lo, j);
                lo = i;
            } else {
                sort(h, r, i, hi);
                hi = j;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            for (int j = i; j > lo && less(h[j], r[j], h[j - 1], r[j - 1]); j--) {
                swap(h, r, j, j - 1);
            }
        }
    }

    private static boolean less(long h1, int r1, long h2, int r2) {
        return h1 < h2 || h1 == h2 && r1 < r2;
    }

    private static void swap(long[] h, int[] r, int i, int j) {
        long t = h[i];
        h[i] = h[j];
        h[j] = t;
        int u = r[i];
        r[i] = r[j];
        r[j] = u;
    }
}
