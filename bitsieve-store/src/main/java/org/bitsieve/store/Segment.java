package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.Half;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An immutable segment on disk. Codes are loaded when it opens and verified in the same pass (the scan needs them,
 * see {@link Part} for why codes are on the heap). Nothing else is held per document: ids ({@link IdsFile.Lazy}),
 * payloads and vectors are read on demand with positional reads (thread-safe, no 2 GB limit), each read checking
 * the CRCs of the blocks it spans, and the id index ({@link IdHashIndex}) is a memory-mapped sorted hash table.
 * Opening reads headers and block tables only, so open time and heap do not grow with the payload size.
 */
final class Segment extends Part implements AutoCloseable {
    private final Path dir;
    private final int count;
    private final long[] codes;
    private final IdsFile.Lazy ids;
    /** Ids handed in by a repair (null entries where the ids file is damaged); null otherwise. */
    private final String[] knownIds;
    private final IdHashIndex index;
    private final BlockFile payloads;
    private final BlockFile vectors;
    private final int dim;
    private final int vectorBytes;
    private volatile float[] invNorms;

    private Segment(Path dir, int number, int stride, int count, long[] codes, IdsFile.Lazy ids, String[] knownIds, IdHashIndex index,
                    BlockFile payloads, BlockFile vectors, int dim, int vectorBytes) {
        super(number, stride);
        this.dir = dir;
        this.count = count;
        this.codes = codes;
        this.ids = ids;
        this.knownIds = knownIds;
        this.index = index;
        this.payloads = payloads;
        this.vectors = vectors;
        this.dim = dim;
        this.vectorBytes = vectorBytes;
    }

    /**
     * Opens segment {@code number}. With {@code verify}, the codes' checksums are checked as they load (every other
     * part checks its header and block table here and its blocks when they are read); a segment this process has
     * just written and fsynced is opened without re-reading its codes ({@code knownCodes}). {@code knownIds} is for
     * a repair only: ids to serve instead of the (damaged) ids file; such a segment has no id index.
     */
    static Segment open(Path dir, int number, int expectedCount, int bits, long fingerprint, int dim, FloatFormat floats,
                        boolean verify, long[] knownCodes, String[] knownIds) throws IOException {
        int stride = PackedCodesStride.of(bits);
        Path cp = SegmentFiles.codes(dir, number);
        FileChannel ic = null;
        FileChannel pc = null;
        FileChannel vc = null;
        try (FileChannel cc = FileChannel.open(cp, StandardOpenOption.READ)) {
            BlockFile cf = BlockFile.open(cp, cc, SegmentFiles.CODES_MAGIC, false); // the body is checked as it loads
            StoreFile.Header h = cf.header();
            if (h.count() != expectedCount || h.a() != bits || h.flags() != stride || h.bodyLength() != (long) expectedCount * stride) {
                throw new CorruptCollectionException(cp, "holds " + h.count() + " codes of " + h.a() + " bits; the manifest expects "
                        + expectedCount + " of " + bits);
            }
            if (h.b() != fingerprint) {
                throw new CorruptCollectionException(cp, "codes were made by a different encoder than the collection's");
            }
            long[] codes = knownCodes != null && !verify ? knownCodes : readCodes(cf, h.bodyLength(), verify);
            IdsFile.Lazy ids = null;
            BlockFile idf = null;
            IdHashIndex index = null;
            BlockFile hf = null;
            if (knownIds == null) {
                Path ip = SegmentFiles.ids(dir, number);
                ic = FileChannel.open(ip, StandardOpenOption.READ);
                ids = IdsFile.Lazy.open(ip, ic, expectedCount);
                idf = ids.file();
                Path hp = SegmentFiles.idHashes(dir, number);
                if (java.nio.file.Files.exists(hp)) {
                    try (FileChannel hc = FileChannel.open(hp, StandardOpenOption.READ)) {
                        index = IdHashIndex.open(hp, hc, expectedCount); // the mapping outlives the channel
                        hf = index.file();
                    }
                } else {
                    // written before the index part existed: build its table in memory (a compaction writes the file)
                    String[] all = new String[expectedCount];
                    for (int r = 0; r < expectedCount; r++) {
                        all[r] = ids.id(r);
                    }
                    index = IdHashIndex.build(ip, all);
                }
            }
            Path pp = SegmentFiles.payloads(dir, number);
            pc = FileChannel.open(pp, StandardOpenOption.READ);
            BlockFile pf = BlockFile.open(pp, pc, SegmentFiles.PAYLOADS_MAGIC, verify);
            StoreFile.Header ph = pf.header();
            if (ph.count() != expectedCount) {
                throw new CorruptCollectionException(pp, "holds " + ph.count() + " payloads, expected " + expectedCount);
            }
            if (ph.bodyLength() < 16L * (expectedCount + 1)) {
                throw new CorruptCollectionException(pp, "body of " + ph.bodyLength() + " bytes cannot hold the offsets of " + expectedCount + " payloads");
            }
            int vbytes = 0;
            BlockFile vf = null;
            if (floats != FloatFormat.NONE) {
                Path vp = SegmentFiles.vectors(dir, number);
                vc = FileChannel.open(vp, StandardOpenOption.READ);
                vf = BlockFile.open(vp, vc, SegmentFiles.VECTORS_MAGIC, verify);
                StoreFile.Header vh = vf.header();
                if (vh.count() != expectedCount || vh.a() != dim || vh.flags() != floats.bytes()) {
                    throw new CorruptCollectionException(vp, "holds " + vh.count() + " vectors of dimension " + vh.a()
                            + ", expected " + expectedCount + " of " + dim);
                }
                if (vh.bodyLength() != (long) expectedCount * dim * floats.bytes()) {
                    throw new CorruptCollectionException(vp, "body length " + vh.bodyLength() + " does not hold " + expectedCount + " vectors");
                }
                vbytes = floats.bytes();
            }
            BlockFile.checkSameSegment(number, cf, idf, hf, pf, vf);
            return new Segment(dir, number, stride, expectedCount, codes, ids, knownIds, index, pf, vf, dim, vbytes);
        } catch (java.nio.file.NoSuchFileException e) {
            closeQuietly(ic);
            closeQuietly(pc);
            closeQuietly(vc);
            throw new CorruptCollectionException(Path.of(e.getFile()), "file is missing (the manifest names it)");
        } catch (IOException | RuntimeException e) {
            closeQuietly(ic);
            closeQuietly(pc);
            closeQuietly(vc);
            throw e;
        }
    }

