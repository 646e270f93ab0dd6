package org.bitsieve.store;

import org.bitsieve.core.io.AtomicFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The framing every immutable store file shares (segment parts, deletion sets, the manifest): a 64-byte header,
 * a body, and a CRC-32C of the body. Little-endian.
 * <pre>
 *   0  magic      8 bytes   names the part, e.g. "BSSCODES"
 *   8  version    u32
 *   12 flags      u32       part-specific
 *   16 count      u64       rows in the part
 *   24 a          u64       part-specific (e.g. bits)
 *   32 b          u64       part-specific (e.g. encoder fingerprint)
 *   40 bodyLength u64
 *   48 reserved   12 bytes  zero
 *   60 headerCrc  u32       CRC-32C of bytes 0..59
 *   64 body       bodyLength bytes (64-aligned, so mapped codes are word-aligned)
 *   .. bodyCrc    u32       CRC-32C of the body
 * </pre>
 * Files are written atomically (temp, fsync, rename, folder fsync) and fully verified when opened.
 */
final class StoreFile {
    static final int HEADER = 64;
    static final int VERSION = 1;

    /** The parsed header of a verified file. */
    record Header(Path path, int flags, long count, long a, long b, long bodyLength) {}

    /** Streams a body; the framing is added around it. */
    interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    private StoreFile() {}

    static byte[] magic(String s) {
        byte[] m = s.getBytes(StandardCharsets.US_ASCII);
        if (m.length != 8) {
            throw new IllegalArgumentException("magic must be 8 bytes");
        }
        return m;
    }

    /**
     * Writes a framed file atomically, streaming a body of known length (large parts: codes, vectors,
     * payloads). The length goes in the header up front; a writer that produces a different length is a bug.
     */
    static void write(Path path, byte[] magic, int flags, long count, long a, long b, long bodyLength, BodyWriter body)
            throws IOException {
        AtomicFiles.write(path, out -> {
            out.write(header(magic, flags, count, a, b, bodyLength));
            CRC32C crc = new CRC32C();
            CrcCountingStream cs = new CrcCountingStream(new java.io.BufferedOutputStream(out, 1 << 16), crc);
            body.write(cs);
            cs.flush();
            if (cs.count != bodyLength) {
                throw new IllegalStateException(path + ": wrote " + cs.count + " body bytes, promised " + bodyLength);
            }
            out.write(le32((int) crc.getValue()));
        });
    }

    /**
     * Writes a version-2 framed file ({@link BlockFile}): a checksum per block of the body instead of one over it,
     * so a lazily read part can be checked block by block.
     */
    static void writeBlocked(Path path, byte[] magic, int flags, long count, long a, long b, long tag, long bodyLength, BodyWriter body)
            throws IOException {
        AtomicFiles.write(path, out -> {
            out.write(BlockFile.header(magic, flags, count, a, b, tag, bodyLength));
            java.io.BufferedOutputStream buf = new java.io.BufferedOutputStream(out, 1 << 16);
            BlockFile.BlockCrcStream cs = new BlockFile.BlockCrcStream(buf);
            body.write(cs);
            if (cs.count != bodyLength) {
                throw new IllegalStateException(path + ": wrote " + cs.count + " body bytes, promised " + bodyLength);
            }
            buf.write(cs.table());
            buf.flush();
        });
    }

