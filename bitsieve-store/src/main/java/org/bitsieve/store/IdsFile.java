package org.bitsieve.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.InflaterInputStream;

/**
 * A segment's ids. Ids compress well (shared prefixes, digits) and are read whole at open, so they are deflated;
 * level 1 because flushes sit on the ingest path (IMDB ids: 2.9 bytes each at level 1, 2.8 at level 6).
 *
 * <p>Version 2 (block framing, {@link BlockFile}, flags = ids per chunk): the body is a table of u64 chunk offsets
 * [chunks + 1] (body-relative) and then one independent deflate stream per {@link #CHUNK} ids (u16 length + UTF-8
 * each), so damage loses the ids of one chunk, not of the segment. Version 1: one deflate stream, one checksum.
 */
final class IdsFile {
    /**
     * Ids per chunk written (readers take the file's own, flags): 128 since ids are read on demand, one chunk per
     * lookup (1,024 ids: ~380 µs to inflate under load against ~34 µs for 128, and 128 compressed no worse on
     * synthetic ids; files written with 1,024 still read).
     */
    static final int CHUNK = 128;

    /** The ids (null entries: in a damaged chunk, only from {@link #read} with {@code lenient}) and the part's tag. */
    record Ids(String[] ids, long tag, BlockFile file) {}

    private IdsFile() {}

