package org.bitsieve.spark;

import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bitsieve.cli.Main;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.io.CodesFile;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorsToCodesTest {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("vector", DataTypes.createArrayType(DataTypes.FloatType, true), true);

    static Dataset<Row> frame(FloatMatrix m, int partitions) {
        List<Row> rows = new ArrayList<>(m.rows());
        for (int i = 0; i < m.rows(); i++) {
            rows.add(RowFactory.create((long) i, boxed(m.row(i))));
        }
        return TestSpark.get().createDataFrame(rows, SCHEMA).repartition(partitions);
    }

    static Float[] boxed(float[] v) {
        Float[] b = new Float[v.length];
        for (int j = 0; j < v.length; j++) {
            b[j] = v[j];
        }
        return b;
    }

    @Test
    void codesEqualTheClisEncodeByteForByte(@TempDir Path tmp) throws Exception {
        Path npy = TestSpark.shared().resolve("embeddings/all-minilm-l6-v2/mr/test.npy");
        Path bsc = tmp.resolve("mr.bsc");
        assertEquals(0, Main.run("encode", npy.toString(), "-o", bsc.toString()));
        PackedCodes cli = CodesFile.read(bsc).codes();
        FloatMatrix m = Npy.readVectors(npy);

        List<Row> out = new VectorsToCodes().setIdCol("id").transform(frame(m, 3)).select("id", "code").collectAsList();
        assertEquals(m.rows(), out.size());
        for (Row r : out) {
            int i = (int) r.getLong(0);
            assertArrayEquals(CodeBytes.toBytes(cli.code(i), cli.bits()), (byte[]) r.get(1), "code of row " + i);
        }
    }

    @Test
    void aWrongLengthFailsTheJobNamingTheRow() {
        SparkSession s = TestSpark.get();
        List<Row> rows = List.of(RowFactory.create(1L, boxed(new float[384])), RowFactory.create(77L, boxed(new float[5])));
        Dataset<Row> df = s.createDataFrame(rows, SCHEMA);
        SparkException e = assertThrows(SparkException.class, () -> new VectorsToCodes().setIdCol("id").transform(df).collect());
        assertTrue(e.getMessage().contains("row id=77") && e.getMessage().contains("length 5, the encoder expects 384"), e.getMessage());
    }

    @Test
    void nanNullAndWrongLengthGoToTheErrorColumnWhenAsked() {
        SparkSession s = TestSpark.get();
        float[] good = new float[384];
        good[3] = 1;
        float[] nan = good.clone();
        nan[7] = Float.NaN;
        List<Row> rows = Arrays.asList(RowFactory.create(1L, boxed(good)), RowFactory.create(2L, boxed(nan)),
                RowFactory.create(3L, null), RowFactory.create(4L, boxed(new float[2])));
        Dataset<Row> df = s.createDataFrame(rows, SCHEMA).coalesce(1);
        List<Row> out = new VectorsToCodes().setIdCol("id").setErrorCol("error").transform(df).orderBy("id")
                .select("code", "error").collectAsList();
        assertEquals(32, ((byte[]) out.get(0).get(0)).length);
        assertNull(out.get(0).get(1));
        assertNull(out.get(1).get(0));
        assertTrue(out.get(1).getString(1).contains("row id=2") && out.get(1).getString(1).contains("element 7 is NaN"), out.get(1).getString(1));
        assertTrue(out.get(2).getString(1).contains("row id=3") && out.get(2).getString(1).contains("vector is null"));
        assertTrue(out.get(3).getString(1).contains("row id=4") && out.get(3).getString(1).contains("length 2"));
    }

    @Test
    void withoutAnIdColumnTheErrorNamesThePosition() {
        SparkSession s = TestSpark.get();
        float[] nan = new float[384];
        nan[0] = Float.POSITIVE_INFINITY;
        Dataset<Row> df = s.createDataFrame(List.of(RowFactory.create(9L, boxed(new float[384])), RowFactory.create(10L, boxed(nan))), SCHEMA)
                .coalesce(1);
        SparkException e = assertThrows(SparkException.class, () -> new VectorsToCodes().transform(df).collect());
        assertTrue(e.getMessage().contains("partition 0, row 1") && e.getMessage().contains("Infinity"), e.getMessage());
    }

    @Test
    void paramsRoundTripThroughSparkMlPersistence(@TempDir Path tmp) throws Exception {
        VectorsToCodes t = new VectorsToCodes();
        t.setBits(128).setInputCol("emb").setErrorCol("err");
        t.save(tmp.resolve("t").toString());
        VectorsToCodes back = VectorsToCodes.load(tmp.resolve("t").toString());
        assertEquals(t.uid(), back.uid());
        assertEquals(128, back.getBits());
        assertEquals("emb", back.getInputCol());
        assertEquals("err", back.getErrorCol());
    }

    @Test
    void anEncoderFileAndDoubleVectorsGiveTheClisCodesForThatFile(@TempDir Path tmp) throws Exception {
        // an encoder file (here the shipped 128-bit one, saved) travels from the driver to the tasks as bytes
        Path enc = tmp.resolve("e128.bse");
        org.bitsieve.core.io.EncoderFiles.save(org.bitsieve.embed.GeneralEncoders.load("all-minilm-l6-v2", 128), enc);
        Path npy = TestSpark.shared().resolve("embeddings/all-minilm-l6-v2/cr/test.npy");
        Path bsc = tmp.resolve("cr.bsc");
        assertEquals(0, Main.run("encode", npy.toString(), "-e", enc.toString(), "-o", bsc.toString()));
        PackedCodes cli = CodesFile.read(bsc).codes();
        FloatMatrix m = Npy.readVectors(npy);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < m.rows(); i++) {
            Double[] d = new Double[m.dim()];
            for (int j = 0; j < d.length; j++) {
                d[j] = (double) m.get(i, j); // PySpark lists of floats arrive as array<double>
            }
            rows.add(RowFactory.create((long) i, d));
        }
        StructType doubles = new StructType().add("id", DataTypes.LongType, false)
                .add("vector", DataTypes.createArrayType(DataTypes.DoubleType, true), true);
        List<Row> out = new VectorsToCodes().setEncoderPath(enc.toString())
                .transform(TestSpark.get().createDataFrame(rows, doubles).repartition(2)).select("id", "code").collectAsList();
        assertEquals(m.rows(), out.size());
        for (Row r : out) {
            int i = (int) r.getLong(0);
            assertEquals(16, ((byte[]) r.get(1)).length);
            assertArrayEquals(CodeBytes.toBytes(cli.code(i), 128), (byte[]) r.get(1), "code of row " + i);
        }
    }
}