    /** Header checks only (magic, version 1, header checksum, length), for files this process just wrote. */
    static Header checkHeader(Path path, FileChannel ch, byte[] magic) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, h, 0, path);
        byte[] expect = header(magic, h.getInt(12), h.getLong(16), h.getLong(24), h.getLong(32), h.getLong(40));
        if (!java.util.Arrays.equals(expect, h.array()) || ch.size() != HEADER + h.getLong(40) + 4) {
            throw new CorruptCollectionException(path, "bad header");
        }
        return new Header(path, h.getInt(12), h.getLong(16), h.getLong(24), h.getLong(32), h.getLong(40));
    }

    /** Writes a framed file whose body is already in memory (small parts: manifest, deletion sets). */
    static void write(Path path, byte[] magic, int flags, long count, long a, long b, byte[] body) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(body);
        AtomicFiles.write(path, out -> {
            out.write(header(magic, flags, count, a, b, body.length));
            out.write(body);
            out.write(le32((int) crc.getValue()));
        });
    }

    static byte[] header(byte[] magic, int flags, long count, long a, long b, long bodyLength) {
        return header(magic, VERSION, flags, count, a, b, bodyLength);
    }

    static byte[] header(byte[] magic, int version, int flags, long count, long a, long b, long bodyLength) {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put(magic).putInt(version).putInt(flags).putLong(count).putLong(a).putLong(b).putLong(bodyLength);
        CRC32C c = new CRC32C();
        c.update(h.array(), 0, 60);
        h.putInt(60, (int) c.getValue());
        return h.array();
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /**
     * Opens and fully verifies a framed file: magic, version, header checksum, exact length, body checksum.
     * Any mismatch is a {@link CorruptCollectionException} naming the file.
     */
    static Header verify(Path path, FileChannel ch, byte[] magic) throws IOException {
        long size = ch.size();
        if (size < HEADER + 4) {
            throw new CorruptCollectionException(path, "file is truncated (" + size + " bytes)");
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, h, 0, path);
        byte[] m = new byte[8];
        h.get(0, m);
        if (!java.util.Arrays.equals(m, magic)) {
            throw new CorruptCollectionException(path, "bad magic bytes: expected a " + new String(magic, StandardCharsets.US_ASCII) + " file");
        }
        int version = h.getInt(8);
        CRC32C hc = new CRC32C();
        hc.update(h.array(), 0, 60);
        if ((int) hc.getValue() != h.getInt(60)) {
            throw new CorruptCollectionException(path, "header checksum mismatch");
        }
        if (version != VERSION) {
            throw new CorruptCollectionException(path, "version " + version + " is not supported (this build reads " + VERSION + ")");
        }
        long bodyLength = h.getLong(40);
        if (bodyLength < 0 || HEADER + bodyLength + 4 != size) {
            throw new CorruptCollectionException(path, "length mismatch: " + size + " bytes, header promises " + (HEADER + bodyLength + 4));
        }
        CRC32C bc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long pos = HEADER;
        long end = HEADER + bodyLength;
        while (pos < end) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), end - pos));
            readFully(ch, buf, pos, path);
            pos += buf.limit();
            buf.flip();
            bc.update(buf);
        }
        ByteBuffer t = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, t, end, path);
        if ((int) bc.getValue() != t.getInt(0)) {
            throw new CorruptCollectionException(path, "body checksum mismatch: the file is corrupt");
        }
        return new Header(path, h.getInt(12), h.getLong(16), h.getLong(24), h.getLong(32), bodyLength);
    }

    static Header verify(Path path, byte[] magic) throws IOException {
        if (!Files.exists(path)) {
            throw new CorruptCollectionException(path, "file is missing");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return verify(path, ch, magic);
        }
    }

    /** Reads a small verified file's body into memory. */
    static byte[] readBody(Path path, byte[] magic) throws IOException {
        if (!Files.exists(path)) {
            throw new CorruptCollectionException(path, "file is missing");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            Header h = verify(path, ch, magic);
            if (h.bodyLength() > Integer.MAX_VALUE - 16) {
                throw new CorruptCollectionException(path, "body too large to read at once");
            }
            ByteBuffer b = ByteBuffer.allocate((int) h.bodyLength());
            readFully(ch, b, HEADER, path);
            return b.array();
        }
    }

    static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path path) throws IOException {
        long p = pos;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, p);
            if (r < 0) {
                throw new CorruptCollectionException(path, "file is truncated");
            }
            p += r;
        }
    }

    /** Counts and checksums what passes through. */
    static final class CrcCountingStream extends java.io.FilterOutputStream {
        private final CRC32C crc;
        long count;

        CrcCountingStream(OutputStream out, CRC32C crc) {
            super(out);
            this.crc = crc;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            crc.update(b, off, len);
            count += len;
        }
    }
}