    static void write(Path path, SegmentWriter.Rows src, long tag) throws IOException {
        int n = src.count();
        List<byte[]> chunks = new ArrayList<>();
        long raw = 0;
        Deflater d = new Deflater(1);
        // each chunk is laid out in one reused array and deflated in one call: a DataOutputStream over a
        // DeflaterOutputStream deflated byte by byte (writeShort) and allocated a 64 KiB buffer per chunk, 7% of a bulk load
        byte[] plain = new byte[CHUNK * 64];
        byte[] deflated = new byte[1 << 16];
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            for (int from = 0; from < n; from += CHUNK) {
                int len = 0;
                for (int i = from; i < Math.min(n, from + CHUNK); i++) {
                    byte[] b = src.parts()[i].id(src.rows()[i]).getBytes(StandardCharsets.UTF_8);
                    if (len + 2 + b.length > plain.length) {
                        plain = java.util.Arrays.copyOf(plain, Math.max(2 * plain.length, len + 2 + b.length));
                    }
                    plain[len++] = (byte) (b.length >>> 8); // u16 big-endian, as DataOutputStream.writeShort wrote it
                    plain[len++] = (byte) b.length;
                    System.arraycopy(b, 0, plain, len, b.length);
                    len += b.length;
                }
                raw += len;
                d.reset();
                d.setInput(plain, 0, len);
                d.finish();
                bos.reset();
                while (!d.finished()) {
                    bos.write(deflated, 0, d.deflate(deflated));
                }
                chunks.add(bos.toByteArray());
            }
        } finally {
            d.end();
        }
        long table = 8L * (chunks.size() + 1);
        long body = table + chunks.stream().mapToLong(c -> c.length).sum();
        StoreFile.writeBlocked(path, SegmentFiles.IDS_MAGIC, CHUNK, n, raw, 0, tag, body, out -> {
            ByteBuffer t = ByteBuffer.allocate((int) table).order(ByteOrder.LITTLE_ENDIAN);
            long o = table;
            for (byte[] c : chunks) {
                t.putLong(o);
                o += c.length;
            }
            t.putLong(o);
            out.write(t.array());
            for (byte[] c : chunks) {
                out.write(c);
            }
        });
    }

    /**
     * Reads and checks every id. With {@code lenient} (repair), ids of damaged chunks come back null instead of
     * failing the whole file; a file whose header or block table is damaged still fails.
     */
    static Ids read(Path path, int expected, boolean lenient) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            BlockFile f = BlockFile.open(path, ch, SegmentFiles.IDS_MAGIC, true);
            if (f.version() == 1) {
                return new Ids(readV1(path, expected), 0, f);
            }
            StoreFile.Header h = f.header();
            int chunk = h.flags();
            if (h.count() != expected || chunk <= 0) {
                throw new CorruptCollectionException(path, "holds " + h.count() + " ids in chunks of " + chunk + "; the manifest expects " + expected);
            }
            String[] ids = new String[expected];
            int chunks = (expected + chunk - 1) / chunk;
            ByteBuffer t = ByteBuffer.allocate(8 * (chunks + 1)).order(ByteOrder.LITTLE_ENDIAN);
            try {
                f.read(t, 0);
                for (int c = 0; c <= chunks; c++) {
                    long o = t.getLong(8 * c);
                    if (o < t.capacity() || o > h.bodyLength() || c > 0 && o < t.getLong(8 * (c - 1))
                            || o - (c > 0 ? t.getLong(8 * (c - 1)) : 0) > Integer.MAX_VALUE - 16) {
                        throw new CorruptCollectionException(path, "chunk table is inconsistent at chunk " + c);
                    }
                }
            } catch (CorruptCollectionException e) {
                if (lenient) {
                    return new Ids(ids, f.tag(), f);
                }
                throw e;
            }
            for (int c = 0; c < chunks; c++) {
                long from = t.getLong(8 * c);
                ByteBuffer b = ByteBuffer.allocate((int) (t.getLong(8 * (c + 1)) - from));
                try {
                    f.read(b, from);
                    inflate(path, b.array(), ids, c * chunk, Math.min(expected, (c + 1) * chunk));
                } catch (CorruptCollectionException e) {
                    if (!lenient) {
                        throw e;
                    }
                    java.util.Arrays.fill(ids, c * chunk, Math.min(expected, (c + 1) * chunk), null);
                }
            }
            return new Ids(ids, f.tag(), f);
        }
    }

    /**
     * A segment's ids read on demand: the chunk table (8 bytes per {@link #CHUNK} ids) is loaded at open, a chunk is
     * read, checked (its blocks' CRCs) and inflated when one of its ids is asked for, and the last few chunks are
     * kept (sequential readers such as compaction and export inflate each chunk once). Version-1 files (one
     * deflate stream) cannot be read in part: their ids are loaded whole, as before.
     */
    static final class Lazy {
        private static final int SLOTS = 4;
        private final Path path;
        private final BlockFile file;
        private final int count;
        private final int chunk;
        private final long[] table;
        private final String[] all;
        private final java.util.concurrent.atomic.AtomicReferenceArray<Chunk> cache = new java.util.concurrent.atomic.AtomicReferenceArray<>(SLOTS);

        /** A chunk's inflated bytes and where each id starts in them (decoding an id is then one String). */
        private record Chunk(int index, byte[] raw, int[] starts) {}

        private Lazy(Path path, BlockFile file, int count, int chunk, long[] table, String[] all) {
            this.path = path;
            this.file = file;
            this.count = count;
            this.chunk = chunk;
            this.table = table;
            this.all = all;
        }

        /** Opens the ids of a segment of {@code expected} rows on {@code ch}, which the caller closes after {@link #file()}'s use. */
        static Lazy open(Path path, FileChannel ch, int expected) throws IOException {
            BlockFile f = BlockFile.open(path, ch, SegmentFiles.IDS_MAGIC, true);
            if (f.version() == 1) {
                return new Lazy(path, f, expected, expected, null, readV1(path, expected));
            }
            StoreFile.Header h = f.header();
            int chunk = h.flags();
            if (h.count() != expected || chunk <= 0) {
                throw new CorruptCollectionException(path, "holds " + h.count() + " ids in chunks of " + chunk + "; the manifest expects " + expected);
            }
            int chunks = (expected + chunk - 1) / chunk;
            ByteBuffer t = ByteBuffer.allocate(8 * (chunks + 1)).order(ByteOrder.LITTLE_ENDIAN);
            f.read(t, 0);
            long[] table = new long[chunks + 1];
            for (int c = 0; c <= chunks; c++) {
                long o = t.getLong(8 * c);
                if (o < t.capacity() || o > h.bodyLength() || c > 0 && (o < table[c - 1] || o - table[c - 1] > Integer.MAX_VALUE - 16)) {
                    throw new CorruptCollectionException(path, "chunk table is inconsistent at chunk " + c);
                }
                table[c] = o;
            }
            return new Lazy(path, f, expected, chunk, table, null);
        }

        BlockFile file() { return file; }

        /** The id of row {@code row}; damage fails naming the file and block, as a payload read does. */
        String id(int row) {
            if (all != null) {
                return all[row];
            }
            int c = row / chunk;
            int slot = c % SLOTS;
            Chunk k = cache.get(slot);
            if (k == null || k.index != c) {
                try {
                    ByteBuffer b = ByteBuffer.allocate((int) (table[c + 1] - table[c]));
                    file.read(b, table[c]);
                    int from = c * chunk;
                    k = index(c, inflateWhole(b.array(), from, Math.min(count, from + chunk)), from, Math.min(count, from + chunk));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                cache.set(slot, k);
            }
            int at = k.starts[row - c * chunk];
            return new String(k.raw, at + 2, ((k.raw[at] & 0xFF) << 8) | (k.raw[at + 1] & 0xFF), StandardCharsets.UTF_8);
        }

        /** Inflates a chunk in one go (reading id by id through an InflaterInputStream cost ~1 ms a chunk). */
        private byte[] inflateWhole(byte[] deflated, int from, int to) throws CorruptCollectionException {
            java.util.zip.Inflater inf = new java.util.zip.Inflater();
            try {
                inf.setInput(deflated);
                ByteArrayOutputStream out = new ByteArrayOutputStream(16 * (to - from) + 64);
                byte[] buf = new byte[1 << 14];
                while (!inf.finished()) {
                    int n = inf.inflate(buf);
                    if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                        throw new CorruptCollectionException(path, "ids " + from + ".." + to + " are truncated or malformed");
                    }
                    out.write(buf, 0, n);
                }
                return out.toByteArray();
            } catch (java.util.zip.DataFormatException e) {
                throw new CorruptCollectionException(path, "ids " + from + ".." + to + " are truncated or malformed");
            } finally {
                inf.end();
            }
        }

        private Chunk index(int c, byte[] raw, int from, int to) throws CorruptCollectionException {
            int[] starts = new int[to - from];
            int pos = 0;
            for (int i = 0; i < starts.length; i++) {
                if (pos + 2 > raw.length) {
                    throw new CorruptCollectionException(path, "ids " + from + ".." + to + " are truncated or malformed");
                }
                starts[i] = pos;
                pos += 2 + (((raw[pos] & 0xFF) << 8) | (raw[pos + 1] & 0xFF));
                if (pos > raw.length) {
                    throw new CorruptCollectionException(path, "ids " + from + ".." + to + " are truncated or malformed");
                }
            }
            if (pos != raw.length) {
                throw new CorruptCollectionException(path, "a chunk holds more ids than expected");
            }
            return new Chunk(c, raw, starts);
        }
    }

    private static void inflate(Path path, byte[] chunk, String[] ids, int from, int to) throws CorruptCollectionException {
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(chunk)))) {
            for (int i = from; i < to; i++) {
                byte[] b = new byte[in.readUnsignedShort()];
                in.readFully(b);
                ids[i] = new String(b, StandardCharsets.UTF_8);
            }
            if (in.read() != -1) {
                throw new CorruptCollectionException(path, "a chunk holds more ids than expected");
            }
        } catch (CorruptCollectionException e) {
            throw e;
        } catch (IOException e) {
            throw new CorruptCollectionException(path, "ids " + from + ".." + to + " are truncated or malformed");
        }
    }

    private static String[] readV1(Path path, int expected) throws IOException {
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
}
