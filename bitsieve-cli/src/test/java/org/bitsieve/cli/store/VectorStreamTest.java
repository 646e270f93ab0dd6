package org.bitsieve.cli.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.FileFormatException;
import org.bitsieve.core.io.Half;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The bulk loader's reader: every value of .npy (float32, float16) and .fvecs files read back bit for bit, in reads
 * that do not line up with its internal blocks (files of several blocks), and damage named by row.
 */
class VectorStreamTest {
    static final int ROWS = 3001; // 3001 x 384 x 4 bytes: more than one 4 MB block, and not a whole number of them
    static final int DIM = 384;

    @TempDir
    Path tmp;

    static float[] values(long seed) {
        Random r = new Random(seed);
        float[] v = new float[ROWS * DIM];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.intBitsToFloat(r.nextInt(0x7f000000)) * (r.nextBoolean() ? 1 : -1); // any finite bit pattern
        }
        return v;
    }

    /** Reads the whole stream in steps of {@code step} rows. */
    static float[] readAll(Path p, int step) throws Exception {
        try (VectorStream vs = VectorStream.open(p)) {
            assertEquals(ROWS, vs.rows);
            assertEquals(DIM, vs.dim);
            float[] all = new float[ROWS * DIM];
            float[] buf = new float[step * DIM];
            int at = 0;
            for (int n; (n = vs.read(buf, step)) > 0; at += n) {
                System.arraycopy(buf, 0, all, at * DIM, n * DIM);
            }
            assertEquals(ROWS, at);
            assertEquals(0, vs.read(buf, step), "nothing after the last row");
            return all;
        }
    }

    static void assertSameBits(float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                fail("row " + i / DIM + ", value " + i % DIM + ": " + want[i] + " read as " + got[i]);
            }
        }
    }

    @Test
    void float32NpyReadsBackBitForBit() throws Exception {
        float[] v = values(1);
        Path p = tmp.resolve("v.npy");
        Npy.write(p, new FloatMatrix(v, ROWS, DIM));
        for (int step : new int[] {1, 7, 1000, 2731, ROWS}) {
            assertSameBits(v, readAll(p, step));
        }
    }

    @Test
    void float16NpyReadsAsItsHalfValues() throws Exception {
        Random r = new Random(2);
        short[] h = new short[ROWS * DIM];
        float[] want = new float[h.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = Half.fromFloat((float) r.nextGaussian());
            want[i] = Half.toFloat(h[i]);
        }
        String header = "{'descr': '<f2', 'fortran_order': False, 'shape': (" + ROWS + ", " + DIM + "), }";
        int pad = (64 - (10 + header.length() + 1) % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 2 * h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (short s : h) {
            b.putShort(s);
        }
        Path p = tmp.resolve("h.npy");
        Files.write(p, b.array());
        assertSameBits(want, readAll(p, 999));
        assertSameBits(want, Npy.read(p).data()); // the same values as the library's own reader
    }

    Path fvecs(float[] v, int badRow) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(ROWS * (4 + 4 * DIM)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < ROWS; i++) {
            b.putInt(i == badRow ? DIM + 1 : DIM);
            for (int j = 0; j < DIM; j++) {
                b.putFloat(v[i * DIM + j]);
            }
        }
        Path p = tmp.resolve("v" + badRow + ".fvecs");
        Files.write(p, b.array());
        return p;
    }

    @Test
    void fvecsReadsBackBitForBitAndNamesARowWithAnotherDimension() throws Exception {
        float[] v = values(3);
        assertSameBits(v, readAll(fvecs(v, -1), 1234));
        Path bad = fvecs(v, 2900); // in the file's second block
        FileFormatException e = assertThrows(FileFormatException.class, () -> readAll(bad, 500));
        assertTrue(e.getMessage().contains("vector 2900 has dimension 385, the first has 384"), e.getMessage());
    }

    @Test
    void aFileCutShortWhileReadNamesTheRowItEndedAt() throws Exception {
        float[] v = values(4);
        Path p = tmp.resolve("v.npy");
        Npy.write(p, new FloatMatrix(v, ROWS, DIM));
        long header = Files.size(p) - 4L * ROWS * DIM;
        try (VectorStream vs = VectorStream.open(p)) { // opened whole, then cut (as if another process truncated it)
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(header + 4L * DIM * 2500 + 10);
            }
            float[] buf = new float[ROWS * DIM];
            FileFormatException e = assertThrows(FileFormatException.class, () -> vs.read(buf, ROWS));
            assertTrue(e.getMessage().contains("file ended at row 2500 of 3001"), e.getMessage());
        }
    }
}
