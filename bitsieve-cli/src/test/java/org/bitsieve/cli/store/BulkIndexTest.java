package org.bitsieve.cli.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;
import org.bitsieve.store.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** index --vectors on the bulk path: row-number ids or --docs, codes-only, upsert, and bad input refused with nothing written. */
class BulkIndexTest {
    static final int DIM = 384;

    @TempDir
    Path tmp;

    static float[] vectors(int rows, long seed) { return vectors(rows, DIM, seed); }

    static float[] vectors(int rows, int dim, long seed) {
        Random r = new Random(seed);
        float[] v = new float[rows * dim];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    Path npy(String name, float[] v, int dim) throws Exception {
        Path p = tmp.resolve(name);
        Npy.write(p, new FloatMatrix(v, v.length / dim, dim));
        return p;
    }

    Path docs(String name, int rows, String prefix) throws Exception {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            s.append("{\"id\": \"doc-").append(i).append("\", \"text\": \"").append(prefix).append(i).append("\", \"n\": ").append(i).append("}\n");
        }
        Path p = tmp.resolve(name);
        Files.writeString(p, s);
        return p;
    }

    @Test
    void vectorsAloneGiveRowNumberIdsAndCodesOnly() throws Exception {
        float[] v = vectors(3000, 1);
        Path coll = tmp.resolve("c");
        StoreCliTest.Run r = StoreCliTest.run("index", coll.toString(), "--vectors", npy("v.npy", v, DIM).toString(), "--general",
                "--keep-floats", "none", "--bulk-batch", "1000", "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("bulk-loaded 3000 documents") && r.out().contains("ids are row numbers"), r.out());
        try (Collection c = Collection.open(coll); Stream<Path> files = Files.list(coll)) {
            assertEquals(3000, c.count());
            assertNotNull(c.get("2999"));
            assertNull(c.get("17").vector(), "codes only");
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".vectors")));
            assertEquals(3, c.info().segments(), "one segment per --bulk-batch");
        }
        // .fvecs of the same rows appended as an upsert of rows 0..9: the count stays
        ByteBuffer b = ByteBuffer.allocate(10 * (4 + 4 * DIM)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 10; i++) {
            b.putInt(DIM);
            for (int j = 0; j < DIM; j++) {
                b.putFloat(v[i * DIM + j]);
            }
        }
        Path fv = tmp.resolve("v.fvecs");
        Files.write(fv, b.array());
        r = StoreCliTest.run("index", coll.toString(), "--vectors", fv.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("10 replaced"), r.out());
        try (Collection c = Collection.open(coll)) {
            assertEquals(3000, c.count());
        }
    }

    /**
     * A float64 .npy (NumPy's default dtype) streams through the bulk load as float32: the collection holds the same
     * codes and floats as one indexed from the float32 file, and a value beyond float32's range is named, not stored.
     */
    @Test
    void float64VectorsLoadAsTheirFloat32Rounding() throws Exception {
        int rows = 1500;
        float[] v = vectors(rows, 5);
        ByteBuffer body = ByteBuffer.allocate(rows * DIM * 8).order(ByteOrder.LITTLE_ENDIAN);
        Random extra = new Random(6);
        for (float x : v) {
            body.putDouble(x + extra.nextGaussian() * 1e-12); // digits float32 cannot hold: rounded back to x
        }
        Path f64 = tmp.resolve("v64.npy");
        Files.write(f64, npy64(rows, body.array()));
        Path a = tmp.resolve("from64");
        Path b = tmp.resolve("from32");
        assertEquals(0, StoreCliTest.run("index", a.toString(), "--vectors", f64.toString(), "--general", "--keep-floats", "f32",
                "--bulk-batch", "700", "-q").code());
        assertEquals(0, StoreCliTest.run("index", b.toString(), "--vectors", npy("v32.npy", v, DIM).toString(), "--general",
                "--keep-floats", "f32", "--bulk-batch", "700", "-q").code());
        try (Collection ca = Collection.open(a); Collection cb = Collection.open(b)) {
            assertEquals(rows, ca.count());
            for (int i = 0; i < rows; i += 97) {
                assertArrayEquals(cb.get(String.valueOf(i)).vector(), ca.get(String.valueOf(i)).vector(), "row " + i);
                // codes-only search (no re-ranking): equal hits and scores mean equal codes
                org.bitsieve.store.SearchRequest q = org.bitsieve.store.SearchRequest.of(cb.get(String.valueOf(i)).vector(), 5).oversample(1);
                assertEquals(cb.search(q).toString(), ca.search(q).toString(), "row " + i);
            }
        }
        body.putDouble(8 * (777 * DIM + 3), 1e300);
        Files.write(f64, npy64(rows, body.array()));
        StoreCliTest.Run r = StoreCliTest.run("index", tmp.resolve("huge").toString(), "--vectors", f64.toString(), "--general", "-q");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains("777"), r.err());
        assertFalse(Files.exists(tmp.resolve("huge")), "nothing written");
    }

    /** A little-endian float64 .npy of rows x DIM around {@code body}. */
    static byte[] npy64(int rows, byte[] body) {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + rows + ", " + DIM + "), }";
        String h = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
        return b.put(h.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).put(body).array();
    }

    @Test
    void docsGiveIdsTextAndMetadataAndALaterLoadUpserts() throws Exception {
        Path coll = tmp.resolve("c");
        Path v = npy("v.npy", vectors(500, 2), DIM);
        StoreCliTest.Run r = StoreCliTest.run("index", coll.toString(), "--vectors", v.toString(), "--docs", docs("d.jsonl", 500, "first ").toString(),
                "--bulk", "--general", "--cells", "4", "-q");
        assertEquals(0, r.code(), r.err());
        r = StoreCliTest.run("index", coll.toString(), "--vectors", v.toString(), "--docs", docs("d2.jsonl", 500, "second ").toString(), "--bulk", "-q");
        assertEquals(0, r.code(), r.err());
        try (Collection c = Collection.open(coll)) {
            assertEquals(500, c.count());
            assertEquals("second 42", c.get("doc-42").text());
            assertEquals("{\"n\":42}", c.get("doc-42").metadataJson());
            assertNotNull(c.get("doc-42").vector(), "f16 floats kept by default");
            assertNotNull(c.coarse(), "--cells partitions a bulk-loaded collection too");
            assertEquals(4, c.cellBalance().cells());
            assertEquals(500, c.search(org.bitsieve.store.SearchRequest.of(vectors(1, 9), 500).nprobe(4)).size());
        }
    }

    @Test
    void badInputIsRefusedWithNothingWritten() throws Exception {
        Path coll = tmp.resolve("c");
        Path v = npy("v.npy", vectors(300, 3), DIM);
        StoreCliTest.Run r = StoreCliTest.run("index", coll.toString(), "--vectors", v.toString(), "--docs", docs("d.jsonl", 299, "x").toString(),
                "--bulk", "--general", "-q");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("holds 299 documents but") && r.err().contains("holds 300 vectors"), r.err());
        assertFalse(Files.exists(coll), "no half-made collection");

        float[] bad = vectors(300, 3);
        bad[123 * DIM + 7] = Float.NaN;
        r = StoreCliTest.run("index", coll.toString(), "--vectors", npy("nan.npy", bad, DIM).toString(), "--general", "-q", "--bulk-batch", "100");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("row 123 holds a non-finite value"), r.err());
        assertFalse(Files.exists(coll), "no half-made collection");

        assertEquals(0, StoreCliTest.run("index", coll.toString(), "--vectors", v.toString(), "--general", "-q").code());
        r = StoreCliTest.run("index", coll.toString(), "--vectors", npy("d100.npy", vectors(10, 100, 4), 100).toString(), "-q");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("dimension 100") && r.err().contains("expects 384"), r.err());
        r = StoreCliTest.run("index", coll.toString(), "--vectors", npy("nan2.npy", bad, DIM).toString(), "-q", "--bulk-batch", "100");
        assertEquals(2, r.code());
        try (Collection c = Collection.open(coll)) {
            assertEquals(300, c.count(), "the existing collection is untouched");
        }
    }

    /** The check pass runs rows in parallel; its error must still name the file's first bad row, every time. */
    @Test
    void theFirstBadRowOfTheFileIsNamedWhateverComesAfterIt() throws Exception {
        Path coll = tmp.resolve("c");
        float[] bad = vectors(12_000, 5); // more than one read chunk of the check pass (2,730 rows of 384)
        java.util.Arrays.fill(bad, 9_000 * DIM, 9_001 * DIM, 0f); // all zeros: cannot be scored
        bad[11_999 * DIM] = Float.POSITIVE_INFINITY;
        bad[5_000 * DIM + 3] = 1e6f; // too large for f16
        bad[6_000 * DIM + 1] = Float.NaN;
        Path p = npy("bad.npy", bad, DIM);
        for (int round = 0; round < 3; round++) {
            StoreCliTest.Run r = StoreCliTest.run("index", coll.toString(), "--vectors", p.toString(), "--general", "-q");
            assertEquals(2, r.code());
            assertTrue(r.err().contains("row 5000 holds 1000000.0, too large for f16 floats"), r.err());
            assertFalse(Files.exists(coll), "no half-made collection");
        }
        StoreCliTest.Run r = StoreCliTest.run("index", coll.toString(), "--vectors", p.toString(), "--general", "--keep-floats", "none", "-q");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("row 6000 holds a non-finite value (NaN)"), r.err()); // 1e6 is fine without f16 floats
        bad[6_000 * DIM + 1] = 0.5f;
        r = StoreCliTest.run("index", coll.toString(), "--vectors", npy("bad2.npy", bad, DIM).toString(), "--general", "--keep-floats", "none", "-q");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("row 9000 cannot be scored: the vector is all zeros"), r.err());
        assertFalse(Files.exists(coll), "no half-made collection");
    }
}
