package org.bitsieve.core.coarse;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.TestData;
import org.bitsieve.core.encode.Progress;
import org.bitsieve.core.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class CoarseQuantizerTest {
    @TempDir
    Path tmp;

    static CoarseQuantizer fitted() {
        return CoarseQuantizer.fit(TestData.clustered(2000, 32, 3), 16, 8, 8, 1, Progress.NONE);
    }

    @Test
    void batchedAssignmentEqualsOneByOneAndTheFirstProbe() {
        CoarseQuantizer q = fitted();
        FloatMatrix x = TestData.clustered(500, 32, 9);
        int[] all = q.assignAll(x);
        int[] count = new int[q.cells()];
        for (int i = 0; i < x.rows(); i++) {
            assertEquals(q.assign(x.row(i)), all[i], "row " + i);
            assertEquals(all[i], q.probe(x.row(i), 1)[0], "row " + i);
            count[all[i]]++;
        }
        assertTrue(Arrays.stream(count).filter(c -> c > 0).count() > 4, "vectors spread over several cells");
        // probe lists distinct cells, nearest first; all cells = a permutation
        int[] p = q.probe(x.row(0), q.cells());
        assertEquals(q.cells(), Arrays.stream(p).distinct().count());
        assertArrayEquals(Arrays.copyOf(p, 5), q.probe(x.row(0), 5));
        // the sorted path for many cells agrees with the bounded selection
        CoarseQuantizer big = CoarseQuantizer.fit(TestData.clustered(3000, 32, 3), 300, 8, 3, 1, Progress.NONE);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(big.probe(x.row(i), 64), Arrays.copyOf(big.probe(x.row(i), 300), 64), "row " + i);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.probe(x.row(0), 17));
        assertTrue(e.getMessage().contains("1..16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> q.probe(x.row(0), 0));
        assertThrows(IllegalArgumentException.class, () -> q.assign(new float[31]));
    }

    @Test
    void scaleDoesNotChangeTheCell() {
        CoarseQuantizer q = fitted();
        float[] v = TestData.clustered(1, 32, 4).row(0);
        float[] w = v.clone();
        for (int j = 0; j < w.length; j++) {
            w[j] *= 7.5f;
        }
        assertEquals(q.assign(v), q.assign(w));
    }

    @Test
    void fileRoundTripKeepsEveryValueAndTheFingerprint() throws Exception {
        CoarseQuantizer q = fitted();
        Path p = tmp.resolve("q.bsq");
        CoarseFiles.save(q, p);
        CoarseQuantizer r = CoarseFiles.load(p);
        assertEquals(q.fingerprint(), r.fingerprint());
        assertArrayEquals(CoarseFiles.toBytes(q), Files.readAllBytes(p));
        FloatMatrix x = TestData.clustered(100, 32, 5);
        assertArrayEquals(q.assignAll(x), r.assignAll(x));
        assertNotEquals(q.fingerprint(), CoarseQuantizer.fit(TestData.clustered(2000, 32, 3), 16, 8, 8, 2, Progress.NONE).fingerprint());
    }

    @Test
    void damagedFilesAreRefusedWithAReason() throws Exception {
        byte[] good = CoarseFiles.toBytes(fitted());
        for (int i = 0; i < good.length; i += Math.max(1, good.length / 97)) {
            byte[] b = good.clone();
            b[i] ^= 0x04;
            assertThrows(FileFormatException.class, () -> CoarseFiles.fromBytes(b, "x.bsq"), "bit flip at " + i);
        }
        for (int cut : new int[] {0, 10, 24, good.length - 1}) {
            FileFormatException e = assertThrows(FileFormatException.class, () -> CoarseFiles.fromBytes(Arrays.copyOf(good, cut), "x.bsq"));
            assertTrue(e.getMessage().startsWith("x.bsq: "), e.getMessage());
        }
        // a NaN with a correct checksum: refused for the value, not the checksum
        byte[] nan = good.clone();
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(CoarseFiles.HEADER, Float.NaN);
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(nan, 0, nan.length - 4);
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putInt(nan.length - 4, (int) c.getValue());
        FileFormatException e = assertThrows(FileFormatException.class, () -> CoarseFiles.fromBytes(nan, "x.bsq"));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        // a header whose counts do not match the length
        byte[] big = good.clone();
        ByteBuffer.wrap(big).order(ByteOrder.LITTLE_ENDIAN).putInt(20, 1 << 21);
        assertThrows(FileFormatException.class, () -> CoarseFiles.fromBytes(big, "x.bsq"));
    }

    @Test
    void fitRefusesImpossibleSettings() {
        FloatMatrix x = TestData.clustered(50, 8, 1);
        assertThrows(IllegalArgumentException.class, () -> CoarseQuantizer.fit(x, 51, 4, 2, 1, Progress.NONE));
        assertThrows(IllegalArgumentException.class, () -> CoarseQuantizer.fit(x, 4, 9, 2, 1, Progress.NONE));
    }
}
