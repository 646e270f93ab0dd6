package org.bitsieve.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A part framed with a checksum per block: payloads and vectors, read lazily with positional reads, so their bytes
 * are checked when they are read, not only at open (bytes altered on disk while the collection is open fail a read
 * instead of being served); and codes, checked block by block as they load, so a repair drops only the rows of a
 * damaged block.
 *
 * <p>Version 2 of the framing: the standard 64-byte header (version 2, block size as u32 at byte 48), the body,
 * then one CRC-32C per {@link #BLOCK}-byte block of the body (the last block may be short), then a CRC-32C of
 * that table. Opening checks the header, the exact length and the table (0.1% of the body); every read re-reads
 * and checks the whole blocks it spans. Version 1 files (one CRC over the body) are verified whole at open and
 * read unchecked after it, as before.
 */
final class BlockFile {
    static final int VERSION = 2;
    /** 4 KiB: a payload read costs one page read and a CRC of it (about a microsecond), whatever its length. */
    static final int BLOCK = 4096;

    private final Path path;
    private final FileChannel ch;
    private final StoreFile.Header header;
    private final int version;
    private final int block;
    private final int[] crcs;
    private long tag;

    private BlockFile(Path path, FileChannel ch, StoreFile.Header header, int version, int block, int[] crcs) {
        this.path = path;
        this.ch = ch;
        this.header = header;
        this.version = version;
        this.block = block;
        this.crcs = crcs;
    }

    StoreFile.Header header() { return header; }

    int version() { return version; }

    /** The segment tag of a version-2 part (number << 32 | nonce); 0 for version 1. */
    long tag() { return tag; }

    /**
     * Checks that the version-2 parts of one segment carry its number and the same nonce: a part of another segment
     * or collection, intact in itself, is refused.
     */
    static void checkSameSegment(int number, BlockFile... parts) throws CorruptCollectionException {
        long tag = 0;
        for (BlockFile f : parts) {
            if (f == null || f.version != VERSION) {
                continue;
            }
            if ((int) (f.tag >>> 32) != number || tag != 0 && f.tag != tag) {
                throw new CorruptCollectionException(f.path, "header at byte 52: the file was written for segment " + (f.tag >>> 32)
                        + (tag != 0 && f.tag != tag ? " by another write than the segment's other files" : "")
                        + ", not for segment " + number + " (a file from elsewhere was put in its place)");
            }
            tag = f.tag;
        }
    }

    Path path() { return path; }

    FileChannel channel() { return ch; }

    static long blocks(long bodyLength, int block) { return (bodyLength + block - 1) / block; }

    /**
     * Opens a part of either version. Version 1 is verified whole when {@code verifyV1} (always, except for a file
     * this process has just written); version 2 checks its header, length and block table.
     */
    static BlockFile open(Path path, FileChannel ch, byte[] magic, boolean verifyV1) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(StoreFile.HEADER).order(ByteOrder.LITTLE_ENDIAN);
        if (ch.size() < StoreFile.HEADER + 4) {
            throw new CorruptCollectionException(path, "file is truncated (" + ch.size() + " bytes)");
        }
        StoreFile.readFully(ch, h, 0, path);
        int version = h.getInt(8);
        if (version != VERSION) {
            StoreFile.Header v1 = verifyV1 ? StoreFile.verify(path, ch, magic) : StoreFile.checkHeader(path, ch, magic);
            return new BlockFile(path, ch, v1, 1, 0, null);
        }
        byte[] m = new byte[8];
        h.get(0, m);
        CRC32C hc = new CRC32C();
        hc.update(h.array(), 0, 60);
        if (!java.util.Arrays.equals(m, magic) || (int) hc.getValue() != h.getInt(60)) {
            throw new CorruptCollectionException(path, "bad header at byte 0 (magic or checksum)");
        }
        long bodyLength = h.getLong(40);
        int block = h.getInt(48);
        if (block <= 0 || block > 1 << 24 || bodyLength < 0) {
            throw new CorruptCollectionException(path, "bad header at byte 0 (block size " + block + ")");
        }
        long n = blocks(bodyLength, block);
        long expect = StoreFile.HEADER + bodyLength + 4 * n + 4;
        if (ch.size() != expect || n > Integer.MAX_VALUE - 16) {
            throw new CorruptCollectionException(path, "length mismatch: " + ch.size() + " bytes, header promises " + expect);
        }
        ByteBuffer t = ByteBuffer.allocate((int) (4 * n + 4)).order(ByteOrder.LITTLE_ENDIAN);
        StoreFile.readFully(ch, t, StoreFile.HEADER + bodyLength, path);
        CRC32C tc = new CRC32C();
        tc.update(t.array(), 0, (int) (4 * n));
        if ((int) tc.getValue() != t.getInt((int) (4 * n))) {
            throw new CorruptCollectionException(path, "block checksum table at byte " + (StoreFile.HEADER + bodyLength) + " is corrupt");
        }
        int[] crcs = new int[(int) n];
        t.clear();
        t.asIntBuffer().get(crcs);
        StoreFile.Header hd = new StoreFile.Header(path, h.getInt(12), h.getLong(16), h.getLong(24), h.getLong(32), bodyLength);
        BlockFile f = new BlockFile(path, ch, hd, VERSION, block, crcs);
        f.tag = h.getLong(52);
        return f;
    }

    /** Reads {@code dst.remaining()} body bytes at body offset {@code off}, checking every block they span. */
    void read(ByteBuffer dst, long off) throws IOException {
        int len = dst.remaining();
        if (off < 0 || off + len > header.bodyLength()) {
            throw new CorruptCollectionException(path, "a read at body offset " + off + " (" + len + " bytes) lies outside the body ("
                    + header.bodyLength() + " bytes): an offset table is corrupt");
        }
        if (version == 1) {
            StoreFile.readFully(ch, dst, StoreFile.HEADER + off, path);
            return;
        }
        if (len == 0) {
            return;
        }
        long first = off / block;
        long last = (off + len - 1) / block;
        long from = first * block;
        long to = Math.min(header.bodyLength(), (last + 1) * block);
        ByteBuffer b = ByteBuffer.allocate((int) (to - from));
        StoreFile.readFully(ch, b, StoreFile.HEADER + from, path);
        for (long i = first; i <= last; i++) {
            int at = (int) ((i - first) * block);
            int n = (int) Math.min(block, to - i * block);
            CRC32C c = new CRC32C();
            c.update(b.array(), at, n);
            if ((int) c.getValue() != crcs[(int) i]) {
                throw new CorruptCollectionException(path, "block " + i + " (bytes " + (StoreFile.HEADER + i * block) + ".."
                        + (StoreFile.HEADER + i * block + n) + ") failed its checksum: the file was damaged; nothing was served from it");
            }
        }
        dst.put(b.array(), (int) (off - from), len);
    }

    /** Every damaged block (for verify and repair): their indices; a version-1 file reports block -1 when its body fails. */
    List<Long> badBlocks() throws IOException {
        List<Long> bad = new ArrayList<>();
        if (version == 1) {
            try {
                StoreFile.verify(path, ch, magicOf());
            } catch (CorruptCollectionException e) {
                bad.add(-1L);
            }
            return bad;
        }
        ByteBuffer b = ByteBuffer.allocate(block);
        for (long i = 0; i < crcs.length; i++) {
            b.clear();
            b.limit((int) Math.min(block, header.bodyLength() - i * block));
            StoreFile.readFully(ch, b, StoreFile.HEADER + i * block, path);
            CRC32C c = new CRC32C();
            c.update(b.array(), 0, b.limit());
            if ((int) c.getValue() != crcs[(int) i]) {
                bad.add(i);
            }
        }
        return bad;
    }

    /** Whether {@code len} bytes of block {@code i} (the whole block) match its checksum (version 2). */
    boolean blockMatches(long i, byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue() == crcs[(int) i];
    }

    /** Whether the bytes remaining in {@code b} (all of block {@code i}) match its checksum (version 2). */
    boolean blockMatches(long i, ByteBuffer b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue() == crcs[(int) i];
    }

    /** Body bytes [from, to) of block {@code i}. */
    long blockStart(long i) { return i * block; }

    long blockEnd(long i) { return Math.min(header.bodyLength(), (i + 1) * block); }

    private byte[] magicOf() throws IOException {
        ByteBuffer m = ByteBuffer.allocate(8);
        StoreFile.readFully(ch, m, 0, path);
        return m.array();
    }

    /**
     * The header of a version-2 file: as {@link StoreFile#header}, with the block size at byte 48 and the segment's
     * tag (number in the high half, a nonce shared by the segment's parts in the low half) at byte 52.
     */
    static byte[] header(byte[] magic, int flags, long count, long a, long b, long tag, long bodyLength) {
        byte[] h = StoreFile.header(magic, VERSION, flags, count, a, b, bodyLength);
        ByteBuffer bb = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(48, BLOCK);
        bb.putLong(52, tag);
        CRC32C c = new CRC32C();
        c.update(h, 0, 60);
        bb.putInt(60, (int) c.getValue());
        return h;
    }

    /** Checksums each block of what passes through; {@link #table} gives the trailer. */
    static final class BlockCrcStream extends java.io.FilterOutputStream {
        private final java.io.ByteArrayOutputStream table = new java.io.ByteArrayOutputStream();
        private CRC32C cur = new CRC32C();
        private int inBlock;
        long count;

        BlockCrcStream(OutputStream out) { super(out); }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
            while (len > 0) {
                int n = Math.min(len, BLOCK - inBlock);
                cur.update(b, off, n);
                inBlock += n;
                off += n;
                len -= n;
                if (inBlock == BLOCK) {
                    endBlock();
                }
            }
        }

        private void endBlock() {
            table.writeBytes(StoreFile.le32((int) cur.getValue()));
            cur = new CRC32C();
            inBlock = 0;
        }

        /** The block CRCs and the CRC of those, to write after the body. */
        byte[] table() {
            if (inBlock > 0) {
                endBlock();
            }
            byte[] t = table.toByteArray();
            CRC32C c = new CRC32C();
            c.update(t);
            byte[] out = java.util.Arrays.copyOf(t, t.length + 4);
            System.arraycopy(StoreFile.le32((int) c.getValue()), 0, out, t.length, 4);
            return out;
        }
    }
}
