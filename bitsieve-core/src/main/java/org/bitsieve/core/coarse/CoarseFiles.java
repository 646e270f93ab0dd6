package org.bitsieve.core.coarse;

import org.bitsieve.core.io.AtomicFiles;
import org.bitsieve.core.io.FileFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The coarse-quantiser file format ({@code .bsq}), version 1, framed like the encoder files. Little-endian.
 * <pre>
 *   magic     8 bytes  "BSCOARSE"
 *   version   u32      1
 *   dim       u32      input dimension
 *   proj      u32      projected dimension (1..dim)
 *   cells     u32
 *   mean      dim float32
 *   basis     proj x dim float32, row-major
 *   centroids cells x proj float32, row-major
 *   crc32c    u32      over every byte before it
 * </pre>
 * A file is refused when the magic, version, checksum or length is wrong, a count is out of range, or a value
 * is not finite. See docs/formats.md.
 */
public final class CoarseFiles {
    static final byte[] MAGIC = "BSCOARSE".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    static final int HEADER = 8 + 4 * 4;
    /** Sanity bounds checked before anything is allocated from them. */
    static final int MAX_DIM = 1 << 16, MAX_CELLS = 1 << 22;

    private CoarseFiles() {}

    public static byte[] toBytes(CoarseQuantizer q) {
        int d = q.dimension();
        int p = q.projection();
        int c = q.cells();
        long floats = d + (long) p * d + (long) c * p;
        ByteBuffer b = ByteBuffer.allocate((int) (HEADER + 4 * floats + 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(d).putInt(p).putInt(c);
        for (float[] a : new float[][] {q.mean(), q.basis(), q.centroids()}) {
            for (float x : a) {
                b.putFloat(x);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    public static void save(CoarseQuantizer q, Path path) throws IOException {
        byte[] b = toBytes(q);
        AtomicFiles.write(path, o -> o.write(b));
    }

    public static CoarseQuantizer load(Path path) throws IOException {
        long size = Files.size(path);
        if (size > Integer.MAX_VALUE - 16) {
            throw new FileFormatException(path, size + " bytes is larger than any coarse quantiser file");
        }
        return fromBytes(Files.readAllBytes(path), path.toString());
    }

    public static CoarseQuantizer load(InputStream in, String name) throws IOException {
        return fromBytes(in.readAllBytes(), name);
    }

    /** Parses and validates a whole file; {@code name} goes into error messages. */
    public static CoarseQuantizer fromBytes(byte[] bytes, String name) throws FileFormatException {
        if (bytes.length < HEADER + 4) {
            throw new FileFormatException(null, name + ": not a coarse quantiser file (" + bytes.length + " bytes, too short)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] m = new byte[8];
        b.get(m);
        if (!java.util.Arrays.equals(m, MAGIC)) {
            throw new FileFormatException(null, name + ": not a coarse quantiser file (magic is not BSCOARSE)");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new FileFormatException(null, name + ": coarse quantiser file version " + version + " is not supported (this build reads "
                    + VERSION + ")");
        }
        int d = b.getInt();
        int p = b.getInt();
        int c = b.getInt();
        if (d < 1 || d > MAX_DIM || p < 1 || p > d || c < 1 || c > MAX_CELLS) {
            throw new FileFormatException(null, name + ": coarse quantiser header out of range (dim " + d + ", proj " + p + ", cells " + c + ")");
        }
        long floats = d + (long) p * d + (long) c * p;
        long expect = HEADER + 4 * floats + 4;
        if (bytes.length != expect) {
            throw new FileFormatException(null, name + ": length " + bytes.length + " does not match dim " + d + ", proj " + p + ", cells " + c
                    + " (" + expect + " bytes expected): the file is truncated or damaged");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()) {
            throw new FileFormatException(null, name + ": checksum mismatch: the coarse quantiser file is damaged");
        }
        float[] mean = new float[d];
        float[] basis = new float[p * d];
        float[] cent = new float[c * p];
        for (float[] a : new float[][] {mean, basis, cent}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = b.getFloat();
                if (!Float.isFinite(a[i])) {
                    throw new FileFormatException(null, name + ": coarse quantiser holds a non-finite value at byte " + (b.position() - 4));
                }
            }
        }
        return new CoarseQuantizer(d, p, c, mean, basis, cent);
    }
}
