package org.bitsieve.core.io;

import org.bitsieve.core.FloatMatrix;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files holding 2-D float arrays (float32, float16 or float64 read as float32, little-endian,
 * C order), the format sentence-transformers users already have. Anything else is refused with a message
 * that says what was found.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Header facts of a .npy file. */
    public record Header(String descr, long rows, int dim, long dataOffset) {
        public int bytesPerValue() { return descr.endsWith("8") ? 8 : descr.endsWith("2") ? 2 : 4; }
    }

    public static Header readHeader(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            // Check the magic on whatever bytes there are first, so a short file of another kind is called that,
            // not "truncated".
            ByteBuffer pre = ByteBuffer.allocate((int) Math.min(12, ch.size())).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, path);
            pre.flip();
            for (int i = 0; i < Math.min(6, pre.limit()); i++) {
                if (pre.get(i) != MAGIC[i]) {
                    throw new FileFormatException(path, "not a .npy file (bad magic bytes)");
                }
            }
            if (pre.limit() < 12) {
                throw new FileFormatException(path, "file is truncated: " + pre.limit() + " bytes, shorter than a .npy header");
            }
            pre.position(6);
            int major = pre.get() & 0xFF;
            pre.get(); // minor version: no difference for us
            long headerLen;
            long start;
            if (major == 1) {
                headerLen = pre.getShort() & 0xFFFF;
                start = 10;
            } else if (major == 2 || major == 3) {
                headerLen = pre.getInt() & 0xFFFFFFFFL;
                start = 12;
            } else {
                throw new FileFormatException(path, "unsupported .npy format version " + major);
            }
            if (headerLen > 1 << 20) {
                throw new FileFormatException(path, "header length " + headerLen + " is implausible");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.position(start);
            readFully(ch, hb, path);
            String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(header);
            Matcher f = FORTRAN.matcher(header);
            Matcher s = SHAPE.matcher(header);
            if (!d.find() || !f.find() || !s.find()) {
                throw new FileFormatException(path, "header is not a NumPy array header: " + header.trim());
            }
            String descr = d.group(1);
            // float64 is NumPy's default (np.random.rand, most of scikit-learn): read and rounded to float32, as
            // FAISS's Python wrapper converts it, rather than refused
            if (!descr.equals("<f4") && !descr.equals("<f2") && !descr.equals("=f4") && !descr.equals("=f2")
                    && !descr.equals("|f2") && !descr.equals("<f8") && !descr.equals("=f8")) {
                throw new FileFormatException(path, "dtype '" + descr
                        + "' is not supported; save the array as little-endian float32, float16 or float64");
            }
            if (f.group(1).equals("True")) {
                throw new FileFormatException(path, "array is in Fortran order; save it in C order (numpy.ascontiguousarray)");
            }
            String[] dims = s.group(1).split(",");
            long rows;
            int dim;
            String d0 = dims.length > 0 ? dims[0].trim() : "";
            String d1 = dims.length > 1 ? dims[1].trim() : "";
            if (dims.length == 2 && !d1.isEmpty() || dims.length == 3 && dims[2].trim().isEmpty()) {
                try {
                    rows = Long.parseLong(d0);
                    dim = Integer.parseInt(d1);
                } catch (NumberFormatException e) {
                    throw new FileFormatException(path, "shape (" + s.group(1).trim() + ") does not hold two whole numbers");
                }
            } else {
                throw new FileFormatException(path, "shape (" + s.group(1).trim() + ") is not 2-D (rows, dim)");
            }
            if (dim <= 0 || rows < 0) {
                throw new FileFormatException(path, "shape (" + rows + ", " + dim + ") is not a positive dimension and a row count");
            }
            Header h = new Header(descr, rows, dim, start + headerLen);
            long expected;
            try { // a declared shape is checked against the file's length before anything is allocated from it
                expected = Math.addExact(h.dataOffset(), Math.multiplyExact(Math.multiplyExact(rows, (long) dim), h.bytesPerValue()));
            } catch (ArithmeticException e) {
                throw new FileFormatException(path, "shape (" + rows + ", " + dim + ") is implausibly large");
            }
            long actual = ch.size();
            if (actual < expected) {
                throw new FileFormatException(path, "file is truncated: " + actual + " bytes, the header promises "
                        + expected + " (" + rows + " x " + dim + " " + descr + ")");
            }
            if (actual > expected) {
                throw new FileFormatException(path, "file has " + (actual - expected)
                        + " unexpected trailing bytes after " + rows + " x " + dim + " " + descr);
            }
            return h;
        }
    }

    /** Reads the whole array as float32 (float16 is widened exactly). */
    public static FloatMatrix read(Path path) throws IOException {
        Header h = readHeader(path);
        if (h.rows() * h.dim() > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(path, h.rows() + " x " + h.dim() + " is too large to load at once");
        }
        int n = (int) (h.rows() * h.dim());
        float[] out = new float[n];
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.position(h.dataOffset());
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            int bpv = h.bytesPerValue();
            int filled = 0;
            while (filled < n) {
                buf.clear();
                long remaining = (long) (n - filled) * bpv;
                if (remaining < buf.capacity()) {
                    buf.limit((int) remaining);
                }
                readFully(ch, buf, path);
                buf.flip();
                if (bpv == 4) {
                    int count = buf.remaining() / 4;
                    buf.asFloatBuffer().get(out, filled, count);
                    filled += count;
                } else if (bpv == 8) {
                    while (buf.remaining() >= 8) {
                        out[filled++] = (float) buf.getDouble(); // beyond float32's range: infinity, refused by the value checks
                    }
                } else {
                    while (buf.remaining() >= 2) {
                        out[filled++] = Half.toFloat(buf.getShort());
                    }
                }
            }
        }
        return new FloatMatrix(out, (int) h.rows(), h.dim());
    }

    /** Writes a float32 .npy file (format 1.0), atomically: a temp file is moved into place. */
    public static void write(Path path, FloatMatrix m) throws IOException {
        AtomicFiles.write(path, out -> write(out, m));
    }

    public static void write(OutputStream os, FloatMatrix m) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + m.rows() + ", " + m.dim() + "), }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        StringBuilder sb = new StringBuilder(dict);
        sb.append(" ".repeat(pad)).append('\n');
        byte[] header = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        OutputStream out = new BufferedOutputStream(os, 1 << 16);
        out.write(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length & 0xFF);
        out.write((header.length >>> 8) & 0xFF);
        out.write(header);
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        float[] d = m.data();
        for (float v : d) {
            if (buf.remaining() < 4) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(v);
        }
        out.write(buf.array(), 0, buf.position());
        out.flush();
    }

    static void readFully(FileChannel ch, ByteBuffer buf, Path path) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new FileFormatException(path, "file is truncated");
            }
        }
    }

    static void readFully(InputStream in, byte[] b, Path path) throws IOException {
        int off = 0;
        while (off < b.length) {
            int r = in.read(b, off, b.length - off);
            if (r < 0) {
                throw new FileFormatException(path, "file is truncated");
            }
            off += r;
        }
    }

    /** Reads a file as vectors, choosing the reader by extension (.npy, .fvecs). */
    public static FloatMatrix readVectors(Path p) throws IOException {
        if (!Files.exists(p)) {
            throw new java.nio.file.NoSuchFileException(p.toString(), null, "vector file not found");
        }
        String name = p.getFileName().toString().toLowerCase();
        if (name.endsWith(".npy")) {
            return read(p);
        }
        if (name.endsWith(".fvecs")) {
            return Fvecs.read(p);
        }
        throw new FileFormatException(p, "unknown vector file type; use .npy (float32, float16 or float64) or .fvecs");
    }
}
