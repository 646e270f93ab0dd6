package org.bitsieve.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cross-domain benchmark on real data with the shipped 256-bit encoder of the default model (one small
 * classification set, STS-B, SciFact), checking the numbers against published float values and the quality
 * targets with their tolerances.
 */
class BenchCommandTest {
    @TempDir
    Path dir;

    static int run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            return Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void shippedEncoderHoldsUpOnStsRetrievalAndTrec() throws Exception {
        org.bitsieve.core.SharedData.dir(); // the benchmark reads the real datasets
        assertEquals(0, run("bench", "--datasets", "trec", "--baselines", "none", "-b", "256", "-q", "-o", dir.toString()));
        JsonNode r = new ObjectMapper().readTree(dir.resolve("bench.json").toFile());
        JsonNode sts = r.get("stsb");
        double stsFloat = sts.get("float32").asDouble();
        // all-MiniLM-L6-v2 on STS-B test: 82.0 Spearman as published by sentence-transformers
        assertTrue(stsFloat > 81 && stsFloat < 83, "float32 STS-B " + stsFloat);
        double stsAsym = sts.get("results").get(0).get("asymmetric").asDouble();
        // the target is 1.5 points; the shipped 256-bit encoder measures -2.34 since issue 25 (-1.86 before; docs/general-encoders.md), so
        // this is a regression bound, and the benchmark report states the gap
        assertTrue(stsAsym >= stsFloat - 2.5, "asymmetric STS-B " + stsAsym + " vs float " + stsFloat);
        // the report states how precise each difference is: a paired bootstrap over 1,379 pairs gives a few tenths
        double stsSe = sts.get("results").get(0).get("asymmetricSe").asDouble();
        assertTrue(stsSe > 0.05 && stsSe < 1.5, "asymmetric STS-B standard error " + stsSe);
        JsonNode sf = r.get("scifact");
        assertEquals(300, sf.get("queries").asInt());
        double ndcg = sf.get("float32").get("ndcg10").asDouble();
        // published (BEIR / MTEB) nDCG@10 of all-MiniLM-L6-v2 on SciFact: 64.5
        assertTrue(ndcg > 62 && ndcg < 67, "float32 SciFact nDCG@10 " + ndcg);
        double reranked = -1;
        for (JsonNode x : sf.get("results")) {
            if (x.get("method").asText().equals("asymmetric + re-rank")) {
                reranked = x.get("ndcg10").asDouble();
            }
        }
        assertTrue(reranked >= ndcg - 1.0, "re-ranked nDCG@10 " + reranked + " vs float " + ndcg);
        JsonNode trec = r.get("classification").get(0);
        assertEquals("trec", trec.get("dataset").asText());
        double f = trec.get("float32").get("asymAcc10").asDouble();
        double a = trec.get("results").get(0).get("asymAcc10").asDouble();
        // TREC's test set has 500 questions: one question is 0.2 points
        assertTrue(a >= f - 2.0, "TREC asymmetric " + a + " vs float " + f);
        String html = Files.readString(dir.resolve("bench.html"));
        assertTrue(html.contains("<svg") && html.contains("STS-B"), "plots and tables");
        assertTrue(!html.contains("<script") && !html.contains("src=") && !html.contains("href="), "self-contained, static page");
        String md = Files.readString(dir.resolve("bench.md"));
        assertTrue(md.contains("| kNN trec |") && md.contains("Δ ± s.e.") && md.contains(String.format(java.util.Locale.ROOT, "± %.2f", stsSe)), md);
    }

