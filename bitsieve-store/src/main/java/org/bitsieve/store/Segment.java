package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.Half;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.InflaterInputStream;

/**
 * An immutable segment on disk. Codes and ids are loaded when it opens (the scan and the id index need them,
 * see {@link Part} for why codes are on the heap); payloads and vectors stay on disk and are read on demand
 * with positional reads, which are thread-safe and have no 2 GB limit. Every file is verified when the segment
 * opens (the codes in the same pass that loads them).
 */
final class Segment extends Part implements AutoCloseable {
    private final Path dir;
    private final int count;
    private final long[] codes;
    private final String[] ids;
    private final FileChannel payloads;
    private final FileChannel vectors;
    private final int dim;
    private final int vectorBytes;
    private volatile float[] invNorms;

    private Segment(Path dir, int number, int stride, int count, long[] codes, String[] ids, FileChannel payloads,
                    FileChannel vectors, int dim, int vectorBytes) {
        super(number, stride);
        this.dir = dir;
        this.count = count;
        this.codes = codes;
        this.ids = ids;
        this.payloads = payloads;
        this.vectors = vectors;
        this.dim = dim;
        this.vectorBytes = vectorBytes;
    }

    /**
     * Opens segment {@code number}. With {@code verify}, every file's checksums are checked; a segment this
     * process has just written and fsynced is opened without re-reading it ({@code knownCodes}: its codes, when
     * the caller still has them in memory, and likewise {@code knownIds}).
     */
    static Segment open(Path dir, int number, int expectedCount, int bits, long fingerprint, int dim, FloatFormat floats,
                        boolean verify, long[] knownCodes, String[] knownIds) throws IOException {
        int stride = PackedCodesStride.of(bits);
        Path cp = SegmentFiles.codes(dir, number);
        FileChannel pc = null;
        FileChannel vc = null;
        try (FileChannel cc = FileChannel.open(cp, StandardOpenOption.READ)) {
            StoreFile.Header h = header(cp, cc, SegmentFiles.CODES_MAGIC);
            if (h.count() != expectedCount || h.a() != bits || h.flags() != stride || h.bodyLength() != (long) expectedCount * stride) {
                throw new CorruptCollectionException(cp, "holds " + h.count() + " codes of " + h.a() + " bits; the manifest expects "
                        + expectedCount + " of " + bits);
            }
            if (h.b() != fingerprint) {
                throw new CorruptCollectionException(cp, "codes were made by a different encoder than the collection's");
            }
            long[] codes = knownCodes != null && !verify ? knownCodes : readCodes(cp, cc, h.bodyLength(), verify);
            String[] ids = knownIds != null && !verify ? knownIds : readIds(SegmentFiles.ids(dir, number), expectedCount);
            Path pp = SegmentFiles.payloads(dir, number);
            pc = FileChannel.open(pp, StandardOpenOption.READ);
            StoreFile.Header ph = verify ? StoreFile.verify(pp, pc, SegmentFiles.PAYLOADS_MAGIC) : header(pp, pc, SegmentFiles.PAYLOADS_MAGIC);
            if (ph.count() != expectedCount) {
                throw new CorruptCollectionException(pp, "holds " + ph.count() + " payloads, expected " + expectedCount);
            }
            int vbytes = 0;
            if (floats != FloatFormat.NONE) {
                Path vp = SegmentFiles.vectors(dir, number);
                vc = FileChannel.open(vp, StandardOpenOption.READ);
                StoreFile.Header vh = verify ? StoreFile.verify(vp, vc, SegmentFiles.VECTORS_MAGIC) : header(vp, vc, SegmentFiles.VECTORS_MAGIC);
                if (vh.count() != expectedCount || vh.a() != dim || vh.flags() != floats.bytes()) {
                    throw new CorruptCollectionException(vp, "holds " + vh.count() + " vectors of dimension " + vh.a()
                            + ", expected " + expectedCount + " of " + dim);
                }
                vbytes = floats.bytes();
            }
            return new Segment(dir, number, stride, expectedCount, codes, ids, pc, vc, dim, vbytes);
        } catch (java.nio.file.NoSuchFileException e) {
            closeQuietly(pc);
            closeQuietly(vc);
            throw new CorruptCollectionException(Path.of(e.getFile()), "file is missing (the manifest names it)");
        } catch (IOException | RuntimeException e) {
            closeQuietly(pc);
            closeQuietly(vc);
            throw e;
        }
    }

