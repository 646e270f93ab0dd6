package org.bitsieve.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads a write-ahead log without trusting it: every record whose header and payload verify, and every byte range
 * that does not. Recovery ({@link WalRecovery}), {@code verify} and {@code repair} all judge the same scan, so they
 * cannot disagree about what is intact.
 *
 * <p>Version 2 records start with a fixed marker and carry a checksum over their header, so a length is checked
 * before it is trusted, and after a damaged record the scan finds the next intact one by looking for a marker
 * whose header and payload verify. Version 1 records (length, CRC, payload) have neither: after a bad record the
 * scan can only try the place its (unchecked) length points to.
 */
final class WalScan {
    /** Marks the start of a version-2 record (a sync word: rare in payloads, and never trusted on its own). */
    static final int MARKER = 0xB175EA1D;
    static final int V2_HEADER = 24;
    static final int MAX_RECORD = 1 << 30;

    /** An intact record: where it lies, its sequence number and its operations (without the sequence). */
    record Record(long offset, long end, long seq, byte[] ops) {}

    /** Bytes that are not an intact record. */
    record Damage(long offset, long end, String reason) {}

    record Result(Path path, int version, long size, List<Record> records, List<Damage> damage) {
        /** The damage that reaches the end of the file with no intact record after it, or null. */
        Damage tail() {
            if (damage.isEmpty()) {
                return null;
            }
            Damage d = damage.get(damage.size() - 1);
            boolean after = !records.isEmpty() && records.get(records.size() - 1).offset() > d.offset();
            return d.end() == size && !after ? d : null;
        }
    }

    private final ByteBuffer buf;
    private final long size;
    private final int version;
    private String reason;

    private WalScan(ByteBuffer buf, int version) {
        this.buf = buf;
        this.size = buf.limit();
        this.version = version;
    }

    /**
     * Scans the records of a log whose 64-byte header was read as {@code version} (1 or 2); the header itself is
     * checked by the caller.
     */
    static Result scan(Path path, FileChannel ch, int version) throws IOException {
        long size = ch.size();
        if (size > Integer.MAX_VALUE - 16) {
            throw new CorruptCollectionException(path, "write-ahead log is larger than 2 GiB (" + size + " bytes), which no build writes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        StoreFile.readFully(ch, buf, 0, path);
        return scan(path, buf.array(), version);
    }

    /** Scans a whole log held in memory (its 64-byte header included). */
    static Result scan(Path path, byte[] log, int version) {
        return new WalScan(ByteBuffer.wrap(log).order(ByteOrder.LITTLE_ENDIAN), version).run(path);
    }

    private Result run(Path path) {
        List<Record> records = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        long pos = StoreFile.HEADER;
        while (pos < size) {
            Record r = parse(pos);
            if (r != null) {
                records.add(r);
                pos = r.end();
                continue;
            }
            String why = reason;
            long next = resync(pos);
            if (next < 0) {
                damage.add(new Damage(pos, size, why));
                break;
            }
            damage.add(new Damage(pos, next, why));
            pos = next;
        }
        return new Result(path, version, size, List.copyOf(records), List.copyOf(damage));
    }

    /** The record at {@code pos} if it verifies; otherwise null with {@link #reason} set. */
    private Record parse(long pos) {
        return version == 1 ? parseV1(pos) : parseV2(pos);
    }

    private Record parseV2(long pos) {
        if (size - pos < V2_HEADER) {
            return fail("incomplete record header (" + (size - pos) + " bytes before the end of the file)");
        }
        int p = (int) pos;
        if (buf.getInt(p) != MARKER) {
            return fail("no record marker");
        }
        CRC32C hc = new CRC32C();
        hc.update(buf.array(), p, 16);
        if ((int) hc.getValue() != buf.getInt(p + 16)) {
            return fail("record header checksum mismatch");
        }
        long len = buf.getInt(p + 4) & 0xFFFFFFFFL;
        if (len < 4 || len > MAX_RECORD) {
            return fail("impossible record length " + len);
        }
        if (pos + V2_HEADER + len > size) {
            return fail("incomplete record: its length (" + len + " bytes) runs past the end of the file");
        }
        CRC32C pc = new CRC32C();
        pc.update(buf.array(), p + V2_HEADER, (int) len);
        if ((int) pc.getValue() != buf.getInt(p + 20)) {
            return fail("record payload checksum mismatch");
        }
        byte[] ops = java.util.Arrays.copyOfRange(buf.array(), p + V2_HEADER, p + V2_HEADER + (int) len);
        return new Record(pos, pos + V2_HEADER + len, buf.getLong(p + 8), ops);
    }

    private Record parseV1(long pos) {
        if (size - pos < 8) {
            return fail("incomplete record header (" + (size - pos) + " bytes before the end of the file)");
        }
        int p = (int) pos;
        long len = buf.getInt(p) & 0xFFFFFFFFL;
        if (len < 12 || len > MAX_RECORD || size - pos - 8 < len) {
            return fail("bad or incomplete record length " + len);
        }
        CRC32C c = new CRC32C();
        c.update(buf.array(), p + 8, (int) len);
        if ((int) c.getValue() != buf.getInt(p + 4)) {
            return fail("record checksum mismatch");
        }
        byte[] ops = java.util.Arrays.copyOfRange(buf.array(), p + 16, p + 8 + (int) len);
        return new Record(pos, pos + 8 + len, buf.getLong(p + 8), ops);
    }

    /** Where the next intact record after a bad one starts, or -1. */
    private long resync(long bad) {
        if (version == 1) {
            // no markers: only the place the unchecked length points to can be tried
            if (size - bad < 8) {
                return -1;
            }
            long next = bad + 8 + (buf.getInt((int) bad) & 0xFFFFFFFFL);
            String keep = reason;
            long found = next > bad + 8 && next < size && parse(next) != null ? next : -1;
            reason = keep;
            return found;
        }
        String keep = reason;
        try {
            for (long q = bad + 1; q + V2_HEADER <= size; q++) {
                if (buf.getInt((int) q) == MARKER && parse(q) != null) {
                    return q;
                }
            }
            return -1;
        } finally {
            reason = keep;
        }
    }

    /** How many record headers (marker and header checksum intact) start inside a damaged range. */
    static int headersIn(Result r, Damage d, FileChannel ch) throws IOException {
        if (r.version() == 1) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.allocate((int) (d.end() - d.offset())).order(ByteOrder.LITTLE_ENDIAN);
        StoreFile.readFully(ch, b, d.offset(), r.path());
        int n = 0;
        for (int q = 0; q + 20 <= b.limit(); q++) {
            if (b.getInt(q) == MARKER) {
                CRC32C hc = new CRC32C();
                hc.update(b.array(), q, 16);
                if ((int) hc.getValue() == b.getInt(q + 16)) {
                    n++;
                }
            }
        }
        return n;
    }

    private Record fail(String why) {
        reason = why;
        return null;
    }
}
