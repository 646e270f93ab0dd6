package org.bitsieve.spark;

import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bitsieve.cli.Main;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.io.CodesFile;
import org.bitsieve.core.io.Npy;
import org.bitsieve.embed.TextInput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextToCodesTest {
    static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType, false).add("text", DataTypes.StringType, true);
    static final int N = 400;
    static List<String> texts;

    @org.junit.jupiter.api.BeforeEach
    void needsData() {
        TestSpark.shared();
    }

    @BeforeAll
    static void texts() throws Exception {
        if (!org.bitsieve.core.SharedData.available()) {
            return; // each test then skips (or fails, if the data was asked for) in needsData(), so Surefire counts it
        }
        Path mr = TestSpark.shared().resolve("data/mr/test.jsonl.gz");
        texts = TextInput.read(mr, TextInput.Format.JSONL, "text").subList(0, N);
    }

    static Dataset<Row> frame(List<String> ts) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ts.size(); i++) {
            rows.add(RowFactory.create((long) i, ts.get(i)));
        }
        return TestSpark.get().createDataFrame(rows, SCHEMA);
    }

    @Test
    void codesAndVectorsEqualTheClisEmbedThenEncode(@TempDir Path tmp) throws Exception {
        Path jsonl = tmp.resolve("texts.jsonl");
        List<String> lines = new ArrayList<>();
        for (String t : texts) {
            lines.add(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of("text", t)));
        }
        Files.write(jsonl, lines, StandardCharsets.UTF_8);
        Path npy = tmp.resolve("v.npy");
        Path bsc = tmp.resolve("c.bsc");
        assertEquals(0, Main.run("embed", jsonl.toString(), "-o", npy.toString(), "--no-cache"));
        assertEquals(0, Main.run("encode", npy.toString(), "-o", bsc.toString()));
        PackedCodes cli = CodesFile.read(bsc).codes();
        FloatMatrix vectors = Npy.read(npy);

        // one partition in file order: the same 1024-text chunk the CLI embeds
        List<Row> out = new TextToCodes().setVectorCol("f16").setIdCol("id").transform(frame(texts).coalesce(1))
                .select("id", "code", "f16").collectAsList();
        assertEquals(N, out.size());
        for (Row r : out) {
            int i = (int) r.getLong(0);
            assertArrayEquals(CodeBytes.toBytes(cli.code(i), cli.bits()), (byte[]) r.get(1), "code of text " + i);
            float[] half = CodeBytes.fromHalfBytes((byte[]) r.get(2));
            for (int j = 0; j < half.length; j++) {
                assertEquals(vectors.get(i, j), half[j], 1e-3, "vector " + i + "[" + j + "]");
            }
        }
    }

    @Test
    void modelSessionsAreReusedAcrossTasksAndJobs() {
        Dataset<Row> df = frame(texts.subList(0, 64)).repartition(8);
        new TextToCodes().setBatchSize(8).transform(df).count();
        int afterFirst = Embedders.opened();
        assertTrue(afterFirst <= 2, "local[2] runs two tasks at once, so at most two sessions: " + afterFirst);
        new TextToCodes().setBatchSize(8).transform(df).count();
        assertEquals(afterFirst, Embedders.opened(), "a second job of 8 tasks opened no new session");
    }

    @Test
    void aNullTextFailsNamingTheRowOrGoesToTheErrorColumn() {
        List<String> ts = new ArrayList<>(texts.subList(0, 5));
        ts.set(3, null);
        ts.set(1, "   ");
        Dataset<Row> df = frame(ts).coalesce(1);
        SparkException e = assertThrows(SparkException.class, () -> new TextToCodes().setIdCol("id").transform(df).collect());
        assertTrue(e.getMessage().contains("row id=1") && e.getMessage().contains("text is blank"), e.getMessage());

        List<Row> out = new TextToCodes().setIdCol("id").setErrorCol("error").setVectorCol("v").transform(df).orderBy("id")
                .select("code", "v", "error").collectAsList();
        assertNull(out.get(1).get(0));
        assertNull(out.get(3).get(1));
        assertTrue(out.get(3).getString(2).contains("row id=3") && out.get(3).getString(2).contains("text is null"));
        for (int i : new int[] {0, 2, 4}) {
            assertEquals(32, ((byte[]) out.get(i).get(0)).length);
            assertEquals(768, ((byte[]) out.get(i).get(1)).length);
            assertNull(out.get(i).get(2));
        }
        assertEquals(Arrays.asList(false, true, false, true, false), out.stream().map(r -> r.get(2) != null).toList());
    }
}
