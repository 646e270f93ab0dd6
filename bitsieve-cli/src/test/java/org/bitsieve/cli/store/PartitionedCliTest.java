package org.bitsieve.cli.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.coarse.CoarseFiles;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.bitsieve.cli.store.StoreCliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** `index --cells/--coarse`, `search --nprobe/--exact`, `info` on partitioned collections, and `fit --coarse`. */
class PartitionedCliTest {
    @TempDir
    Path tmp;

    /** 600 vectors around 6 centres; label = centre. */
    private Path[] data(int n) throws Exception {
        Random r = new Random(5);
        int dim = 16;
        float[][] centres = new float[6][dim];
        for (float[] c : centres) {
            for (int j = 0; j < dim; j++) {
                c[j] = (float) r.nextGaussian();
            }
        }
        float[] d = new float[n * dim];
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                d[i * dim + j] = (float) (centres[i % 6][j] + 0.4 * r.nextGaussian());
            }
            lines.add("{\"id\":\"doc-" + i + "\",\"text\":\"text " + i + "\",\"label\":" + (i % 6) + "}");
        }
        Path v = tmp.resolve("v.npy");
        Npy.write(v, new FloatMatrix(d, n, dim).normalizeRows());
        Path j = tmp.resolve("docs.jsonl");
        Files.write(j, lines);
        return new Path[] {v, j};
    }

    @Test
    void indexWithCellsThenSearchWithNprobeOrExact() throws Exception {
        Path[] in = data(600);
        String coll = tmp.resolve("c").toString();
        StoreCliTest.Run idx = run("index", coll, "--vectors", in[0].toString(), "--docs", in[1].toString(), "--bits", "32",
                "--encoder-kind", "pcaq", "--cells", "8", "-q");
        assertEquals(0, idx.code(), idx.err());
        assertTrue(idx.out().contains("coarse quantiser of 8 cells"), idx.out());
        StoreCliTest.Run exact = run("search", coll, "--vector-file", in[0].toString(), "--row", "3", "-k", "5", "--exact", "--json");
        StoreCliTest.Run all = run("search", coll, "--vector-file", in[0].toString(), "--row", "3", "-k", "5", "--nprobe", "8", "--json");
        StoreCliTest.Run dflt = run("search", coll, "--vector-file", in[0].toString(), "--row", "3", "-k", "5", "--json");
        assertEquals(0, exact.code(), exact.err());
        assertEquals(exact.out(), all.out(), "every cell = exact");
        assertEquals(exact.out(), dflt.out(), "a small collection searches exactly by default");
        StoreCliTest.Run one = run("search", coll, "--vector-file", in[0].toString(), "--row", "3", "-k", "5", "--nprobe", "1");
        assertEquals(0, one.code(), one.err());
        StoreCliTest.Run bad = run("search", coll, "--vector-file", in[0].toString(), "--row", "3", "--nprobe", "9");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("0..8"), bad.err());
        StoreCliTest.Run both = run("search", coll, "--vector-file", in[0].toString(), "--exact", "--nprobe", "2");
        assertNotEquals(0, both.code());
        assertTrue(both.err().contains("not both"), both.err());
        StoreCliTest.Run cl = run("classify", coll, "--vector-file", in[0].toString(), "--row", "5", "--label-field", "label", "--nprobe", "2");
        assertEquals(0, cl.code(), cl.err());
        StoreCliTest.Run info = run("info", coll);
        assertTrue(info.out().contains("8 coarse cells") && info.out().contains("median"), info.out());
        assertTrue(run("compact", coll).code() == 0);
        assertEquals(exact.out(), run("search", coll, "--vector-file", in[0].toString(), "--row", "3", "-k", "5", "--nprobe", "8", "--json").out());
    }

    @Test
    void calibrateMeasuresTheDefaultNprobeKeepsItAndRefusesClearly() throws Exception {
        Path[] in = data(600);
        String coll = tmp.resolve("c").toString();
        assertEquals(0, run("index", coll, "--vectors", in[0].toString(), "--docs", in[1].toString(), "--bits", "32",
                "--encoder-kind", "pcaq", "--cells", "8", "-q").code());
        assertTrue(run("info", coll).out().contains("nprobe         not measured"), run("info", coll).out());
        StoreCliTest.Run cal = run("calibrate", coll, "--target", "0.9", "--queries", "100");
        assertEquals(0, cal.code(), cal.err());
        assertTrue(cal.out().contains("default nprobe") && cal.out().contains("target 0.90") && cal.out().contains("100 sample documents"), cal.out());
        assertTrue(cal.out().contains("stay exact below 100,000 documents"), cal.out());
        StoreCliTest.Run info = run("info", coll);
        assertTrue(info.out().contains("nprobe         default nprobe") && info.out().contains("target 0.90"), info.out());
        // a later calibration without --target keeps the last one's
        StoreCliTest.Run again = run("calibrate", coll, "--queries", "50");
        assertTrue(again.out().contains("target 0.90"), again.out());

        for (String[] bad : new String[][] {{"--target", "1.5"}, {"--target", "0"}, {"--queries", "0"}, {"--queries", "5", "--vectors", in[0].toString()}}) {
            List<String> args = new ArrayList<>(List.of("calibrate", coll));
            args.addAll(List.of(bad));
            StoreCliTest.Run r = run(args.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith("bitsieve: error: ") && !r.err().contains("Exception"), r.err());
        }
        // codes only: no stored vectors to draw queries from, so it asks for --vectors, and takes them
        String codes = tmp.resolve("codes").toString();
        assertEquals(0, run("index", codes, "--vectors", in[0].toString(), "--bits", "32", "--encoder-kind", "pcaq", "--cells", "8",
                "--keep-floats", "none", "-q").code());
        StoreCliTest.Run none = run("calibrate", codes);
        assertEquals(2, none.code());
        assertTrue(none.err().contains("--vectors"), none.err());
        StoreCliTest.Run given = run("calibrate", codes, "--vectors", in[0].toString());
        assertEquals(0, given.code(), given.err());
        assertTrue(given.out().contains("600 sample documents"), given.out());
        // unpartitioned: nothing to calibrate
        String plain = tmp.resolve("plain").toString();
        assertEquals(0, run("index", plain, "--vectors", in[0].toString(), "--bits", "32", "--encoder-kind", "pcaq", "-q").code());
        StoreCliTest.Run np = run("calibrate", plain);
        assertEquals(2, np.code());
        assertTrue(np.err().contains("not partitioned"), np.err());
    }

    @Test
    void fitCoarseWritesAQuantiserThatIndexTakes() throws Exception {
        Path[] in = data(600);
        Path q = tmp.resolve("q.bsq");
        int code = new picocli.CommandLine(new org.bitsieve.cli.Main()).execute("fit", in[0].toString(), "--coarse", "--cells", "12",
                "--projection", "8", "-o", q.toString());
        assertEquals(0, code);
        assertEquals(12, CoarseFiles.load(q).cells());
        String coll = tmp.resolve("c").toString();
        StoreCliTest.Run idx = run("index", coll, "--vectors", in[0].toString(), "--docs", in[1].toString(), "--bits", "32",
                "--encoder-kind", "pcaq", "--coarse", q.toString(), "-q");
        assertEquals(0, idx.code(), idx.err());
        assertTrue(run("info", coll).out().contains("12 coarse cells"));
        StoreCliTest.Run bad = run("index", tmp.resolve("d").toString(), "--vectors", in[0].toString(), "--docs", in[1].toString(),
                "--bits", "32", "--encoder-kind", "pcaq", "--coarse", q.toString(), "--cells", "4", "-q");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("not both"), bad.err());
        assertFalse(Files.exists(tmp.resolve("d").resolve("MANIFEST")));
    }
}
