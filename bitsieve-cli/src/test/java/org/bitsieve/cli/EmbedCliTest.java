package org.bitsieve.cli;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Text everywhere vectors are accepted: embed, encode --text, eval --data-dir with the on-disk cache. */
class EmbedCliTest {
    @TempDir
    Path dir;

    static final String[] GOOD = {"a wonderful film", "I loved every minute", "brilliant acting and a great story",
            "a joy to watch", "the best movie this year", "warm, funny and moving"};
    static final String[] BAD = {"a dreadful film", "I hated every minute", "wooden acting and a dull story",
            "a chore to watch", "the worst movie this year", "cold, boring and empty"};

    static void jsonlGz(Path p, int from, int to) throws Exception {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            for (int i = from; i < to; i++) {
                String t = (i % 2 == 0 ? GOOD : BAD)[(i / 2) % 6] + " (" + i + ")";
                o.write(("{\"text\": \"" + t + "\", \"label\": " + (i % 2 == 0 ? 1 : 0) + "}\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void embedWritesNpyInInputOrder() throws Exception {
        Path in = dir.resolve("t.txt");
        Files.writeString(in, "the first line\nthe second line\n");
        Path out = dir.resolve("t.npy");
        CliTest.Run r = CliTest.run("embed", in.toString(), "-o", out.toString(), "--no-cache");
        assertEquals(0, r.code(), r.err());
        FloatMatrix m = Npy.read(out);
        assertEquals(2, m.rows());
        assertEquals(384, m.dim());
        CliTest.Run one = CliTest.run("embed", dir.resolve("one.txt").toString(), "-o", dir.resolve("x.npy").toString());
        assertEquals(2, one.code());
    }

    @Test
    void evalOnADatasetFolderEmbedsOnceThanksToTheCache() throws Exception {
        Path data = dir.resolve("tiny");
        Files.createDirectories(data);
        jsonlGz(data.resolve("train.jsonl.gz"), 0, 60);
        jsonlGz(data.resolve("test.jsonl.gz"), 60, 80);
        Path cache = dir.resolve("cache");
        String[] args = {"eval", "-q", "--data-dir", data.toString(), "--cache", cache.toString(), "-e", "sign,pcaq",
                "-b", "16", "-o", dir.resolve("out").toString()};
        CliTest.Run first = CliTest.run(args);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.err().contains("0 from cache, 60 embedded"), first.err());
        CliTest.Run second = CliTest.run(args);
        assertEquals(0, second.code(), second.err());
        assertTrue(second.err().contains("60 from cache, 0 embedded"), second.err());
        assertTrue(second.err().contains("20 from cache, 0 embedded"), second.err());
        assertTrue(Files.readString(dir.resolve("out/eval.md")).contains("| sign | 16 |"));
    }

    @Test
    void encodeTextNeedsAMatchingEncoder() throws Exception {
        Path v = dir.resolve("v.npy");
        Npy.write(v, CliTest.vectors(300, 384, 4));
        Path enc = dir.resolve("e.bse");
        assertEquals(0, CliTest.run("fit", v.toString(), "-o", enc.toString(), "-b", "64").code());
        CliTest.Run r = CliTest.run("encode", "-e", enc.toString(), "--text", "hello world", "--no-cache");
        assertEquals(0, r.code(), r.err());
        assertEquals(16, r.out().trim().length(), r.out());
        Path small = dir.resolve("s.npy");
        Npy.write(small, CliTest.vectors(300, 16, 4));
        Path enc16 = dir.resolve("e16.bse");
        assertEquals(0, CliTest.run("fit", small.toString(), "-o", enc16.toString(), "-b", "16").code());
        CliTest.Run mismatch = CliTest.run("encode", "-e", enc16.toString(), "--text", "hello", "--no-cache");
        assertEquals(2, mismatch.code());
        assertTrue(mismatch.err().contains("dimension 384") && mismatch.err().contains("expects 16"), mismatch.err());
        CliTest.Run empty = CliTest.run("encode", "-e", enc.toString(), "--text", "  ", "--no-cache");
        assertEquals(2, empty.code(), empty.err());
        assertTrue(empty.err().contains("bitsieve: error:") && empty.err().contains("is blank"), empty.err());
        // refused before the model loads: no progress bar was started
        assertFalse(empty.err().contains("embed --text"), empty.err());
    }

    @Test
    void indexTextThenSearchWithATextQuery() throws Exception {
        Path docs = dir.resolve("docs.jsonl");
        String[] texts = {"The cat sat on the warm windowsill.", "Stock markets fell sharply on Monday.",
                "A recipe for fresh tomato soup.", "The football team won the championship final.",
                "How to repair a flat bicycle tyre.", "Heavy rain is expected across the north tomorrow."};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < texts.length; i++) {
            sb.append("{\"id\": \"d").append(i).append("\", \"text\": \"").append(texts[i]).append("\", \"topic\": \"t")
                    .append(i % 2).append("\"}\n");
        }
        Files.writeString(docs, sb);
        Path coll = dir.resolve("coll");
        CliTest.Run idx = CliTest.run("index", coll.toString(), "--docs", docs.toString(), "--encoder-kind", "pcaq", "--bits", "64",
                "-q", "--no-cache");
        assertEquals(0, idx.code(), idx.err());
        CliTest.Run s = CliTest.run("search", coll.toString(), "weather forecast: showers", "-k", "2", "--no-cache");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("d5"), s.out());
        assertTrue(s.out().indexOf("d5") < s.out().indexOf("d1") || !s.out().contains("d1"), s.out());
        CliTest.Run both = CliTest.run("search", coll.toString(), "x", "--vector-file", docs.toString(), "--no-cache");
        assertEquals(2, both.code());
    }

