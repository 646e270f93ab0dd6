package org.bitsieve.cli.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.cli.Main;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;
import org.bitsieve.store.Collection;
import org.bitsieve.store.StoredDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;

/** export-web on small synthetic collections; the browser side is tested in web/ (npm test, real Chromium). */
class ExportWebCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static synchronized Run run(String... args) {
        PrintStream o = System.out;
        PrintStream e = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }

    /** A collection of n 384-d docs (the default model's dimension), with one delete so export skips a row. */
    private Path collection(String kind, int bits, int n) throws Exception {
        Random r = new Random(5);
        int dim = 384;
        float[] d = new float[n * dim];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String text = i == 1 ? "x".repeat(300) + "\u00e9\ud83d\ude00 end" : "text number " + i;
            lines.add(JSON.writeValueAsString(java.util.Map.of("id", "doc-" + i, "text", text, "label", i % 3)));
        }
        Path v = tmp.resolve(kind + ".npy");
        Npy.write(v, new FloatMatrix(d, n, dim).normalizeRows());
        Path j = tmp.resolve(kind + ".jsonl");
        Files.write(j, lines);
        Path c = tmp.resolve("coll-" + kind);
        Run idx = run("index", c.toString(), "--vectors", v.toString(), "--docs", j.toString(), "--encoder-kind", kind,
                "--bits", Integer.toString(bits), "--keep-floats", "none", "-q");
        assertEquals(0, idx.code(), idx.err());
        try (Collection coll = Collection.open(c)) {
            coll.delete(List.of("doc-3"));
        }
        return c;
    }

    @Test
    void bundleHoldsTheStoreCodesDocsAndChecksums() throws Exception {
        Path c = collection("sign", 100, 400);
        Path b = tmp.resolve("bundle");
        Run ex = run("export-web", c.toString(), b.toString(), "--snippet", "200");
        assertEquals(0, ex.code(), ex.err());
        assertTrue(ex.out().contains("exported 399 documents (sign, 100 bits)"), ex.out());
        assertFalse(ex.out().contains("built for asymmetric search"), "the Hamming note is for pcaq and pq only");

        JsonNode m = JSON.readTree(b.resolve("manifest.json").toFile());
        assertEquals("bitsieve-web-bundle", m.get("format").asText());
        assertEquals(1, m.get("version").asInt());
        assertEquals(399, m.get("documents").asInt());
        assertEquals(100, m.get("bits").asInt());
        assertEquals(2, m.get("codes").get("wordsPerCode").asInt());
        assertEquals("plane", m.get("encoder").get("scoring").asText());
        assertTrue(m.get("norms").isNull());
        assertEquals("all-minilm-l6-v2", m.get("model").get("name").asText());
        assertEquals(256, m.get("model").get("maxTokens").asInt());
        assertTrue(m.get("model").get("onnx").isNull());
        for (JsonNode f : m.get("files")) {
            byte[] bytes = Files.readAllBytes(b.resolve(f.get("name").asText()));
            assertEquals(f.get("bytes").asLong(), bytes.length, f.toString());
            assertEquals(f.get("sha256").asText(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        }

        List<StoredDoc> stored = new ArrayList<>();
        float[] planes;
        try (Collection coll = Collection.open(c)) {
            coll.snapshot().forEachDoc(stored::add);
            planes = coll.encoder().arrays().get("planes");
        }
        ByteBuffer codes = ByteBuffer.wrap(Files.readAllBytes(b.resolve("codes.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        JsonNode docs;
        try (var in = new GZIPInputStream(Files.newInputStream(b.resolve("docs.bin")))) {
            docs = JSON.readTree(in);
        }
        assertEquals(399, stored.size());
        for (int i = 0; i < stored.size(); i++) {
            StoredDoc d = stored.get(i);
            assertEquals(d.id(), docs.get("ids").get(i).asText());
            assertEquals(d.code()[0], codes.getLong(16 * i));
            assertEquals(d.code()[1], codes.getLong(16 * i + 8));
            assertEquals(JSON.readTree(d.metadataJson()), docs.get("metadata").get(i));
        }
        assertFalse(docs.get("ids").toString().contains("\"doc-3\""), "deleted documents are not exported");
        // 200 code points (the emoji after them is not split), then an ellipsis
        String snip = docs.get("texts").get(1).asText();
        assertEquals(201, snip.codePointCount(0, snip.length()));
        assertTrue(snip.endsWith("x\u2026"));
        assertEquals("text number 0", docs.get("texts").get(0).asText());

        ByteBuffer enc = ByteBuffer.wrap(Files.readAllBytes(b.resolve("encoder.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        JsonNode pl = m.get("encoder").get("arrays").get("planes");
        assertEquals(planes.length, pl.get("length").asInt());
        for (int i = 0; i < planes.length; i += 97) {
            assertEquals(planes[i], enc.getFloat(pl.get("offset").asInt() + 4 * i));
        }

        // a second export into the same folder needs --overwrite
        Run again = run("export-web", c.toString(), b.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("is not empty") && again.err().contains("--overwrite"), again.err());
        assertEquals(0, run("export-web", c.toString(), b.toString(), "--overwrite", "--snippet", "0").code());
    }

    @Test
    void witqBundleCarriesInverseNormsAndTheModel() throws Exception {
        Path c = collection("witq", 64, 300);
        Path b = tmp.resolve("bundle");
        Run ex = run("export-web", c.toString(), b.toString(), "--with-model");
        assertEquals(0, ex.code(), ex.err());
        JsonNode m = JSON.readTree(b.resolve("manifest.json").toFile());
        assertEquals("witq", m.get("encoder").get("scoring").asText());
        assertTrue(m.get("encoder").get("normalized").asBoolean());
        assertEquals(4L * 299, Files.size(b.resolve("norms.bin")));
        assertEquals("model.onnx", m.get("model").get("onnx").asText());
        assertTrue(Files.size(b.resolve("model.onnx")) > 10_000_000);
        assertTrue(Files.readString(b.resolve("tokenizer.json")).contains("[CLS]"));
    }

    @Test
    void witqCorrectionFactorTravelsInTheManifest() throws Exception {
        Path plain = collection("witq", 64, 200); // also writes witq.npy and witq.jsonl
        Path enc = tmp.resolve("factor.bse");
        Run fit = run("fit", tmp.resolve("witq.npy").toString(), "-b", "64", "--set", "factorBits=4", "-o", enc.toString());
        assertEquals(0, fit.code(), fit.err());
        Path c = tmp.resolve("coll-factor");
        Run idx = run("index", c.toString(), "--vectors", tmp.resolve("witq.npy").toString(), "--docs", tmp.resolve("witq.jsonl").toString(),
                "--encoder", enc.toString(), "--keep-floats", "none", "-q");
        assertEquals(0, idx.code(), idx.err());
        Path b = tmp.resolve("bundle-factor");
        Run ex = run("export-web", c.toString(), b.toString());
        assertEquals(0, ex.code(), ex.err());
        JsonNode e = JSON.readTree(b.resolve("manifest.json").toFile()).get("encoder");
        assertEquals(4, e.get("factorBits").asInt());
        assertEquals(64, e.get("bits").asInt());
        assertEquals(60 * 384, e.get("arrays").get("planes").get("length").asInt(), "60 planes + 4 factor bits");
        assertEquals(4, e.get("arrays").get("factorBounds").get("length").asInt());
        assertEquals(5, e.get("arrays").get("factorLevels").get("length").asInt());
        assertEquals(0, run("export-web", plain.toString(), tmp.resolve("bundle-plain").toString()).code());
        assertFalse(JSON.readTree(tmp.resolve("bundle-plain").resolve("manifest.json").toFile()).get("encoder").has("factorBits"),
                "absent when the code has no factor");
    }

    /**
     * pcaq and pq (byte-table scorers): the manifest names the scoring, the encoder.bin arrays are the encoder's own,
     * and no norms.bin is written (the page rebuilds the norms from the codes; web/test/bytetable.test.mjs checks
     * its scores against bitsieve search).
     */
    @Test
    void pcaqAndPqBundlesCarryTheirArraysAndNoNorms() throws Exception {
        for (String kind : List.of("pcaq", "pq")) {
            Path c = collection(kind, 64, 700);
            Path b = tmp.resolve("bundle-" + kind);
            Run ex = run("export-web", c.toString(), b.toString());
            assertEquals(0, ex.code(), ex.err());
            assertTrue(ex.out().contains("exported 699 documents (" + kind + ", 64 bits)"), ex.out());
            assertTrue(ex.out().contains("note: " + kind + " codes are built for asymmetric search"), ex.out());
            JsonNode m = JSON.readTree(b.resolve("manifest.json").toFile());
            JsonNode e = m.get("encoder");
            assertEquals(kind, e.get("scoring").asText());
            assertTrue(e.get("normalized").asBoolean());
            assertTrue(m.get("norms").isNull());
            assertFalse(Files.exists(b.resolve("norms.bin")), "the page computes pcaq/pq norms itself");
            java.util.Map<String, float[]> arrays;
            List<StoredDoc> stored = new ArrayList<>();
            try (Collection coll = Collection.open(c)) {
                arrays = coll.encoder().arrays();
                coll.snapshot().forEachDoc(stored::add);
            }
            assertEquals(kind.equals("pcaq") ? List.of("mean", "components", "fieldBits", "fieldByte", "fieldShift", "thresholds", "levels")
                    : List.of("mean", "rotation", "subspaceDims", "codebooks"), List.copyOf(arrays.keySet()));
            ByteBuffer enc = ByteBuffer.wrap(Files.readAllBytes(b.resolve("encoder.bin"))).order(ByteOrder.LITTLE_ENDIAN);
            long end = 0;
            for (var a : arrays.entrySet()) {
                JsonNode d = e.get("arrays").get(a.getKey());
                assertEquals(a.getValue().length, d.get("length").asInt(), a.getKey());
                for (int i = 0; i < a.getValue().length; i++) {
                    assertEquals(Float.floatToRawIntBits(a.getValue()[i]), Float.floatToRawIntBits(enc.getFloat(d.get("offset").asInt() + 4 * i)),
                            a.getKey() + "[" + i + "]");
                }
                end = Math.max(end, d.get("offset").asLong() + 4L * a.getValue().length);
            }
            assertEquals(end, Files.size(b.resolve("encoder.bin")));
            ByteBuffer codes = ByteBuffer.wrap(Files.readAllBytes(b.resolve("codes.bin"))).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(8L * stored.size(), codes.capacity());
            for (int i = 0; i < stored.size(); i++) {
                assertEquals(stored.get(i).code()[0], codes.getLong(8 * i));
            }
        }
    }

    @Test
    void badArgumentsGetClearMessages() throws Exception {
        Path c = collection("pcaq", 32, 200);
        Run none = run("export-web", tmp.resolve("nothing").toString(), tmp.resolve("b2").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no collection at"), none.err());
        Run model = run("export-web", c.toString(), tmp.resolve("b3").toString(), "-m", "bge-small-en-v1.5", "--snippet", "-1");
        assertEquals(2, model.code());
        assertTrue(model.err().contains("--snippet must be 0 or more"), model.err());
    }
}
