package org.bitsieve.cli.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;
import org.bitsieve.store.Collection;
import org.bitsieve.store.StoredDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** {@code bitsieve refit}, {@code compact --refit}, {@code index --fit-sample}, and export-web after a refit. */
class RefitCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int DIM = 48;

    @TempDir
    Path tmp;

    static StoreCliTest.Run run(String... args) { return StoreCliTest.runMain(args); }

    static FloatMatrix vectors(int n, long seed) { return vectors(n, seed, DIM); }

    /** Clustered unit vectors (8 clusters), seeded. */
    static FloatMatrix vectors(int n, long seed, int dim) {
        Random r = new Random(seed);
        float[] centres = new float[8 * dim];
        Random c = new Random(99);
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) c.nextGaussian();
        }
        float[] d = new float[n * dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                d[i * dim + j] = centres[(i % 8) * dim + j] + (float) (0.7 * r.nextGaussian());
            }
        }
        return new FloatMatrix(d, n, dim).normalizeRows();
    }

    private Path[] data(String name, int n) throws Exception { return data(name, n, DIM); }

    private Path[] data(String name, int n, int dim) throws Exception {
        Path v = tmp.resolve(name + ".npy");
        Npy.write(v, vectors(n, n, dim));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("{\"id\":\"doc-" + i + "\",\"text\":\"text " + i + "\",\"label\":" + (i % 8) + "}");
        }
        Path j = tmp.resolve(name + ".jsonl");
        Files.write(j, lines);
        return new Path[] {v, j};
    }

    @Test
    void refitCommandSwitchesAndExportWebShipsTheNewEncoder() throws Exception {
        Path[] in = data("d", 1500, 384); // export-web needs the model's dimension
        String coll = tmp.resolve("coll").toString();
        StoreCliTest.Run idx = run("index", coll, "--vectors", in[0].toString(), "--docs", in[1].toString(), "--encoder-kind", "sign", "--bits", "32",
                "--keep-floats", "f16", "-q");
        assertEquals(0, idx.code(), idx.err());

        StoreCliTest.Run badRank = run("refit", coll, "--rank", "fastest");
        assertEquals(2, badRank.code(), badRank.out());
        assertTrue(badRank.err().contains("asymmetric or balanced"), badRank.err());
        StoreCliTest.Run dry = run("refit", coll, "--kinds", "itq", "--force", "--dry-run", "--rank", "asymmetric");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(dry.out().contains("unchanged"), dry.out());
        StoreCliTest.Run r = run("refit", coll, "--kinds", "itq", "--force");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("refit on 1,500 documents (1,200 fitted, 300 held out as queries)"), r.out());
        assertTrue(r.out().contains("candidate itq"), r.out());
        assertTrue(r.out().contains("changed: itq"), r.out());
        StoreCliTest.Run info = run("info", coll);
        assertTrue(info.out().contains("itq"), info.out());

        Path bundle = tmp.resolve("bundle");
        StoreCliTest.Run ex = run("export-web", coll, bundle.toString());
        assertEquals(0, ex.code(), ex.err());
        assertTrue(ex.out().contains("(itq, 32 bits)"), ex.out());
        JsonNode m = JSON.readTree(bundle.resolve("manifest.json").toFile());
        List<StoredDoc> stored = new ArrayList<>();
        float[] planes;
        try (Collection c = Collection.open(Path.of(coll))) {
            c.snapshot().forEachDoc(stored::add);
            planes = c.encoder().arrays().get("planes");
        }
        // the bundle carries the refitted encoder's planes and the re-encoded codes
        ByteBuffer enc = ByteBuffer.wrap(Files.readAllBytes(bundle.resolve("encoder.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        JsonNode pl = m.get("encoder").get("arrays").get("planes");
        assertEquals(planes.length, pl.get("length").asInt());
        for (int i = 0; i < planes.length; i += 13) {
            assertEquals(planes[i], enc.getFloat(pl.get("offset").asInt() + 4 * i));
        }
        ByteBuffer codes = ByteBuffer.wrap(Files.readAllBytes(bundle.resolve("codes.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < stored.size(); i += 11) {
            assertEquals(stored.get(i).code()[0], codes.getLong(8 * i));
        }

        StoreCliTest.Run compact = run("compact", coll, "--refit");
        assertEquals(0, compact.code(), compact.err());
        assertTrue(compact.out().contains("refit on 1,500 documents"), compact.out());
        assertTrue(compact.out().contains("compacted"), compact.out());
    }

    @Test
    void codesOnlyCollectionsTakeAnEncoderFittedOnASample() throws Exception {
        Path[] in = data("docs", 300);
        Path sample = tmp.resolve("sample.npy");
        Npy.write(sample, vectors(1200, 7));
        String coll = tmp.resolve("codes").toString();
        StoreCliTest.Run idx = run("index", coll, "--vectors", in[0].toString(), "--docs", in[1].toString(), "--keep-floats", "none", "--bits", "32",
                "--fit-sample", sample.toString(), "-q");
        assertEquals(0, idx.code(), idx.err());
        assertTrue(idx.out().contains("encoder chosen on the sample of 1,200 documents"), idx.out());
        StoreCliTest.Run refit = run("refit", coll);
        assertEquals(2, refit.code());
        assertTrue(refit.err().contains("keeps no float vectors"), refit.err());
        StoreCliTest.Run s = run("search", coll, "--vector-file", in[0].toString(), "--row", "3", "-k", "3");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("doc-"), s.out());

        // bad samples: nothing is created
        Path wrongDim = tmp.resolve("dim.npy");
        Npy.write(wrongDim, new FloatMatrix(new float[1200 * 10], 1200, 10));
        Path nan = tmp.resolve("nan.npy");
        FloatMatrix withNan = vectors(1200, 8);
        withNan.data()[5 * DIM + 2] = Float.NaN;
        Npy.write(nan, withNan);
        Path few = tmp.resolve("few.npy");
        Npy.write(few, vectors(200, 9));
        String[][] cases = {{wrongDim.toString(), "has dimension 10 but the documents' vectors have 48"},
                {nan.toString(), "row 5, column 2 is NaN"}, {few.toString(), "has 200 rows; choosing an encoder needs at least 1000"},
                {tmp.resolve("missing.npy").toString(), "file not found"}};
        for (String[] c : cases) {
            Path dir = tmp.resolve("bad-" + Path.of(c[0]).getFileName());
            StoreCliTest.Run bad = run("index", dir.toString(), "--vectors", in[0].toString(), "--docs", in[1].toString(), "--keep-floats", "none",
                    "--bits", "32", "--fit-sample", c[0], "-q");
            assertEquals(2, bad.code(), c[0] + ": " + bad.out());
            assertTrue(bad.err().contains(c[1]), bad.err());
            assertFalse(Files.exists(dir), "nothing written for " + c[0]);
        }
        StoreCliTest.Run both = run("index", tmp.resolve("both").toString(), "--vectors", in[0].toString(), "--docs", in[1].toString(),
                "--encoder-kind", "itq", "--fit-sample", sample.toString(), "-q");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("leave out --encoder"), both.err());
        StoreCliTest.Run exists = run("index", coll, "--vectors", in[0].toString(), "--docs", in[1].toString(), "--fit-sample", sample.toString(), "--upsert");
        assertEquals(2, exists.code());
        assertTrue(exists.err().contains("applies to a new collection"), exists.err());
    }
}