    @Test
    void textPathsUseTheShippedGeneralEncoderWithoutFitting() throws Exception {
        CliTest.Run r = CliTest.run("encode", "--text", "hello world", "--text", "a second text", "--no-cache");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("shipped general encoder of all-minilm-l6-v2 (256 bits)"), r.err());
        String[] lines = r.out().trim().split("\n");
        assertEquals(2, lines.length, r.out());
        assertEquals(64, lines[0].length(), "256 bits = 32 bytes = 64 hex digits: " + lines[0]);
        CliTest.Run r128 = CliTest.run("encode", "--text", "hello world", "-b", "128", "--no-cache");
        assertEquals(32, r128.out().trim().length(), r128.out());
        CliTest.Run bad = CliTest.run("encode", "--text", "hello world", "-b", "100", "--no-cache");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("shipped budgets: [128, 256, 512]"), bad.err());

        Path docs = dir.resolve("few.jsonl");
        Files.writeString(docs, "{\"id\": \"a\", \"text\": \"Rain and strong wind tomorrow.\"}\n"
                + "{\"id\": \"b\", \"text\": \"The striker scored twice in the final.\"}\n");
        Path coll = dir.resolve("general-coll");
        CliTest.Run idx = CliTest.run("index", coll.toString(), "--docs", docs.toString(), "-q", "--no-cache");
        assertEquals(0, idx.code(), idx.err());
        assertTrue(idx.out().contains("using the shipped general encoder of all-minilm-l6-v2") && !idx.out().contains("fitted"), idx.out());
        CliTest.Run s = CliTest.run("search", coll.toString(), "weather forecast", "-k", "1", "--no-cache");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("Rain and strong wind") && !s.out().contains("striker"), s.out());
    }

    /**
     * fit --general with --roles: e5 embeds the sample once per role (its symmetric tasks use the query role,
     * stored documents the passage role); the provenance records the roles and a command that reproduces the file.
     */
    @Test
    void fitGeneralRecordsItsRoles() throws Exception {
        Path corpus = dir.resolve("general.jsonl.gz");
        jsonlGz(corpus, 0, 40);
        String[] base = {"fit", "--general", "-m", "e5-small-v2", "--corpus", corpus.toString(), "--max-sample", "30",
                "-e", "sign", "-b", "16", "--no-cache"};
        Path passage = dir.resolve("passage");
        Path both = dir.resolve("both");
        CliTest.Run p = CliTest.run(concat(base, "--output-dir", passage.toString()));
        assertEquals(0, p.code(), p.err());
        CliTest.Run b = CliTest.run(concat(base, "--output-dir", both.toString(), "--roles", "both"));
        assertEquals(0, b.code(), b.err());
        String pj = Files.readString(passage.resolve("e5-small-v2-16.json"));
        String bj = Files.readString(both.resolve("e5-small-v2-16.json"));
        assertTrue(pj.contains("\"roles\" : \"passage\"") && pj.contains("passage role"), pj);
        assertTrue(bj.contains("\"roles\" : \"both\"") && bj.contains("passage and query roles") && bj.contains("--roles both"), bj);
        // the query-role vectors change the fit
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(passage.resolve("e5-small-v2-16.bse")),
                Files.readAllBytes(both.resolve("e5-small-v2-16.bse"))), "fits on passage and on both roles are identical");
        CliTest.Run bad = CliTest.run(concat(base, "--output-dir", dir.resolve("bad").toString(), "--roles", "queries"));
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--roles must be passage, query or both"), bad.err());
    }

    /**
     * fit --general with passages (issue 25): the sample mixes the two corpora at the asked share, the provenance
     * records both corpora with their hashes and counts and a command that reproduces the file, and the mix
     * changes the fit.
     */
    @Test
    void fitGeneralMixesPassagesAndRecordsTheMix() throws Exception {
        Path corpus = dir.resolve("sentences.jsonl.gz");
        jsonlGz(corpus, 0, 40);
        Path passages = dir.resolve("passages.jsonl.gz");
        jsonlGz(passages, 100, 110);
        String[] base = {"fit", "--general", "-m", "all-minilm-l6-v2", "--corpus", corpus.toString(), "--passages", passages.toString(),
                "--max-sample", "32", "-e", "sign", "-b", "16", "--no-cache"};
        Path none = dir.resolve("none");
        Path mix = dir.resolve("mix");
        CliTest.Run a = CliTest.run(concat(base, "--output-dir", none.toString()));
        assertEquals(0, a.code(), a.err());
        CliTest.Run b = CliTest.run(concat(base, "--output-dir", mix.toString(), "--passage-share", "0.25"));
        assertEquals(0, b.code(), b.err());
        com.fasterxml.jackson.databind.JsonNode pn = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(none.resolve("all-minilm-l6-v2-16.json").toFile());
        com.fasterxml.jackson.databind.JsonNode pm = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(mix.resolve("all-minilm-l6-v2-16.json").toFile());
        assertEquals(32, pn.get("sampleSentences").asInt());
        assertEquals(0, pn.get("samplePassages").asInt());
        assertTrue(!pn.has("passageCorpusSha256"), "no passages, no passage corpus in the record");
        // 25% of 32 is 8 passages; 24 sentences
        assertEquals(24, pm.get("sampleSentences").asInt());
        assertEquals(8, pm.get("samplePassages").asInt());
        assertEquals(32, pm.get("sample").asInt());
        assertEquals(0.25, pm.get("passageShare").asDouble());
        assertEquals(10, pm.get("passageCorpusPassages").asInt());
        assertEquals(64, pm.get("passageCorpusSha256").asText().length());
        assertTrue(pm.get("command").asText().contains("--passage-share 0.25"), pm.toString());
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(none.resolve("all-minilm-l6-v2-16.bse")),
                Files.readAllBytes(mix.resolve("all-minilm-l6-v2-16.bse"))), "the passages do not change the fit");
        CliTest.Run bad = CliTest.run(concat(base, "--output-dir", dir.resolve("bad").toString(), "--passage-share", "1.5"));
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("passage share must be in [0, 1]"), bad.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
