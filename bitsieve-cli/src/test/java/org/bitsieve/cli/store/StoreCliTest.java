package org.bitsieve.cli.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class StoreCliTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) { return capture(() -> StoreCli.run(args)); }

    /** The whole command line ({@code Main}: store commands plus refit, export-web, ...). */
    static Run runMain(String... args) { return capture(() -> org.bitsieve.cli.Main.run(args)); }

    /** Runs a command with stdout and stderr captured; one lock, since System.out is global. */
    private static synchronized Run capture(java.util.function.IntSupplier command) {
        PrintStream o = System.out;
        PrintStream e = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = command.getAsInt();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    /** 200 vectors in 2 clusters; label = cluster. */
    private Path[] data(int n) throws Exception {
        Random r = new Random(3);
        int dim = 16;
        float[] d = new float[n * dim];
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            for (int j = 0; j < dim; j++) {
                d[i * dim + j] = (float) ((j % 2 == label ? 1.0 : -1.0) + 0.5 * r.nextGaussian());
            }
            lines.add("{\"id\":\"doc-" + i + "\",\"text\":\"text number " + i + "\",\"label\":" + label + "}");
        }
        Path v = tmp.resolve("v.npy");
        Npy.write(v, new FloatMatrix(d, n, dim).normalizeRows());
        Path j = tmp.resolve("docs.jsonl");
        Files.write(j, lines);
        return new Path[] {v, j};
    }

    @Test
    void indexSearchClassifyInfoCompactDrop() throws Exception {
        Path[] in = data(200);
        String coll = tmp.resolve("coll").toString();
        Run idx = run("index", coll, "--vectors", in[0].toString(), "--docs", in[1].toString(), "--bits", "32", "--encoder-kind", "pcaq", "-q");
        assertEquals(0, idx.code(), idx.err());
        assertTrue(idx.out().contains("indexed 200 documents"), idx.out());

        Run s = run("search", coll, "--vector-file", in[0].toString(), "--row", "3", "-k", "5");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().lines().findFirst().orElseThrow().contains("doc-3"), s.out());

        Run f = run("search", coll, "--vector-file", in[0].toString(), "--row", "4", "-k", "5", "--filter", "label=1", "--json");
        assertEquals(0, f.code(), f.err());
        assertEquals(5, f.out().lines().count());
        f.out().lines().forEach(l -> assertTrue(l.contains("\"label\":1"), l));

        Run c = run("classify", coll, "--vector-file", in[0].toString(), "--row", "5", "--label-field", "label");
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().startsWith("label: 1"), c.out());

        Run all = run("classify", coll, "--vector-file", in[0].toString(), "--all", "--truth", in[1].toString(), "-q");
        assertEquals(0, all.code(), all.err());
        assertTrue(all.out().contains("accuracy 100.00%"), all.out());

        Run dup = run("index", coll, "--vectors", in[0].toString(), "--docs", in[1].toString(), "-q");
        assertEquals(2, dup.code());
        assertTrue(dup.err().contains("already exists"), dup.err());
        assertEquals(0, run("index", coll, "--vectors", in[0].toString(), "--docs", in[1].toString(), "-q", "--upsert").code());

        Run info = run("info", coll);
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("documents      200 (200 deleted rows"), info.out());
        assertTrue(info.out().contains("index"), info.out());

        Run comp = run("compact", coll);
        assertEquals(0, comp.code(), comp.err());
        assertTrue(run("info", coll).out().contains("documents      200 (0 deleted rows"));

        assertEquals(0, run("drop", coll).code());
        assertFalse(Files.exists(Path.of(coll)));
    }

    @Test
    void getAndDeleteById() throws Exception {
        Path[] in = data(200);
        String coll = tmp.resolve("gd").toString();
        assertEquals(0, run("index", coll, "--vectors", in[0].toString(), "--docs", in[1].toString(), "--bits", "32", "--encoder-kind", "pcaq", "-q").code());

        Run g = run("get", coll, "doc-3", "--vector");
        assertEquals(0, g.code(), g.err());
        var o = StoreInputs.JSON.readTree(g.out());
        assertEquals("doc-3", o.get("id").asText());
        assertEquals("text number 3", o.get("text").asText());
        assertEquals(1, o.get("metadata").get("label").asInt());
        float[] v = Npy.read(in[0]).row(3);
        assertEquals(v.length, o.get("vector").size());
        for (int j = 0; j < v.length; j++) {
            assertEquals(v[j], o.get("vector").get(j).floatValue(), 1e-3, "f16 keeps the vector to ~3 digits");
        }

        Path idFile = tmp.resolve("ids.txt");
        Files.write(idFile, List.of("doc-7", "", "  doc-8  "));
        Run d = run("delete", coll, "doc-3", "doc-5", "no-such-doc", "--ids", idFile.toString());
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().contains("deleted 4 of 5 ids") && d.out().contains("(1 not found); 196 documents left"), d.out());

        // the deletes are durable and visible to every later command
        Run gone = run("get", coll, "doc-3", "doc-4");
        assertEquals(1, gone.code());
        assertEquals(1, gone.out().lines().count(), gone.out());
        assertTrue(gone.out().contains("\"doc-4\""), gone.out());
        assertTrue(gone.err().contains("not found") && gone.err().contains("doc-3"), gone.err());
        Run s = run("search", coll, "--vector-file", in[0].toString(), "--row", "3", "-k", "200", "--json");
        assertEquals(196, s.out().lines().count());
        assertFalse(s.out().contains("\"doc-3\"") || s.out().contains("\"doc-8\""), s.out());
        assertTrue(run("info", coll).out().contains("documents      196 (4 deleted rows"));

        // nothing to do is an error that says what to give; a collection without floats refuses --vector
        Run none = run("delete", coll);
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("bitsieve: error: no ids given"), none.err());
        String bare = tmp.resolve("bare").toString();
        assertEquals(0, run("index", bare, "--vectors", in[0].toString(), "--docs", in[1].toString(), "--bits", "32", "--encoder-kind", "pcaq", "-q",
                "--keep-floats", "none").code());
        Run nov = run("get", bare, "doc-1", "--vector");
        assertEquals(2, nov.code());
        assertTrue(nov.err().contains("keeps no float vectors"), nov.err());
        assertEquals(0, run("get", bare, "doc-1").code());
    }

    @Test
    void errorsAreOneLine() throws Exception {
        Path[] in = data(10);
        String coll = tmp.resolve("c").toString();
        List<Run> bad = List.of(
                run("search", tmp.resolve("missing").toString(), "--vector-file", in[0].toString()),
                run("index", coll, "--vectors", in[0].toString(), "--docs", tmp.resolve("nope.jsonl").toString()),
                run("index", coll, "--vectors", in[0].toString(), "--docs", in[1].toString(), "--keep-floats", "f8"));
        for (Run r : bad) {
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("bitsieve: error: "), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
        assertEquals(0, run("index", coll, "--vectors", in[0].toString(), "--docs", in[1].toString(), "--bits", "16", "--encoder-kind", "pcaq", "-q",
                "--keep-floats", "none").code());
        List<Run> bad2 = List.of(
                run("search", coll, "--vector-file", in[0].toString(), "--row", "99"),
                run("search", coll, "--vector-file", in[0].toString(), "--filter", "nolabel"),
                run("search", coll, "--vector-file", in[0].toString(), "--oversample", "5"),
                run("search", coll, "--vector-file", in[0].toString(), "--mode", "cosine"),
                run("classify", coll, "--vector-file", in[0].toString(), "--label-field", "nope"));
        for (Run r : bad2) {
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("bitsieve: error: "), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
        // a corrupt file: refused with its name
        Path codes;
        try (var s = Files.list(Path.of(coll))) {
            codes = s.filter(p -> p.toString().endsWith(".codes")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(codes);
        b[b.length / 2] ^= 1;
        Files.write(codes, b);
        Run corrupt = run("search", coll, "--vector-file", in[0].toString());
        assertEquals(2, corrupt.code());
        assertTrue(corrupt.err().contains(codes.getFileName().toString()) && corrupt.err().contains("checksum"), corrupt.err());
    }

    @Test
    void verifyAndRepair() throws Exception {
        Path[] in = data(200);
        Path coll = tmp.resolve("coll");
        assertEquals(0, run("index", coll.toString(), "--vectors", in[0].toString(), "--docs", in[1].toString(), "--bits", "32",
                "--encoder-kind", "pcaq", "-q").code());
        Run ok = run("verify", coll.toString());
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("ok"), ok.out());

        Path payloads = coll.resolve("seg-000001.payloads");
        byte[] b = Files.readAllBytes(payloads);
        b[b.length / 2] ^= 0x5A;
        Files.write(payloads, b);
        Run bad = run("verify", coll.toString());
        assertEquals(1, bad.code(), bad.out() + bad.err());
        assertTrue(bad.out().contains("seg-000001.payloads @") && bad.out().contains("failed its checksum"), bad.out());

        Run fix = run("repair", coll.toString());
        assertEquals(0, fix.code(), fix.out() + fix.err());
        assertTrue(fix.out().contains("lost ") && fix.out().contains("quarantine"), fix.out());
        assertEquals(0, run("verify", coll.toString()).code());
        try (var q = Files.walk(coll.resolve("quarantine"))) {
            assertTrue(q.anyMatch(p -> p.getFileName().toString().equals("seg-000001.payloads")));
        }

        Run missing = run("verify", tmp.resolve("nothing").toString());
        assertEquals(2, missing.code(), missing.out() + missing.err());
        assertEquals(2, run("verify").code());
    }
}
