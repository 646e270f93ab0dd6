package org.bitsieve.core.io;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilesTest {
    @TempDir
    Path dir;

    static byte[] npy(String descr, String shape, boolean fortran, byte[] body) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String h = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
        b.put(h.getBytes(StandardCharsets.ISO_8859_1)).put(body);
        return b.array();
    }

    @Test
    void npyFloat32RoundTripAndFloat16Read() throws IOException {
        FloatMatrix m = TestData.clustered(7, 5, 1);
        Path p = dir.resolve("a.npy");
        Npy.write(p, m);
        assertArrayEquals(m.data(), Npy.read(p).data());
        // float16: 1.0, -2.5, 65504 (max), a subnormal, 0.333
        float[] vals = {1.0f, -2.5f, 65504f, 5.9604645E-8f, 0.333f, 0f};
        ByteBuffer body = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vals) {
            body.putShort(Half.fromFloat(v));
        }
        Path h = dir.resolve("h.npy");
        Files.write(h, npy("<f2", "(2, 3)", false, body.array()));
        FloatMatrix r = Npy.read(h);
        assertEquals(2, r.rows());
        assertEquals(3, r.dim());
        assertEquals(1.0f, r.get(0, 0));
        assertEquals(-2.5f, r.get(0, 1));
        assertEquals(65504f, r.get(0, 2));
        assertEquals(5.9604645E-8f, r.get(1, 0));
        assertEquals(0.333f, r.get(1, 1), 1e-3);
    }

    /** float64, NumPy's default dtype, is read and rounded to float32 (as FAISS's Python wrapper converts it). */
    @Test
    void npyFloat64IsReadAsFloat32() throws IOException {
        double[] vals = {1.0, -2.5, 0.1, 1e-300, 3.0e38, 1e300};
        ByteBuffer body = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : vals) {
            body.putDouble(v);
        }
        Path p = dir.resolve("d.npy");
        Files.write(p, npy("<f8", "(2, 3)", false, body.array()));
        assertEquals(8, Npy.readHeader(p).bytesPerValue());
        FloatMatrix r = Npy.read(p);
        assertEquals(2, r.rows());
        assertEquals(3, r.dim());
        for (int i = 0; i < vals.length; i++) {
            assertEquals((float) vals[i], r.data()[i], "value " + i);
        }
        assertEquals(0.1f, r.get(0, 2)); // rounded to nearest
        assertEquals(Float.POSITIVE_INFINITY, r.get(1, 2), "out of float32's range: infinity, which the value checks refuse");
    }

    @Test
    void npyBadFilesHaveClearMessages() throws IOException {
        Path p = dir.resolve("b.npy");
        Files.write(p, npy("<f4", "(4, 3)", false, new byte[40]));
        assertTrue(assertThrows(FileFormatException.class, () -> Npy.read(p)).getMessage().contains("truncated"));
        Files.write(p, npy("<i4", "(1, 3)", false, new byte[12]));
        assertTrue(assertThrows(FileFormatException.class, () -> Npy.read(p)).getMessage().contains("float32, float16 or float64"));
        Files.write(p, npy(">f4", "(1, 3)", false, new byte[12]));
        assertTrue(assertThrows(FileFormatException.class, () -> Npy.read(p)).getMessage().contains("little-endian"));
        Files.write(p, npy("<f8", "(2, 3)", false, new byte[40]));
        assertTrue(assertThrows(FileFormatException.class, () -> Npy.read(p)).getMessage().contains("truncated"), "8 bytes a value");
        Files.write(p, npy("<f4", "(2, 3)", true, new byte[24]));
        assertTrue(assertThrows(FileFormatException.class, () -> Npy.read(p)).getMessage().contains("Fortran"));
        Files.write(p, npy("<f4", "(6,)", false, new byte[24]));
        assertTrue(assertThrows(FileFormatException.class, () -> Npy.read(p)).getMessage().contains("2-D"));
        Files.write(p, "hello world, not numpy".getBytes());
        assertTrue(assertThrows(FileFormatException.class, () -> Npy.read(p)).getMessage().contains("magic"));
        // shorter than a header: another kind of file is called that, a cut-off .npy is truncated
        Files.write(p, "garbage".getBytes());
        assertTrue(assertThrows(FileFormatException.class, () -> Npy.read(p)).getMessage().contains("magic"));
        Files.write(p, new byte[0]);
        assertTrue(assertThrows(FileFormatException.class, () -> Npy.read(p)).getMessage().contains("truncated"));
        Files.write(p, Arrays.copyOf(npy("<f4", "(1, 3)", false, new byte[12]), 8));
        assertTrue(assertThrows(FileFormatException.class, () -> Npy.read(p)).getMessage().contains("truncated"));
    }

    @Test
    void fvecsReadAndTruncation() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2 * (4 + 12)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(3).putFloat(1).putFloat(2).putFloat(3).putInt(3).putFloat(4).putFloat(5).putFloat(6);
        Path p = dir.resolve("a.fvecs");
        Files.write(p, b.array());
        FloatMatrix m = Npy.readVectors(p);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, m.data());
        Files.write(p, Arrays.copyOf(b.array(), 30));
        assertTrue(assertThrows(FileFormatException.class, () -> Fvecs.read(p)).getMessage().contains("truncated"));
    }

    @Test
    void codesFileRoundTripAndDamage() throws IOException {
        PackedCodes c = PackedCodes.allocate(100, 200);
        for (int i = 0; i < c.data().length; i++) {
            c.data()[i] = i * 0x9E3779B97F4A7C15L;
        }
        for (int i = 0; i < 100; i++) {
            c.data()[i * 4 + 3] &= (1L << 8) - 1; // keep unused bits zero
        }
        Path p = dir.resolve("c.bsc");
        CodesFile.write(p, c, 1234L);
        CodesFile.Loaded l = CodesFile.read(p);
        assertArrayEquals(c.data(), l.codes().data());
        assertEquals(1234L, l.encoderFingerprint());
        byte[] all = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(all, all.length - 9));
        assertTrue(assertThrows(FileFormatException.class, () -> CodesFile.read(p)).getMessage().contains("truncated"));
        all[100] ^= 1;
        Files.write(p, all);
        assertTrue(assertThrows(FileFormatException.class, () -> CodesFile.read(p)).getMessage().contains("checksum"));
    }

    @Test
    void encoderFileVersionAndTruncation() throws IOException {
        var e = org.bitsieve.core.encode.Encoders.fit("sign", TestData.clustered(50, 8, 1),
                org.bitsieve.core.encode.FitOptions.bits(8));
        byte[] b = EncoderFiles.toBytes(e);
        byte[] v2 = b.clone();
        v2[8] = 2;
        assertTrue(assertThrows(FileFormatException.class, () -> EncoderFiles.fromBytes(v2, Path.of("x")))
                .getMessage().contains("version 2"));
        assertThrows(FileFormatException.class, () -> EncoderFiles.fromBytes(Arrays.copyOf(b, b.length - 20), Path.of("x")));
        Path p = dir.resolve("e.bse");
        Files.write(p, "BSCODES1 not an encoder".getBytes());
        assertTrue(assertThrows(FileFormatException.class, () -> EncoderFiles.load(p)).getMessage().contains("magic"));
    }

    @Test
    void halfRoundTripsEveryValue() {
        for (int h = 0; h < 65536; h++) {
            float f = Half.toFloat((short) h);
            if (!Float.isNaN(f)) {
                assertEquals((short) h, Half.fromFloat(f), "half " + Integer.toHexString(h));
            }
        }
    }

    /**
     * The fingerprint must tell encoders apart by all 64 bits. The legacy one's high half (CRC-32C of a file that
     * ends with its own CRC-32C) is the same constant for every encoder, which this test also pins down, and it
     * is still accepted for files written before the change.
     */
    @Test
    void fingerprintsDifferInBothHalvesAndTheLegacyOneIsStillAccepted() {
        FloatMatrix x = TestData.clustered(500, 16, 3);
        java.util.Set<Long> high = new java.util.HashSet<>();
        java.util.Set<Long> low = new java.util.HashSet<>();
        java.util.Set<Long> legacyHigh = new java.util.HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            org.bitsieve.core.encode.Encoder e = org.bitsieve.core.encode.Encoders.fit("simhash", x,
                    org.bitsieve.core.encode.FitOptions.bits(32).withSeed(seed));
            long f = EncoderFiles.fingerprint(e);
            high.add(f >>> 32);
            low.add(f & 0xFFFFFFFFL);
            legacyHigh.add(EncoderFiles.legacyFingerprint(e) >>> 32);
            assertTrue(EncoderFiles.matches(e, f));
            assertTrue(EncoderFiles.matches(e, EncoderFiles.legacyFingerprint(e)), "files written before the change must still open");
            assertTrue(!EncoderFiles.matches(e, f ^ 1L));
        }
        assertEquals(20, high.size(), "high halves must differ");
        assertEquals(20, low.size(), "low halves must differ");
        assertEquals(1, legacyHigh.size(), "the legacy high half is a constant (why it was replaced)");
    }
}
