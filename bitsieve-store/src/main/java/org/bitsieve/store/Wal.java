package org.bitsieve.store;

import org.bitsieve.core.io.AtomicFiles;
import org.bitsieve.core.io.Half;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The write-ahead log: the batches acknowledged since the last flush. A file starts with the standard 64-byte
 * header (magic {@code BSSWALOG}, a = generation, body length 0) followed by records:
 * <pre>
 *   length  u32  bytes of the payload
 *   crc     u32  CRC-32C of the payload
 *   payload      u64 sequence, u32 op count, ops (see {@link #encode})
 * </pre>
 * Each batch is one record written with one write and made durable with one fsync before the write is
 * acknowledged (group commit per batch). A record cut short by a crash fails its length or checksum and is
 * truncated on open; a bad record followed by a good one is corruption, not a torn tail, and is refused.
 */
final class Wal implements AutoCloseable {
    private static final int MAX_RECORD = 1 << 30;

    private final Path path;
    private final FileChannel ch;
    private long seq;

    private Wal(Path path, FileChannel ch, long seq) {
        this.path = path;
        this.ch = ch;
        this.seq = seq;
    }

    Path path() { return path; }

    /** Creates an empty log (header only), durably, before any manifest names it. */
    static Wal create(Path dir, long generation) throws IOException {
        Path p = dir.resolve(SegmentFiles.wal(generation));
        byte[] h = StoreFile.header(SegmentFiles.WAL_MAGIC, 0, 0, generation, 0, 0);
        AtomicFiles.write(p, out -> out.write(h));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ch.position(ch.size());
        return new Wal(p, ch, 0);
    }

    /** What a log held: the batches of every intact record, in order. */
    record Replay(Wal wal, List<List<Prepared>> batches, long truncatedBytes) {}

    /** Opens an existing log, reads its intact records and truncates a torn tail. */
    static Replay open(Path dir, long generation, int bits, int dim, FloatFormat floats) throws IOException {
        Path p = dir.resolve(SegmentFiles.wal(generation));
        if (!java.nio.file.Files.exists(p)) {
            throw new CorruptCollectionException(p, "write-ahead log is missing (the manifest names it)");
        }
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = ch.size();
            ByteBuffer h = ByteBuffer.allocate(StoreFile.HEADER).order(ByteOrder.LITTLE_ENDIAN);
            if (size < StoreFile.HEADER) {
                throw new CorruptCollectionException(p, "write-ahead log header is truncated");
            }
            StoreFile.readFully(ch, h, 0, p);
            byte[] expect = StoreFile.header(SegmentFiles.WAL_MAGIC, 0, 0, generation, 0, 0);
            if (!java.util.Arrays.equals(expect, h.array())) {
                throw new CorruptCollectionException(p, "bad write-ahead log header (magic, version, generation or checksum)");
            }
            List<List<Prepared>> batches = new ArrayList<>();
            long pos = StoreFile.HEADER;
            long seq = 0;
            while (pos < size) {
                byte[] payload = readRecord(ch, pos, size, p);
                if (payload == null) {
                    // a torn tail is only ever the last record: a good record after a bad one means corruption
                    long next = nextRecordStart(ch, pos, size, p);
                    if (next > 0 && readRecord(ch, next, size, p) != null) {
                        throw new CorruptCollectionException(p, "record at byte " + pos + " is corrupt but later records are intact");
                    }
                    break;
                }
                ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
                seq = b.getLong();
                batches.add(decode(b, bits, dim, floats, p));
                pos += 8 + payload.length;
            }
            long truncated = size - pos;
            if (truncated > 0) {
                ch.truncate(pos);
                ch.force(true);
            }
            ch.position(pos);
            return new Replay(new Wal(p, ch, seq), batches, truncated);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static byte[] readRecord(FileChannel ch, long pos, long size, Path p) throws IOException {
        if (size - pos < 8) {
            return null;
        }
        ByteBuffer lc = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        StoreFile.readFully(ch, lc, pos, p);
        int len = lc.getInt(0);
        if (len <= 0 || len > MAX_RECORD || size - pos - 8 < len) {
            return null;
        }
        ByteBuffer payload = ByteBuffer.allocate(len);
        StoreFile.readFully(ch, payload, pos + 8, p);
        CRC32C c = new CRC32C();
        c.update(payload.array());
        return (int) c.getValue() == lc.getInt(4) ? payload.array() : null;
    }

    private static long nextRecordStart(FileChannel ch, long pos, long size, Path p) throws IOException {
        if (size - pos < 8) {
            return -1;
        }
        ByteBuffer lc = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        StoreFile.readFully(ch, lc, pos, p);
        long len = lc.getInt(0) & 0xFFFFFFFFL;
        long next = pos + 8 + len;
        return len > 0 && next < size ? next : -1;
    }

    /** Appends one batch and forces it to disk; when this returns the batch survives a crash. */
    void append(List<Prepared> ops, int stride, int dim, FloatFormat floats) throws IOException {
        byte[] payload = encode(++seq, ops, stride, dim, floats);
        CRC32C c = new CRC32C();
        c.update(payload);
        ByteBuffer rec = ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        rec.putInt(payload.length).putInt((int) c.getValue()).put(payload).flip();
        while (rec.hasRemaining()) {
            ch.write(rec);
        }
        // data only: the file's length change is metadata, but fdatasync still makes the appended bytes and
        // the new size durable (size is needed to read them back)
        ch.force(false);
    }

    static byte[] encode(long seq, List<Prepared> ops, int stride, int dim, FloatFormat floats) {
        int size = 12;
        for (Prepared o : ops) {
            size += 1 + 2 + o.id().length() * 3;
            if (o.kind() != WriteBatch.Kind.DELETE) {
                size += stride + 8 + (o.text() == null ? 0 : o.text().length) + (o.meta() == null ? 0 : o.meta().length)
                        + dim * floats.bytes();
            }
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(seq).putInt(ops.size());
        for (Prepared o : ops) {
            b.put((byte) o.kind().ordinal());
            byte[] id = o.id().getBytes(StandardCharsets.UTF_8);
            b.putShort((short) id.length).put(id);
            if (o.kind() == WriteBatch.Kind.DELETE) {
                continue;
            }
            for (long w : o.code()) {
                b.putLong(w);
            }
            putBytes(b, o.text());
            putBytes(b, o.meta());
            if (floats == FloatFormat.F16) {
                for (int j = 0; j < dim; j++) {
                    b.putShort(Half.fromFloat(o.vector()[j]));
                }
            } else if (floats == FloatFormat.F32) {
                for (int j = 0; j < dim; j++) {
                    b.putFloat(o.vector()[j]);
                }
            }
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static void putBytes(ByteBuffer b, byte[] v) {
        if (v == null) {
            b.putInt(-1);
        } else {
            b.putInt(v.length).put(v);
        }
    }

    private static byte[] getBytes(ByteBuffer b) {
        int n = b.getInt();
        if (n == -1) {
            return null;
        }
        byte[] v = new byte[n];
        b.get(v);
        return v;
    }

    static List<Prepared> decode(ByteBuffer b, int bits, int dim, FloatFormat floats, Path p) throws CorruptCollectionException {
        try {
            int words = org.bitsieve.core.PackedCodes.wordsFor(bits);
            int n = b.getInt();
            List<Prepared> ops = new ArrayList<>(n);
            WriteBatch.Kind[] kinds = WriteBatch.Kind.values();
            for (int i = 0; i < n; i++) {
                WriteBatch.Kind kind = kinds[b.get()];
                byte[] id = new byte[b.getShort() & 0xFFFF];
                b.get(id);
                String sid = new String(id, StandardCharsets.UTF_8);
                if (kind == WriteBatch.Kind.DELETE) {
                    ops.add(new Prepared(kind, sid, null, null, null, null));
                    continue;
                }
                long[] code = new long[words];
                for (int w = 0; w < words; w++) {
                    code[w] = b.getLong();
                }
                byte[] text = getBytes(b);
                byte[] meta = getBytes(b);
                float[] v = null;
                if (floats != FloatFormat.NONE) {
                    v = new float[dim];
                    for (int j = 0; j < dim; j++) {
                        v[j] = floats == FloatFormat.F16 ? Half.toFloat(b.getShort()) : b.getFloat();
                    }
                }
                ops.add(new Prepared(kind, sid, code, text, meta, v));
            }
            if (b.hasRemaining()) {
                throw new CorruptCollectionException(p, "a log record has " + b.remaining() + " unexpected trailing bytes");
            }
            return ops;
        } catch (java.nio.BufferUnderflowException | ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
            // the checksum matched, so this is not a torn write but a record this build cannot read
            throw new CorruptCollectionException(p, "a log record is malformed");
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
