package org.bitsieve.spark;

import org.apache.spark.sql.Row;
import org.bitsieve.cli.Main;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.Doc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KnnClassifyTest {
    @TempDir
    static Path tmp;
    static Path coll;
    static MrData test;

    /** MR train as a labelled collection, as `bitsieve index` builds it (shipped encoder, label metadata). */
    @org.junit.jupiter.api.BeforeEach
    void needsData() {
        TestSpark.shared();
    }

    @BeforeAll
    static void reference() throws Exception {
        if (!org.bitsieve.core.SharedData.available()) {
            return; // each test then skips (or fails, if the data was asked for) in needsData(), so Surefire counts it
        }
        MrData train = new MrData("train");
        test = new MrData("test");
        coll = tmp.resolve("mr-train");
        try (Collection c = Collection.create(coll, GeneralEncoders.load("all-minilm-l6-v2", 256), CollectionOptions.defaults())) {
            List<Doc> docs = new ArrayList<>();
            for (int i = 0; i < train.ids.size(); i++) {
                docs.add(new Doc(train.ids.get(i), train.vectors.row(i), train.texts.get(i), "{\"label\":" + train.labels.get(i) + "}"));
            }
            c.add(docs);
        }
    }

    /** `bitsieve classify COLL --all --vector-file mr/test.npy --mode MODE`, one label per line. */
    static List<String> cli(String mode) {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int rc = Main.run("classify", coll.toString(), "--all", "--vector-file",
                    TestSpark.shared().resolve("embeddings/all-minilm-l6-v2/mr/test.npy").toString(), "--mode", mode, "-k", "10");
            assertEquals(0, rc);
        } finally {
            System.setOut(out);
        }
        return Arrays.asList(buf.toString(StandardCharsets.UTF_8).trim().split("\n"));
    }

    static List<String> spark(String mode) throws Exception {
        KnnReference ref = KnnReference.fromCollection(coll, "label");
        List<Row> rows = new KnnClassify(ref).setMode(mode).setK(10).setIdCol("id").transform(test.frame(3))
                .select("id", "prediction").collectAsList();
        String[] labels = new String[test.ids.size()];
        for (Row r : rows) {
            labels[test.ids.indexOf(r.getString(0))] = r.getString(1);
        }
        return Arrays.asList(labels);
    }

    @Test
    void hammingLabelsEqualTheClis() throws Exception {
        List<String> cli = cli("hamming");
        assertEquals(test.ids.size(), cli.size());
        assertEquals(cli, spark("hamming"));
    }

    @Test
    void asymmetricLabelsEqualTheClis() throws Exception {
        List<String> cli = cli("asymmetric");
        List<String> spark = spark("asymmetric");
        assertEquals(cli, spark);
        long right = 0;
        for (int i = 0; i < spark.size(); i++) {
            right += spark.get(i).equals(test.labels.get(i)) ? 1 : 0;
        }
        // a sanity bound, not the quality target (bench measures that): float32 kNN on MR is 71.6%, chance 50%
        assertTrue(right > 0.65 * spark.size(), "MR kNN accuracy should be near float's 71.6%, got " + right + "/" + spark.size());
    }

    @Test
    void aBadQueryVectorFailsNamingTheRow() throws Exception {
        KnnReference ref = KnnReference.fromCollection(coll, "label");
        List<Row> rows = List.of(org.apache.spark.sql.RowFactory.create("q1", "t", "0", VectorsToCodesTest.boxed(new float[384])),
                org.apache.spark.sql.RowFactory.create("q2", "t", "0", VectorsToCodesTest.boxed(new float[3])));
        var df = TestSpark.get().createDataFrame(rows, MrData.SCHEMA).coalesce(1);
        org.apache.spark.SparkException e = org.junit.jupiter.api.Assertions.assertThrows(org.apache.spark.SparkException.class,
                () -> new KnnClassify(ref).setIdCol("id").transform(df).collect());
        assertTrue(e.getMessage().contains("row id=q2") && e.getMessage().contains("dimension 3"), e.getMessage());
    }
}
