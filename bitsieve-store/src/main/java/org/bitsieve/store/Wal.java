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
 * header (magic {@code BSSWALOG}, version, a = generation, body length 0) followed by records. Version 2:
 * <pre>
 *   marker  u32  {@link WalScan#MARKER}
 *   length  u32  bytes of the payload
 *   seq     u64  1, 2, 3... within this log
 *   hcrc    u32  CRC-32C of marker, length, seq
 *   crc     u32  CRC-32C of the payload
 *   payload      u32 op count, ops (see {@link #encode})
 * </pre>
 * Version 1 (read, and appended to until the next flush replaces the log): length u32, crc u32, payload
 * (u64 seq, then the same ops). Each batch is one record written with one write and made durable with one fsync
 * before the write is acknowledged (group commit per batch). An op's kind byte with bit 7 set ({@link #CELL_FLAG},
 * written by partitioned collections since 2026-12) is followed after the code by the op's coarse cell (u32);
 * logs without it read as before. What recovery does with a bad record is
 * {@link WalRecovery}'s policy.
 */
final class Wal implements AutoCloseable {
    static final int VERSION = 2;
    /** Set on an op's kind byte when a u32 coarse cell follows its code. */
    static final int CELL_FLAG = 0x80;

    private final Path path;
    private final FileChannel ch;
    private final int version;
    private long seq;

    private Wal(Path path, FileChannel ch, int version, long seq) {
        this.path = path;
        this.ch = ch;
        this.version = version;
        this.seq = seq;
    }

    Path path() { return path; }

    static byte[] header(int version, long generation) {
        return StoreFile.header(SegmentFiles.WAL_MAGIC, version, 0, 0, generation, 0, 0);
    }

    /** Creates an empty log (header only), durably, before any manifest names it. */
    static Wal create(Path dir, long generation) throws IOException {
        Path p = dir.resolve(SegmentFiles.wal(generation));
        byte[] h = header(VERSION, generation);
        AtomicFiles.write(p, out -> out.write(h));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ch.position(ch.size());
        return new Wal(p, ch, VERSION, 0);
    }

    /** What a log held: the batches of every intact record, in order, and what recovery kept aside. */
    record Replay(Wal wal, List<List<Prepared>> batches, long truncatedBytes, Path quarantined) {}

    /**
     * The version of a log whose header is intact (1 or 2); a damaged header is corruption: the records after it
     * cannot be trusted to belong to this log.
     */
    static int readVersion(Path p, FileChannel ch, long generation) throws IOException {
        ByteBuffer h = ByteBuffer.allocate((int) Math.min(StoreFile.HEADER, ch.size()));
        StoreFile.readFully(ch, h, 0, p);
        return readVersion(p, h.array(), generation);
    }

    static int readVersion(Path p, byte[] log, long generation) throws CorruptCollectionException {
        if (log.length < StoreFile.HEADER) {
            throw new CorruptCollectionException(p, "write-ahead log header is truncated (" + log.length + " bytes)");
        }
        byte[] h = java.util.Arrays.copyOf(log, StoreFile.HEADER);
        for (int v = 1; v <= VERSION; v++) {
            if (java.util.Arrays.equals(header(v, generation), h)) {
                return v;
            }
        }
        throw new CorruptCollectionException(p, "bad write-ahead log header at byte 0 (magic, version, generation or checksum)");
    }

    /** What recovery makes of a log's bytes: the batches to replay and the length to keep (the rest is a torn tail). */
    record Recovered(int version, WalScan.Result scan, List<List<Prepared>> batches, long keep) {}

    /**
     * Applies the recovery policy ({@link WalRecovery}) to a whole log in memory, without touching the disk:
     * returns what to replay, or throws {@link CorruptCollectionException} naming the file and offset.
     */
    static Recovered recover(Path p, byte[] log, long generation, int bits, int dim, FloatFormat floats) throws CorruptCollectionException {
        int version = readVersion(p, log, generation);
        WalScan.Result scan = WalScan.scan(p, log, version);
        long keep = WalRecovery.check(scan);
        List<List<Prepared>> batches = new ArrayList<>();
        for (WalScan.Record r : scan.records()) {
            batches.add(decode(ByteBuffer.wrap(r.ops()).order(ByteOrder.LITTLE_ENDIAN), bits, dim, floats, p, r.offset()));
        }
        return new Recovered(version, scan, batches, keep);
    }

    /** Opens an existing log, reads its intact records and keeps a torn tail aside before truncating it. */
    static Replay open(Path dir, long generation, int bits, int dim, FloatFormat floats) throws IOException {
        Path p = dir.resolve(SegmentFiles.wal(generation));
        if (!java.nio.file.Files.exists(p)) {
            throw new CorruptCollectionException(p, "write-ahead log is missing (the manifest names it)");
        }
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new CorruptCollectionException(p, "write-ahead log is larger than 2 GiB (" + size + " bytes), which no build writes");
            }
            ByteBuffer all = ByteBuffer.allocate((int) size);
            StoreFile.readFully(ch, all, 0, p);
            Recovered r = recover(p, all.array(), generation, bits, dim, floats);
            Path saved = null;
            if (r.keep() < size) {
                saved = WalRecovery.quarantineTail(dir, r.scan(), ch);
            }
            ch.position(r.keep());
            return new Replay(new Wal(p, ch, r.version(), r.scan().records().size()), r.batches(), size - r.keep(), saved);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Appends one batch and forces it to disk; when this returns the batch survives a crash. A write that fails part
     * way (a full disk) is rolled back: the log is cut back to its last whole record, so that later batches do not
     * follow a torn one ({@link NothingWrittenException}); if even that fails, the plain error (the caller then refuses
     * further writes until a reopen replays the log).
     */
    void append(List<Prepared> ops, int stride, int dim, FloatFormat floats) throws IOException {
        ByteBuffer rec = ByteBuffer.wrap(record(version, seq + 1, encode(ops, stride, dim, floats)));
        long start = ch.position();
        try {
            while (rec.hasRemaining()) {
                ch.write(rec);
            }
        } catch (IOException e) {
            try {
                ch.truncate(start);
                ch.position(start);
                ch.force(false);
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
                throw e;
            }
            throw new NothingWrittenException(e);
        }
        seq++;
        // data only: the file's length change is metadata, but fdatasync still makes the appended bytes and
        // the new size durable (size is needed to read them back)
        ch.force(false);
    }

    /** A whole record of the given version around an encoded op list. */
    static byte[] record(int version, long seq, byte[] ops) {
        if (version == 1) {
            byte[] payload = ByteBuffer.allocate(8 + ops.length).order(ByteOrder.LITTLE_ENDIAN).putLong(seq).put(ops).array();
            CRC32C c = new CRC32C();
            c.update(payload);
            return ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(payload.length).putInt((int) c.getValue()).put(payload).array();
        }
        ByteBuffer rec = ByteBuffer.allocate(WalScan.V2_HEADER + ops.length).order(ByteOrder.LITTLE_ENDIAN);
        rec.putInt(WalScan.MARKER).putInt(ops.length).putLong(seq);
        CRC32C hc = new CRC32C();
        hc.update(rec.array(), 0, 16);
        CRC32C pc = new CRC32C();
        pc.update(ops);
        rec.putInt((int) hc.getValue()).putInt((int) pc.getValue()).put(ops);
        return rec.array();
    }

    /** The op list of a record: u32 count, then per op its kind, id and (add/upsert) code, text, metadata, vector. */
    static byte[] encode(List<Prepared> ops, int stride, int dim, FloatFormat floats) {
        int size = 4;
        for (Prepared o : ops) {
            size += 1 + 2 + o.id().length() * 3;
            if (o.kind() != WriteBatch.Kind.DELETE) {
                size += stride + 8 + 4 + (o.text() == null ? 0 : o.text().length) + (o.meta() == null ? 0 : o.meta().length)
                        + dim * floats.bytes();
            }
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(ops.size());
        for (Prepared o : ops) {
            boolean cell = o.kind() != WriteBatch.Kind.DELETE && o.cell() >= 0;
            b.put((byte) (o.kind().ordinal() | (cell ? CELL_FLAG : 0)));
            byte[] id = o.id().getBytes(StandardCharsets.UTF_8);
            b.putShort((short) id.length).put(id);
            if (o.kind() == WriteBatch.Kind.DELETE) {
                continue;
            }
            for (long w : o.code()) {
                b.putLong(w);
            }
            if (cell) {
                b.putInt(o.cell());
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
        if (n < 0 || n > b.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        byte[] v = new byte[n];
        b.get(v);
        return v;
    }

    static List<Prepared> decode(ByteBuffer b, int bits, int dim, FloatFormat floats, Path p, long offset) throws CorruptCollectionException {
        try {
            int words = org.bitsieve.core.PackedCodes.wordsFor(bits);
            int n = b.getInt();
            if (n < 0 || n > b.remaining()) {
                throw new java.nio.BufferUnderflowException();
            }
            List<Prepared> ops = new ArrayList<>(n);
            WriteBatch.Kind[] kinds = WriteBatch.Kind.values();
            for (int i = 0; i < n; i++) {
                int kb = b.get() & 0xFF;
                boolean hasCell = (kb & CELL_FLAG) != 0;
                WriteBatch.Kind kind = kinds[kb & ~CELL_FLAG];
                if (hasCell && kind == WriteBatch.Kind.DELETE) {
                    throw new IllegalArgumentException("a delete carries no cell");
                }
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
                int cell = hasCell ? b.getInt() : -1;
                if (hasCell && cell < 0) {
                    throw new IllegalArgumentException("negative cell");
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
                ops.add(new Prepared(kind, sid, code, text, meta, v, cell));
            }
            if (b.hasRemaining()) {
                throw new CorruptCollectionException(p, "the record at byte " + offset + " has " + b.remaining() + " unexpected trailing bytes");
            }
            return ops;
        } catch (java.nio.BufferUnderflowException | ArrayIndexOutOfBoundsException | NegativeArraySizeException
                 | IllegalArgumentException e) {
            // the checksum matched, so this is not a torn write but a record this build cannot read
            throw new CorruptCollectionException(p, "the record at byte " + offset + " is malformed although its checksum matches");
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