    /**
     * The row holding {@code id} that {@code live} accepts, or -1: a binary search of the hash table, each candidate
     * confirmed against the ids file (a hash collision costs a read, never a wrong row).
     */
    int find(String id, java.util.function.IntPredicate live) {
        if (index == null) {
            throw new IllegalStateException("segment " + number + " was opened for a repair and has no id index");
        }
        return index.find(IdHashIndex.hash(id), row -> live.test(row) && id.equals(id(row)));
    }

    /**
     * The live row of each of many ids at once ({@code hashes} ascending, {@code idsInOrder} the ids in that order):
     * fills {@code rows[k]} for every position still -1 whose id has a row here that {@code live} accepts. When the ids
     * are many against the segment's rows, its id index is walked once beside them; else each is searched on its own.
     */
    void findAll(long[] hashes, String[] idsInOrder, int[] rows, java.util.function.IntPredicate live) {
        if (index == null) {
            throw new IllegalStateException("segment " + number + " was opened for a repair and has no id index");
        }
        int pending = 0;
        for (int r : rows) {
            pending += r < 0 ? 1 : 0;
        }
        // a binary search reads ~log2(rows) entries at random; a walk reads every entry once, in order
        if ((long) pending * (64 - Long.numberOfLeadingZeros(Math.max(1, count))) < count) {
            for (int k = 0; k < hashes.length; k++) {
                if (rows[k] < 0) {
                    String id = idsInOrder[k];
                    rows[k] = index.find(hashes[k], row -> live.test(row) && id.equals(id(row)));
                }
            }
            return;
        }
        index.forEachMatch(hashes, (k, row) -> {
            if (rows[k] >= 0) {
                return true;
            }
            if (live.test(row) && idsInOrder[k].equals(id(row))) {
                rows[k] = row;
                return true;
            }
            return false;
        });
    }

    /** Whether the id index was built in memory at open (the segment predates the index file). */
    boolean indexInMemory() { return index != null && index.inMemory(); }

