package org.bitsieve.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** A shared MR split (texts, labels, ids, reference vectors) as a DataFrame: id, text, label, vector. */
final class MrData {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("text", DataTypes.StringType, true)
            .add("label", DataTypes.StringType, true)
            .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), true);

    final List<String> ids = new ArrayList<>();
    final List<String> texts = new ArrayList<>();
    final List<String> labels = new ArrayList<>();
    final FloatMatrix vectors;

    MrData(String split) throws Exception {
        Path shared = TestSpark.shared();
        vectors = Npy.readVectors(shared.resolve("embeddings/all-minilm-l6-v2/mr/" + split + ".npy"));
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(shared.resolve("data/mr/" + split + ".jsonl.gz"))), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode n = json.readTree(line);
                ids.add(n.get("id").asText());
                texts.add(n.get("text").asText());
                labels.add(n.get("label").asText());
            }
        }
        if (ids.size() != vectors.rows()) {
            throw new IllegalStateException("MR " + split + ": " + ids.size() + " texts but " + vectors.rows() + " vectors");
        }
    }

    Dataset<Row> frame(int partitions) {
        List<Row> rows = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            rows.add(RowFactory.create(ids.get(i), texts.get(i), labels.get(i), VectorsToCodesTest.boxed(vectors.row(i))));
        }
        return TestSpark.get().createDataFrame(rows, SCHEMA).repartition(partitions);
    }
}
