package org.bitsieve.core.io;

import org.bitsieve.core.PackedCodes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The packed-codes file format ({@code .bsc}), version 1. Little-endian.
 * <pre>
 *   magic        8 bytes "BSCODES1"
 *   version      u32     1
 *   bits         u32     code length
 *   words        u32     64-bit words per code
 *   count        u64     number of codes
 *   encoder      u64     fingerprint of the encoder that made the codes (0 = unknown)
 *   header crc   u32     crc32c of the 36 bytes above
 *   codes        count * words u64
 *   data crc     u32     crc32c of the code bytes
 * </pre>
 */
public final class CodesFile {
    static final byte[] MAGIC = "BSCODES1".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    static final int HEADER = 8 + 4 + 4 + 4 + 8 + 8;

    private CodesFile() {}

    public record Loaded(PackedCodes codes, long encoderFingerprint) {}

    public static void write(Path path, PackedCodes codes, long encoderFingerprint) throws IOException {
        AtomicFiles.write(path, os -> {
            ByteBuffer h = ByteBuffer.allocate(HEADER + 4).order(ByteOrder.LITTLE_ENDIAN);
            h.put(MAGIC).putInt(VERSION).putInt(codes.bits()).putInt(codes.words()).putLong(codes.count()).putLong(encoderFingerprint);
            CRC32C hc = new CRC32C();
            hc.update(h.array(), 0, HEADER);
            h.putInt((int) hc.getValue());
            os.write(h.array());
            CRC32C dc = new CRC32C();
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (long w : codes.data()) {
                if (buf.remaining() < 8) {
                    dc.update(buf.array(), 0, buf.position());
                    os.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putLong(w);
            }
            dc.update(buf.array(), 0, buf.position());
            os.write(buf.array(), 0, buf.position());
            ByteBuffer t = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) dc.getValue());
            os.write(t.array());
        });
    }

    public static Loaded read(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "codes file not found");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER + 8) {
                throw new FileFormatException(path, "file is too short to be a bitsieve codes file (" + size + " bytes)");
            }
            ByteBuffer h = ByteBuffer.allocate(HEADER + 4).order(ByteOrder.LITTLE_ENDIAN);
            Npy.readFully(ch, h, path);
            h.flip();
            byte[] magic = new byte[8];
            h.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new FileFormatException(path, "not a bitsieve codes file (bad magic bytes)");
            }
            int version = h.getInt();
            if (version != VERSION) {
                throw new FileFormatException(path, "codes file version " + version + " is not supported (this build reads " + VERSION + ")");
            }
            int bits = h.getInt();
            int words = h.getInt();
            long count = h.getLong();
            long fp = h.getLong();
            int hcrc = h.getInt();
            CRC32C hc = new CRC32C();
            hc.update(h.array(), 0, HEADER);
            if ((int) hc.getValue() != hcrc) {
                throw new FileFormatException(path, "header checksum mismatch: the codes file is corrupt");
            }
            if (bits <= 0 || words != PackedCodes.wordsFor(bits) || count < 0) {
                throw new FileFormatException(path, "invalid header: bits " + bits + ", words " + words + ", count " + count);
            }
            long expected;
            try { // no wrap-around: a declared count must match the file's length exactly
                expected = Math.addExact(HEADER + 8, Math.multiplyExact(count, (long) words * 8));
            } catch (ArithmeticException e) {
                throw new FileFormatException(path, "invalid header: " + count + " codes of " + bits + " bits is implausibly large");
            }
            if (size != expected) {
                throw new FileFormatException(path, (size < expected ? "file is truncated" : "file has trailing bytes") + ": "
                        + size + " bytes, expected " + expected + " for " + count + " codes of " + bits + " bits");
            }
            if (count * words > Integer.MAX_VALUE - 8) {
                throw new FileFormatException(path, count + " codes are too many to load at once");
            }
            ByteBuffer body = ByteBuffer.allocate((int) (count * words * 8)).order(ByteOrder.LITTLE_ENDIAN);
            Npy.readFully(ch, body, path);
            ByteBuffer t = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            Npy.readFully(ch, t, path);
            CRC32C dc = new CRC32C();
            dc.update(body.array());
            if ((int) dc.getValue() != t.getInt(0)) {
                throw new FileFormatException(path, "data checksum mismatch: the codes file is corrupt");
            }
            long[] data = new long[(int) (count * words)];
            body.flip();
            body.asLongBuffer().get(data);
            return new Loaded(new PackedCodes(data, (int) count, bits), fp);
        }
    }
}