    @Test
    void unknownSetOrTaskIsRefusedClearly() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, Main.run("bench", "--datasets", "nope", "-o", dir.toString()));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown classification set 'nope'"), err.toString(StandardCharsets.UTF_8));
            org.bitsieve.core.SharedData.dir(); // without the data the bench stops at the missing datasets first
            assertEquals(2, Main.run("bench", "-b", "64", "--baselines", "none", "-o", dir.toString()));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("shipped budgets: [128, 256, 512]"), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void benchmarksGeneralEncodersFromAFolderInsteadOfTheJar() throws Exception {
        // an encoder that is not the shipped one (fitted on TREC's train split, seed 7), named as fit --general names it
        Path enc = dir.resolve("enc");
        Files.createDirectories(enc);
        Path trec = org.bitsieve.core.SharedData.dir().resolve("embeddings/all-minilm-l6-v2/trec/train.npy");
        assertEquals(0, run("fit", trec.toString(), "-b", "128", "--seed", "7", "-o", enc.resolve("all-minilm-l6-v2-128.bse").toString()));
        Path out = dir.resolve("out");
        assertEquals(0, run("bench", "--encoders", enc.toString(), "-b", "128", "--datasets", "trec", "--tasks", "classification",
                "--baselines", "none", "-q", "-o", out.toString()));
        JsonNode r = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertEquals(enc.toString(), r.get("generalEncoders").asText());
        assertTrue(r.get("encoders").get(0).get("describe").asText().contains("seed=7"), r.get("encoders").toString());
        String md = Files.readString(out.resolve("bench.md"));
        assertTrue(md.contains("general encoders from " + enc) && md.contains("witq (general)") && !md.contains("(shipped)"), md);
        assertTrue(md.contains("Command: `bitsieve bench --encoders " + enc + " -b 128"), "the command reproduces the report: " + md);

        // a budget with no file in the folder: a clear error naming the file and how to make it
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, Main.run("bench", "--encoders", enc.toString(), "-b", "256", "--datasets", "trec", "--tasks", "classification",
                    "--baselines", "none", "-q", "-o", out.toString()));
        } finally {
            System.setErr(oldErr);
        }
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.contains("all-minilm-l6-v2-256.bse") && msg.contains("fit --general"), msg);
    }

    /**
     * Issue 25's validation mode: held-out 20% of the train split against the rest, never the test split, with a
     * candidate folder measured in the same run and the protocol's decision metric per encoder.
     */
    @Test
    void validationUsesHeldOutTrainRowsOnlyAndScoresCandidates() throws Exception {
        Path enc = dir.resolve("cand");
        Files.createDirectories(enc);
        Path trec = org.bitsieve.core.SharedData.dir().resolve("embeddings/all-minilm-l6-v2/trec/train.npy");
        assertEquals(0, run("fit", trec.toString(), "-b", "256", "--seed", "7", "-o", enc.resolve("all-minilm-l6-v2-256.bse").toString()));
        Path out = dir.resolve("val");
        assertEquals(0, run("bench", "--validation", "-b", "256", "--datasets", "trec", "--tasks", "classification",
                "--baselines", "none", "--candidates", enc.toString(), "-q", "-o", out.toString()));
        JsonNode r = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertTrue(r.get("validation").asBoolean());
        JsonNode trecRun = r.get("classification").get(0);
        // TREC's train split has 5,452 rows: 1,090 held-out queries, 4,362 database rows; its 500 test rows unused
        assertEquals(1090, trecRun.get("test").asInt());
        assertEquals(4362, trecRun.get("train").asInt());
        assertEquals(2, r.get("encoders").size());
        assertTrue(r.get("encoders").get(1).get("label").asText().endsWith("@ " + enc), r.get("encoders").toString());
        // one set: V = (d_asym + d_Hamming) / 2 of that set
        double f = trecRun.get("float32").get("asymAcc10").asDouble();
        JsonNode shipped = trecRun.get("results").get(0);
        double v = (shipped.get("asymAcc10").asDouble() - f + shipped.get("hammingAcc10").asDouble() - f) / 2;
        assertEquals(v, r.get("validationScores").get(0).asDouble(), 1e-9);
        assertTrue(Files.readString(out.resolve("bench.md")).contains("VALIDATION (no test split)"));

        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, Main.run("bench", "--validation", "--tasks", "retrieval", "-o", out.toString()));
            assertEquals(2, Main.run("bench", "--validation", "--max-test", "100", "-o", out.toString()));
        } finally {
            System.setErr(oldErr);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("SciFact has no validation split"), err.toString(StandardCharsets.UTF_8));
    }
}