    /**
     * Loads the codes, checking them in the same pass: the body checksum (version 1) or each block's (version 2,
     * naming the first damaged block).
     */
    private static long[] readCodes(BlockFile f, long bodyLength, boolean verify) throws IOException {
        Path path = f.path();
        if (bodyLength / 8 > Integer.MAX_VALUE - 16) {
            throw new CorruptCollectionException(path, "segment too large to load");
        }
        long[] out = new long[(int) (bodyLength / 8)];
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        // a whole number of blocks per read, so version-2 blocks are checked without crossing reads
        ByteBuffer buf = ByteBuffer.allocate(256 * BlockFile.BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        long pos = 0;
        while (pos < bodyLength) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), bodyLength - pos));
            StoreFile.readFully(f.channel(), buf, StoreFile.HEADER + pos, path);
            buf.flip();
            buf.asLongBuffer().get(out, (int) (pos / 8), buf.remaining() / 8);
            if (verify && f.version() == 1) {
                crc.update(buf.array(), 0, buf.limit());
            } else if (verify) {
                for (int at = 0; at < buf.limit(); at += BlockFile.BLOCK) {
                    long block = (pos + at) / BlockFile.BLOCK;
                    if (!f.blockMatches(block, buf.array(), at, Math.min(BlockFile.BLOCK, buf.limit() - at))) {
                        throw new CorruptCollectionException(path, "block " + block + " (bytes " + (StoreFile.HEADER + pos + at)
                                + "..) failed its checksum");
                    }
                }
            }
            pos += buf.limit();
        }
        if (verify && f.version() == 1) {
            ByteBuffer t = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            StoreFile.readFully(f.channel(), t, StoreFile.HEADER + bodyLength, path);
            if ((int) crc.getValue() != t.getInt(0)) {
                throw new CorruptCollectionException(path, "body checksum mismatch: the file is corrupt");
            }
        }
        return out;
    }

    static String[] readIds(Path path, int expected) throws IOException {
        return IdsFile.read(path, expected, false).ids();
    }

    int count() { return count; }

    @Override
    long[] words() { return codes; }

    @Override
    String id(int row) { return knownIds != null ? knownIds[row] : ids.id(row); }

    @Override
    byte[] textBytes(int row) { return payload(row, 0); }

    @Override
    byte[] metaBytes(int row) {
        byte[] b = payload(row, (long) (count + 1) * 8);
        return b.length == 0 ? null : b;
    }

    private byte[] payload(int row, long table) {
        try {
            ByteBuffer two = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            payloads.read(two, table + 8L * row);
            long from = two.getLong(0);
            long to = two.getLong(8);
            if (to < from || to - from > Integer.MAX_VALUE - 16) {
                throw new CorruptCollectionException(path(), "payload offsets of row " + row + " are corrupt (" + from + ".." + to + ")");
            }
            ByteBuffer b = ByteBuffer.allocate((int) (to - from));
            payloads.read(b, from);
            return b.array();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One sequential read of the offsets table and the metadata region instead of two reads per row. */
    @Override
    byte[][] metadataRows(int rows) {
        try {
            long table = (long) (count + 1) * 8;
            ByteBuffer offs = ByteBuffer.allocate((int) ((count + 1) * 8L)).order(ByteOrder.LITTLE_ENDIAN);
            payloads.read(offs, table);
            long start = offs.getLong(0);
            long end = offs.getLong(count * 8);
            if (end < start) {
                throw new CorruptCollectionException(path(), "metadata offsets are corrupt (" + start + ".." + end + ")");
            }
            if (end - start > Integer.MAX_VALUE - 16) {
                return super.metadataRows(rows);
            }
            ByteBuffer all = ByteBuffer.allocate((int) (end - start));
            payloads.read(all, start);
            byte[][] out = new byte[rows][];
            for (int r = 0; r < rows; r++) {
                long a = offs.getLong(r * 8) - start;
                long b = offs.getLong(r * 8 + 8) - start;
                if (a < 0 || b < a || b > all.capacity()) {
                    throw new CorruptCollectionException(path(), "metadata offsets of row " + r + " are corrupt");
                }
                out[r] = java.util.Arrays.copyOfRange(all.array(), (int) a, (int) b);
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path path() { return SegmentFiles.payloads(dir, number); }

    @Override
    boolean hasVectors() { return vectors != null; }

    @Override
    void vector(int row, float[] out) {
        ByteBuffer b = ByteBuffer.allocate(dim * vectorBytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            vectors.read(b, (long) row * dim * vectorBytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (int j = 0; j < dim; j++) {
            out[j] = vectorBytes == 2 ? Half.toFloat(b.getShort(2 * j)) : b.getFloat(4 * j);
        }
    }

    @Override
    float[] inverseNorms(Encoder encoder, int rows) {
        float[] n = invNorms;
        if (n == null) {
            synchronized (this) {
                n = invNorms;
                if (n == null) {
                    n = computeInverseNorms(encoder, codes, stride, count);
                    invNorms = n;
                }
            }
        }
        return n;
    }

    /** Hands over norms the memtable already computed, so a flush does not recompute them. */
    void setInverseNorms(float[] n) {
        if (n != null) {
            invNorms = java.util.Arrays.copyOf(n, count);
        }
    }

    /**
     * Re-reads every block of this segment's files on disk (the lazily read payloads and vectors through the open
     * handles; codes and ids, which were checked when they loaded, from their files) and describes each damaged one.
     */
    List<String> scrub() {
        List<String> out = new ArrayList<>();
        for (BlockFile f : new BlockFile[] {payloads, vectors}) {
            if (f != null) {
                scrub(f, out);
            }
        }
        for (Path p : List.of(SegmentFiles.codes(dir, number), SegmentFiles.ids(dir, number), SegmentFiles.idHashes(dir, number))) {
            String n = p.toString();
            byte[] magic = n.endsWith(".codes") ? SegmentFiles.CODES_MAGIC : n.endsWith(".ids") ? SegmentFiles.IDS_MAGIC : IdHashIndex.MAGIC;
            if (n.endsWith(".idh") && (index == null || index.inMemory())) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                scrub(BlockFile.open(p, ch, magic, false), out);
            } catch (IOException e) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    private static void scrub(BlockFile f, List<String> out) {
        try {
            for (long b : f.badBlocks()) {
                out.add(f.path() + ": " + (b < 0 ? "body checksum mismatch" : "block " + b + " (bytes " + (StoreFile.HEADER + f.blockStart(b))
                        + "..) failed its checksum"));
            }
        } catch (IOException e) {
            out.add(e.getMessage());
        }
    }

    @Override
    public void close() {
        closeQuietly(ids == null ? null : ids.file().channel());
        closeQuietly(payloads == null ? null : payloads.channel());
        closeQuietly(vectors == null ? null : vectors.channel());
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing a read-only channel cannot lose data
            }
        }
    }
}
