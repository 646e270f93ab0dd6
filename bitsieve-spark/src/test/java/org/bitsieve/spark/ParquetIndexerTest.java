package org.bitsieve.spark;

import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.bitsieve.store.Collection;
import org.bitsieve.store.Doc;
import org.bitsieve.store.FloatFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParquetIndexerTest {
    static MrData mr;

    @org.junit.jupiter.api.BeforeEach
    void needsData() {
        TestSpark.shared();
    }

    @BeforeAll
    static void load() throws Exception {
        if (!org.bitsieve.core.SharedData.available()) {
            return; // each test then skips (or fails, if the data was asked for) in needsData(), so Surefire counts it
        }
        mr = new MrData("test");
    }

    /** The job under test: vectors to codes, then the collection layout with f32 vectors and the label as metadata. */
    static long job(Dataset<Row> in, Path out) throws Exception {
        VectorsToCodes t = new VectorsToCodes();
        return new CodesParquet().idCol("id").vectorCol("vector", "f32").metadataCols("label")
                .write(t.transform(in), t.encoderSource(), out.toString());
    }

    @Test
    void aJobKilledMidwayThenRerunGivesACompleteDuplicateFreeCollection(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Path coll = tmp.resolve("coll");
        Path crash = tmp.resolve("crash-now");
        Files.createFile(crash);
        String crashFlag = crash.toString();
        String victim = mr.ids.get(1500);
        // a task that dies (as an executor lost mid-job would) while the flag file exists
        UDF1<String, String> dieOnce = id -> {
            if (id.equals(victim) && Files.exists(Path.of(crashFlag))) {
                throw new IllegalStateException("simulated executor loss");
            }
            return id;
        };
        Dataset<Row> crashing = mr.frame(4).withColumn("id", udf(dieOnce, DataTypes.StringType).apply(col("id")));
        assertThrows(SparkException.class, () -> job(crashing, out));
        assertFalse(Files.exists(out.resolve("_SUCCESS")));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new ParquetIndexer().index(TestSpark.get(), out, coll));
        assertTrue(refused.getMessage().contains("no _SUCCESS"), refused.getMessage());
        assertFalse(Files.exists(coll), "nothing is built from an uncommitted output");

        Files.delete(crash);
        assertEquals(mr.ids.size(), job(crashing, out));
        ParquetIndexer.Result r = new ParquetIndexer().index(TestSpark.get(), out, coll);
        assertEquals(mr.ids.size(), r.docs());
        assertEquals(0, r.codeMismatches(), "f32 vectors: the store's codes are the job's");
        assertEquals(new HashSet<>(mr.ids), ParquetIndexer.ids(List.of(coll)));

        // the whole job runs again, with part of it twice (as a retried task's rows would be), and is indexed again
        job(crashing.union(crashing.limit(300)), out);
        r = new ParquetIndexer().index(TestSpark.get(), out, coll);
        assertEquals(mr.ids.size() + 300, r.rows());
        assertEquals(mr.ids.size(), r.docs(), "repeated ids are upserted, never duplicated");
        try (Collection c = Collection.open(coll)) {
            assertEquals(mr.ids.size(), c.count());
            Doc d = c.get(mr.ids.get(7));
            assertEquals(mr.texts.get(7), d.text());
            assertEquals("{\"label\":\"" + mr.labels.get(7) + "\"}", d.metadataJson());
        }
    }

    @Test
    void aTaskRetriedInsideTheJobLeavesEveryRowExactlyOnce(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        String victim = mr.ids.get(1500);
        String failedMark = tmp.resolve("attempt-0-failed").toString();
        // the first attempt of the task holding the victim dies after writing part of its rows; Spark retries it
        // (the test session allows two attempts per task, as a cluster's spark.task.maxFailures does)
        UDF1<String, String> dieOnFirstAttempt = id -> {
            org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
            if (id.equals(victim) && tc != null && tc.attemptNumber() == 0) {
                Files.write(Path.of(failedMark), new byte[0]); // proof that the first attempt did fail
                throw new IllegalStateException("simulated executor loss in attempt 0");
            }
            return id;
        };
        Dataset<Row> flaky = mr.frame(4).withColumn("id", udf(dieOnFirstAttempt, DataTypes.StringType).apply(col("id")));
        assertEquals(mr.ids.size(), job(flaky, out), "the job succeeds through the retry");
        assertTrue(Files.exists(Path.of(failedMark)), "a first attempt failed, so the retry was exercised");
        // the committed output holds every row once: the failed attempt's partial file was discarded
        Dataset<Row> written = TestSpark.get().read().parquet(out.toString());
        assertEquals(mr.ids.size(), written.count());
        assertEquals(mr.ids.size(), written.select("id").distinct().count());
        Path coll = tmp.resolve("coll");
        ParquetIndexer.Result r = new ParquetIndexer().index(TestSpark.get(), out, coll);
        assertEquals(mr.ids.size(), r.rows());
        assertEquals(mr.ids.size(), r.docs());
        assertEquals(new HashSet<>(mr.ids), ParquetIndexer.ids(List.of(coll)));
    }

    @Test
    void anIndexerKilledMidwayIsFinishedByRunningItAgain(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        job(mr.frame(2), out);
        Path coll = tmp.resolve("coll");
        // what a killed run leaves: a half-built folder next to the target, never the target itself
        Path partial = tmp.resolve("coll.incomplete");
        Files.createDirectories(partial.resolve("junk"));
        ParquetIndexer.Result r = new ParquetIndexer().chunk(500).index(TestSpark.get(), out, coll);
        assertEquals(mr.ids.size(), r.docs());
        assertFalse(Files.exists(partial));
    }

    @Test
    void shardsSplitByIdHashAndTogetherHoldEveryDocumentOnce(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        job(mr.frame(3), out);
        Path coll = tmp.resolve("sharded");
        ParquetIndexer.Result r = new ParquetIndexer().shards(4).floats(FloatFormat.F16).index(TestSpark.get(), out, coll);
        assertEquals(4, r.collections().size());
        Set<String> all = new HashSet<>();
        int total = 0;
        for (int s = 0; s < 4; s++) {
            Set<String> ids = ParquetIndexer.ids(List.of(r.collections().get(s)));
            for (String id : ids) {
                assertEquals(s, DocIds.shard(id, 4), id);
            }
            assertTrue(ids.size() > mr.ids.size() / 8, "a shard holds a fair share: " + ids.size());
            total += ids.size();
            all.addAll(ids);
        }
        assertEquals(mr.ids.size(), total);
        assertEquals(new HashSet<>(mr.ids), all);
    }

    @Test
    void textsHashedToIdsWithFloat16VectorsIndexToOneDocumentPerDistinctText(@TempDir Path tmp) throws Exception {
        List<String> texts = new java.util.ArrayList<>(mr.texts.subList(0, 60));
        texts.addAll(mr.texts.subList(0, 10)); // repeated texts share an id
        Dataset<Row> in = TextToCodesTest.frame(texts);
        TextToCodes t = new TextToCodes().setVectorCol("f16");
        Path out = tmp.resolve("out");
        new CodesParquet().vectorCol("f16", "f16").write(t.transform(in), t.encoderSource(), out.toString());
        ParquetIndexer.Result r = new ParquetIndexer().index(TestSpark.get(), out, tmp.resolve("coll"));
        assertEquals(70, r.rows());
        assertEquals(60, r.docs());
        assertTrue(r.codeMismatches() <= 3, "float16 rounding moves a code bit rarely: " + r.codeMismatches());
        try (Collection c = Collection.open(tmp.resolve("coll"))) {
            assertEquals(mr.texts.get(3), c.get(DocIds.ofText(mr.texts.get(3))).text());
        }
    }

    @Test
    void float32TextVectorsGiveACollectionWithExactlyTheJobsCodes(@TempDir Path tmp) throws Exception {
        Dataset<Row> in = TextToCodesTest.frame(mr.texts.subList(100, 160));
        TextToCodes t = new TextToCodes().setVectorCol("v").setVectorFormat("f32").setIdCol("id");
        Path out = tmp.resolve("out");
        new CodesParquet().idCol("id").vectorCol("v", "f32").write(t.transform(in), t.encoderSource(), out.toString());
        ParquetIndexer.Result r = new ParquetIndexer().index(TestSpark.get(), out, tmp.resolve("coll"));
        assertEquals(60, r.docs());
        assertEquals(0, r.codeMismatches());
    }
}
