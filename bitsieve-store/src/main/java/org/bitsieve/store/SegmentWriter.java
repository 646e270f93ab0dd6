package org.bitsieve.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Writes the files of one immutable segment from rows of existing parts (a memtable on flush, live rows of
 * several segments on compaction). Each file is written atomically and fsynced; the segment becomes part of
 * the collection only when a manifest naming it replaces the old one.
 */
final class SegmentWriter {
    /** Rows to write: row {@code rows[i]} of {@code parts[i]}. */
    record Rows(Part[] parts, int[] rows) {
        int count() { return rows.length; }
    }

    private SegmentWriter() {}

    static void write(Path dir, int number, Rows src, int bits, long encoderFingerprint, int dim, FloatFormat floats)
            throws IOException {
        write(dir, number, src, bits, encoderFingerprint, dim, floats, null, 0L);
    }

    /**
     * With {@code cellOffsets} (rows already sorted by coarse cell), also writes the segment's cells part
     * ({@link Cells}), last: a crash before the manifest names the segment leaves only unreferenced files.
     */
    static void write(Path dir, int number, Rows src, int bits, long encoderFingerprint, int dim, FloatFormat floats,
                      int[] cellOffsets, long coarseFingerprint) throws IOException {
        int stride = PackedCodesStride.of(bits);
        // the segment's number and a nonce go into every block-checksummed part, so a part of another segment
        // (or another collection) put in its place is refused even when its own checksums are fine
        long tag = ((long) number << 32) | (new java.security.SecureRandom().nextInt() & 0xFFFFFFFFL);
        writeCodes(SegmentFiles.codes(dir, number), src, bits, stride, encoderFingerprint, tag);
        IdsFile.write(SegmentFiles.ids(dir, number), src, tag);
        IdHashIndex.write(SegmentFiles.idHashes(dir, number), src, tag);
        writePayloads(SegmentFiles.payloads(dir, number), src, tag);
        if (floats != FloatFormat.NONE) {
            writeVectors(SegmentFiles.vectors(dir, number), src, dim, floats, tag);
        }
        if (cellOffsets != null) {
            Cells.write(dir, number, cellOffsets, coarseFingerprint, tag);
        }
    }

    static void writeCodes(Path path, Rows src, int bits, int stride, long fp, long tag) throws IOException {
        int n = src.count();
        StoreFile.writeBlocked(path, SegmentFiles.CODES_MAGIC, stride, n, bits, fp, tag, (long) n * stride, out -> {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            int words = stride / 8;
            for (int i = 0; i < n; i++) {
                long[] a = src.parts()[i].words();
                int o = src.rows()[i] * words;
                if (buf.remaining() < stride) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                for (int w = 0; w < words; w++) {
                    buf.putLong(a[o + w]);
                }
            }
            out.write(buf.array(), 0, buf.position());
        });
    }

    static void writePayloads(Path path, Rows src, long tag) throws IOException {
        int n = src.count();
        long[] textLen = new long[n];
        long[] metaLen = new long[n];
        long texts = 0;
        long metas = 0;
        for (int i = 0; i < n; i++) {
            byte[] t = src.parts()[i].textBytes(src.rows()[i]);
            byte[] m = src.parts()[i].metaBytes(src.rows()[i]);
            textLen[i] = t == null ? 0 : t.length;
            metaLen[i] = m == null ? 0 : m.length;
            texts += textLen[i];
            metas += metaLen[i];
        }
        long tables = 2L * (n + 1) * 8;
        long body = tables + texts + metas;
        long textBase = tables;
        long metaBase = tables + texts;
        StoreFile.writeBlocked(path, SegmentFiles.PAYLOADS_MAGIC, 0, n, texts, metas, tag, body, out -> {
            LongWriter lw = new LongWriter(out);
            long o = textBase;
            for (int i = 0; i < n; i++) {
                lw.put(o);
                o += textLen[i];
            }
            lw.put(o);
            o = metaBase;
            for (int i = 0; i < n; i++) {
                lw.put(o);
                o += metaLen[i];
            }
            lw.put(o);
            lw.flush();
            for (int i = 0; i < n; i++) {
                byte[] t = src.parts()[i].textBytes(src.rows()[i]);
                if (t != null) {
                    out.write(t);
                }
            }
            for (int i = 0; i < n; i++) {
                byte[] m = src.parts()[i].metaBytes(src.rows()[i]);
                if (m != null) {
                    out.write(m);
                }
            }
        });
    }

    private static final java.lang.invoke.VarHandle FLOAT_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    static void writeVectors(Path path, Rows src, int dim, FloatFormat floats, long tag) throws IOException {
        int n = src.count();
        int bpv = floats.bytes();
        int rowBytes = dim * bpv;
        StoreFile.writeBlocked(path, SegmentFiles.VECTORS_MAGIC, bpv, n, dim, 0, tag, (long) n * rowBytes, out -> {
            // rows converted into one 64 KB array and written with one call: per-row buffers and per-value calls cost
            // the writer thread more than the disk does at bulk-load rates (a million f16 rows is 768 MB)
            int perWrite = Math.max(1, (1 << 16) / rowBytes);
            byte[] bytes = new byte[perWrite * rowBytes];
            float[] v = new float[dim];
            for (int i = 0; i < n; ) {
                int k = Math.min(perWrite, n - i);
                for (int r = 0; r < k; r++, i++) {
                    src.parts()[i].vector(src.rows()[i], v);
                    if (bpv == 2) {
                        org.bitsieve.core.io.Half.fromFloats(v, 0, bytes, r * rowBytes, dim);
                    } else {
                        for (int j = 0, o = r * rowBytes; j < dim; j++, o += 4) {
                            FLOAT_LE.set(bytes, o, v[j]);
                        }
                    }
                }
                out.write(bytes, 0, k * rowBytes);
            }
        });
    }

    /** Little-endian longs through a small buffer. */
    static final class LongWriter {
        private final OutputStream out;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 13).order(ByteOrder.LITTLE_ENDIAN);

        LongWriter(OutputStream out) { this.out = out; }

        void put(long v) throws IOException {
            if (buf.remaining() < 8) {
                flush();
            }
            buf.putLong(v);
        }

        void flush() throws IOException {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
    }
}