    /** Loads the codes, checking the body checksum in the same pass. */
    private static long[] readCodes(Path path, FileChannel ch, long bodyLength, boolean verify) throws IOException {
        if (bodyLength / 8 > Integer.MAX_VALUE - 16) {
            throw new CorruptCollectionException(path, "segment too large to load");
        }
        long[] out = new long[(int) (bodyLength / 8)];
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long pos = 0;
        while (pos < bodyLength) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), bodyLength - pos));
            StoreFile.readFully(ch, buf, StoreFile.HEADER + pos, path);
            buf.flip();
            buf.asLongBuffer().get(out, (int) (pos / 8), buf.remaining() / 8);
            if (verify) {
                crc.update(buf);
            }
            pos += buf.limit();
        }
        if (verify) {
            ByteBuffer t = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            StoreFile.readFully(ch, t, StoreFile.HEADER + bodyLength, path);
            if ((int) crc.getValue() != t.getInt(0)) {
                throw new CorruptCollectionException(path, "body checksum mismatch: the file is corrupt");
            }
        }
        return out;
    }

    /** Header checks only (magic, version, header checksum, length), for files this process just wrote. */
    private static StoreFile.Header header(Path path, FileChannel ch, byte[] magic) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(StoreFile.HEADER).order(ByteOrder.LITTLE_ENDIAN);
        StoreFile.readFully(ch, h, 0, path);
        byte[] expect = StoreFile.header(magic, h.getInt(12), h.getLong(16), h.getLong(24), h.getLong(32), h.getLong(40));
        if (!java.util.Arrays.equals(expect, h.array()) || ch.size() != StoreFile.HEADER + h.getLong(40) + 4) {
            throw new CorruptCollectionException(path, "bad header");
        }
        return new StoreFile.Header(path, h.getInt(12), h.getLong(16), h.getLong(24), h.getLong(32), h.getLong(40));
    }

    private static String[] readIds(Path path, int expected) throws IOException {
        byte[] body = StoreFile.readBody(path, SegmentFiles.IDS_MAGIC);
        String[] ids = new String[expected];
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(body), new java.util.zip.Inflater(), 1 << 16))) {
            for (int i = 0; i < expected; i++) {
                byte[] b = new byte[in.readUnsignedShort()];
                in.readFully(b);
                ids[i] = new String(b, StandardCharsets.UTF_8);
            }
            if (in.read() != -1) {
                throw new CorruptCollectionException(path, "holds more ids than the manifest expects (" + expected + ")");
            }
        } catch (java.io.EOFException | java.util.zip.ZipException e) {
            throw new CorruptCollectionException(path, "ids are truncated or malformed");
        }
        return ids;
    }

    int count() { return count; }

    @Override
    long[] words() { return codes; }

    @Override
    String id(int row) { return ids[row]; }

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
            StoreFile.readFully(payloads, two, StoreFile.HEADER + table + 8L * row, path());
            long from = two.getLong(0);
            long to = two.getLong(8);
            ByteBuffer b = ByteBuffer.allocate((int) (to - from));
            StoreFile.readFully(payloads, b, StoreFile.HEADER + from, path());
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
            StoreFile.readFully(payloads, offs, StoreFile.HEADER + table, path());
            long start = offs.getLong(0);
            long end = offs.getLong(count * 8);
            if (end - start > Integer.MAX_VALUE - 16) {
                return super.metadataRows(rows);
            }
            ByteBuffer all = ByteBuffer.allocate((int) (end - start));
            StoreFile.readFully(payloads, all, StoreFile.HEADER + start, path());
            byte[][] out = new byte[rows][];
            for (int r = 0; r < rows; r++) {
                int a = (int) (offs.getLong(r * 8) - start);
                int b = (int) (offs.getLong(r * 8 + 8) - start);
                out[r] = java.util.Arrays.copyOfRange(all.array(), a, b);
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
            StoreFile.readFully(vectors, b, StoreFile.HEADER + (long) row * dim * vectorBytes, SegmentFiles.vectors(dir, number));
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

    @Override
    public void close() {
        closeQuietly(payloads);
        closeQuietly(vectors);
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
