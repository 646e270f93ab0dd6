package org.bitsieve.cli.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.io.Npy;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.store.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code index --general} of a new collection adapts the shipped witq's thresholds and decoder to the documents
 * (IndexCommand.adapt): on the bulk path from rows drawn across the whole file, on the write path from the loaded
 * vectors; {@code --no-adapt} and small collections keep the shipped encoder (referenced, not copied).
 */
class AdaptedIndexTest {
    static final int DIM = 384;

    @TempDir
    Path tmp;

    /** Rows sorted by "source": the first half pulled one way along a fixed direction, the second half the other way. */
    static FloatMatrix sortedBySource(int rows) {
        Random r = new Random(3);
        float[] u = new float[DIM];
        for (int j = 0; j < DIM; j++) {
            u[j] = (float) r.nextGaussian();
        }
        float[] v = new float[rows * DIM];
        for (int i = 0; i < rows; i++) {
            float side = i < rows / 2 ? 1f : -1f;
            for (int j = 0; j < DIM; j++) {
                v[i * DIM + j] = (float) r.nextGaussian() + 0.5f * side * u[j];
            }
        }
        return new FloatMatrix(v, rows, DIM).normalizeRows();
    }

    Path npy(String name, FloatMatrix x) throws Exception {
        Path p = tmp.resolve(name);
        Npy.write(p, x);
        return p;
    }

    static double worstBitSkew(Encoder e, FloatMatrix x) {
        PackedCodes c = e.encodeAll(x);
        double worst = 0;
        for (int j = 0; j < e.bits(); j++) {
            int ones = 0;
            for (int i = 0; i < c.count(); i++) {
                ones += c.bit(i, j) ? 1 : 0;
            }
            worst = Math.max(worst, Math.abs(ones / (double) c.count() - 0.5));
        }
        return worst;
    }

    @Test
    void bulkLoadAdaptsToRowsDrawnAcrossTheWholeFile() throws Exception {
        FloatMatrix x = sortedBySource(24_000); // more rows than the 20,000 drawn: a prefix would see one source only
        Path coll = tmp.resolve("c");
        StoreCliTest.Run r = StoreCliTest.run("index", coll.toString(), "--vectors", npy("v.npy", x).toString(), "--general",
                "--keep-floats", "none", "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("adapted its thresholds and decoder to 20,000 of the 24,000 documents"), r.out());
        Encoder shipped = GeneralEncoders.load("all-minilm-l6-v2", 256);
        try (Collection c = Collection.open(coll)) {
            Encoder e = c.encoder();
            assertEquals("20000 vectors", e.params().get("adaptedTo"));
            assertNotEquals(EncoderFiles.fingerprint(shipped), EncoderFiles.fingerprint(e));
            assertArrayEquals(shipped.arrays().get("planes"), e.arrays().get("planes"), "the shipped planes are kept");
            assertTrue(worstBitSkew(e, x) < 0.03, "every bit splits the whole file near half: " + worstBitSkew(e, x));
            assertTrue(worstBitSkew(shipped, x) > 0.1, "the shipped thresholds do not: " + worstBitSkew(shipped, x));
        }
        assertTrue(Files.exists(coll.resolve("encoder.bse")), "an adapted encoder is stored with the collection");
        // the collection keeps its encoder on later loads: nothing is adapted again
        r = StoreCliTest.run("index", coll.toString(), "--vectors", npy("more.npy", sortedBySource(1200)).toString(), "--general", "-q");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("adapted"), r.out());
    }

    @Test
    void theShippedItqGetsMedianThresholds() throws Exception {
        FloatMatrix x = sortedBySource(3000);
        Path coll = tmp.resolve("i");
        StoreCliTest.Run r = StoreCliTest.run("index", coll.toString(), "--vectors", npy("v.npy", x).toString(), "--general", "--bits", "128",
                "--keep-floats", "none", "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("adapted its thresholds to 3,000 of the 3,000 documents"), "itq has no decoder: " + r.out());
        Encoder shipped = GeneralEncoders.load("all-minilm-l6-v2", 128);
        assertEquals("itq", shipped.kind());
        try (Collection c = Collection.open(coll)) {
            assertEquals("itq", c.encoder().kind());
            assertEquals("3000 vectors", c.encoder().params().get("adaptedTo"));
            assertArrayEquals(shipped.arrays().get("planes"), c.encoder().arrays().get("planes"));
            assertTrue(worstBitSkew(c.encoder(), x) < 0.01, "each bit splits the documents in half: " + worstBitSkew(c.encoder(), x));
        }
    }

    @Test
    void noAdaptAndSmallCollectionsKeepTheShippedEncoder() throws Exception {
        Encoder shipped = GeneralEncoders.load("all-minilm-l6-v2", 256);
        Path a = tmp.resolve("a");
        StoreCliTest.Run r = StoreCliTest.run("index", a.toString(), "--vectors", npy("v.npy", sortedBySource(3000)).toString(), "--general",
                "--no-adapt", "-q");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("adapted"), r.out());
        Path small = tmp.resolve("s");
        r = StoreCliTest.run("index", small.toString(), "--vectors", npy("w.npy", sortedBySource(999)).toString(), "--general", "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("kept the shipped thresholds: 999 documents"), r.out());
        for (Path coll : new Path[] {a, small}) {
            try (Collection c = Collection.open(coll)) {
                assertEquals(EncoderFiles.fingerprint(shipped), EncoderFiles.fingerprint(c.encoder()), coll.toString());
            }
            assertTrue(Files.exists(coll.resolve("encoder.ref")), "the shipped encoder is referenced, not copied");
        }
    }

    @Test
    void writePathWithDocsAdaptsToTheLoadedVectors() throws Exception {
        int n = 1500;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append("{\"id\": \"d").append(i).append("\", \"text\": \"t").append(i).append("\"}\n");
        }
        Path docs = tmp.resolve("d.jsonl");
        Files.writeString(docs, s);
        Path coll = tmp.resolve("w");
        FloatMatrix x = sortedBySource(n);
        StoreCliTest.Run r = StoreCliTest.run("index", coll.toString(), "--vectors", npy("v.npy", x).toString(), "--docs", docs.toString(),
                "--general", "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("adapted its thresholds and decoder to 1,500 of the 1,500 documents"), r.out());
        try (Collection c = Collection.open(coll)) {
            assertEquals(n, c.count());
            assertTrue(worstBitSkew(c.encoder(), x) < 0.01, "fitted on every row: each bit splits them in half");
        }
    }
}
