package org.bitsieve.cli.store;

import org.bitsieve.core.io.FileFormatException;
import org.bitsieve.core.io.Half;
import org.bitsieve.core.io.Npy;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a .npy (float32, float16 or float64, C order) or .fvecs file row block by row block, so a bulk load never holds the
 * whole file in memory. The header (rows, dimension) is validated on open against the file length.
 */
final class VectorStream implements AutoCloseable {
    final Path path;
    final int dim;
    final long rows;
    private final boolean fvecs;
    private final int bytesPerValue;
    private final DataInputStream in;
    private final int rowLen;
    private long row;
    private byte[] block;

    private VectorStream(Path path, int dim, long rows, boolean fvecs, int bytesPerValue, long skip) throws IOException {
        this.path = path;
        this.dim = dim;
        this.rows = rows;
        this.fvecs = fvecs;
        this.bytesPerValue = bytesPerValue;
        InputStream raw = Files.newInputStream(path);
        raw.skipNBytes(skip);
        this.in = new DataInputStream(new BufferedInputStream(raw, 1 << 20));
        this.rowLen = (fvecs ? 4 : 0) + dim * bytesPerValue;
    }

    static VectorStream open(Path p) throws IOException {
        String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".npy")) {
            Npy.Header h = Npy.readHeader(p);
            return new VectorStream(p, h.dim(), h.rows(), false, h.bytesPerValue(), h.dataOffset());
        }
        if (name.endsWith(".fvecs")) {
            long size = Files.size(p);
            if (size < 4) {
                throw new FileFormatException(p, "file is too short to hold an .fvecs vector");
            }
            int dim;
            try (InputStream s = Files.newInputStream(p)) {
                dim = ByteBuffer.wrap(s.readNBytes(4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
            }
            if (dim <= 0 || dim > 1 << 16) {
                throw new FileFormatException(p, "first vector claims dimension " + dim + "; not an .fvecs file");
            }
            long rec = 4L + 4L * dim;
            if (size % rec != 0) {
                throw new FileFormatException(p, "file length " + size + " is not a multiple of the record size " + rec
                        + " for dimension " + dim + " (truncated?)");
            }
            return new VectorStream(p, dim, size / rec, true, 4, 0);
        }
        throw new IllegalArgumentException(p + ": bulk loading reads .npy or .fvecs vectors; convert other formats first");
    }

    /** Bytes read from the file per step: whole rows, converted with one bulk get rather than value by value. */
    private static final int BLOCK_BYTES = 1 << 22;

    /** Reads up to {@code max} rows into {@code out} (row-major); returns how many (0 at the end). */
    int read(float[] out, int max) throws IOException {
        int n = (int) Math.min(max, rows - row);
        if (block == null) { // a few MB of whole rows (at least one), or the whole file when smaller
            block = new byte[(int) Math.max(1, Math.min(rows, BLOCK_BYTES / rowLen)) * rowLen];
        }
        int perBlock = block.length / rowLen;
        for (int done = 0; done < n; ) {
            int m = Math.min(perBlock, n - done);
            int got = in.readNBytes(block, 0, m * rowLen);
            if (got < m * rowLen) {
                throw new FileFormatException(path, "file ended at row " + (row + got / rowLen) + " of " + rows);
            }
            ByteBuffer b = ByteBuffer.wrap(block, 0, m * rowLen).order(ByteOrder.LITTLE_ENDIAN);
            if (!fvecs) { // C order: the block is m * dim values back to back
                if (bytesPerValue == 2) {
                    java.nio.ShortBuffer sb = b.asShortBuffer();
                    for (int j = 0, e = m * dim, o = done * dim; j < e; j++) {
                        out[o + j] = Half.toFloat(sb.get(j));
                    }
                } else if (bytesPerValue == 8) { // float64, rounded to float32 (beyond its range: infinity, refused later)
                    java.nio.DoubleBuffer db = b.asDoubleBuffer();
                    for (int j = 0, e = m * dim, o = done * dim; j < e; j++) {
                        out[o + j] = (float) db.get(j);
                    }
                } else {
                    b.asFloatBuffer().get(out, done * dim, m * dim);
                }
            } else {
                java.nio.FloatBuffer fb = b.asFloatBuffer(); // records of 1 + dim four-byte values
                for (int i = 0; i < m; i++) {
                    int d = b.getInt(i * rowLen);
                    if (d != dim) {
                        throw new FileFormatException(path, "vector " + (row + i) + " has dimension " + d + ", the first has " + dim);
                    }
                    fb.position(i * (dim + 1) + 1).get(out, (done + i) * dim, dim);
                }
            }
            row += m;
            done += m;
        }
        return n;
    }

    @Override
    public void close() throws IOException { in.close(); }
}
