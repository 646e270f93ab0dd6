package org.bitsieve.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.store.KnnVote;
import org.bitsieve.store.SearchMode;
import org.bitsieve.store.SearchRequest;
import org.bitsieve.store.Snapshot;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kNN classification of a DataFrame's query vectors ({@code array<float>}) against a labelled reference broadcast to
 * the executors, in Hamming or asymmetric mode. Each executor builds, once per broadcast, a read-only snapshot over
 * the reference codes with the store's own scan (one thread: Spark runs one task per core), and votes exactly as
 * {@code Collection.classify} does ({@code bitsieve classify}): the k nearest by the same scores and tie order, and
 * in Hamming mode the codes tied at the k-th distance share the remaining votes. So a label here equals the CLI's
 * on the same collection and query.
 */
public final class KnnClassify implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Map<Long, Prepared> PREPARED = new ConcurrentHashMap<>();

    private final KnnReference reference;
    private String inputCol = "vector";
    private String outputCol = "prediction";
    private String idCol = "";
    private int k = 10;
    private SearchMode mode = SearchMode.ASYMMETRIC;

    public KnnClassify(KnnReference reference) { this.reference = reference; }

    public KnnClassify setInputCol(String c) { inputCol = c; return this; }

    public KnnClassify setOutputCol(String c) { outputCol = c; return this; }

    public KnnClassify setIdCol(String c) { idCol = c; return this; }

    public KnnClassify setK(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("k must be positive, got " + v);
        }
        k = v;
        return this;
    }

    /** {@code hamming} or {@code asymmetric} (the default, as in the CLI). */
    public KnnClassify setMode(String m) { mode = SearchMode.valueOf(m.toUpperCase(java.util.Locale.ROOT)); return this; }

    private record Prepared(Snapshot snapshot, String[] labels) {}

    public Dataset<Row> transform(Dataset<?> df) {
        StructType schema = df.schema();
        int col = CodeTransformer.fieldIndex(schema, inputCol, "inputCol");
        if (!(schema.fields()[col].dataType() instanceof ArrayType t) || t.elementType() != DataTypes.FloatType) {
            throw new IllegalArgumentException("inputCol '" + inputCol + "' must be array<float>");
        }
        RowName names = idCol.isEmpty() ? RowName.positional()
                : new RowName(idCol, CodeTransformer.fieldIndex(schema, idCol, "idCol"), schema.apply(idCol).dataType());
        Broadcast<KnnReference> ref = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext()).broadcast(reference);
        int kk = k;
        SearchMode m = mode;
        StructField[] added = {DataTypes.createStructField(outputCol, DataTypes.StringType, true)};
        return CodeMapper.append(df, added, 1, (rows, partition, first) -> {
            Prepared p = prepared(ref);
            InternalRow row = rows.get(0);
            if (row.isNullAt(col)) {
                throw new RowFailure("KnnClassify: " + names.of(row, partition, first) + ": query vector is null");
            }
            float[] q = row.getArray(col).toFloatArray();
            String label;
            try {
                label = classify(p, new SearchRequest(q, kk, m, 1, null, null, 1));
            } catch (IllegalArgumentException e) {
                throw new RowFailure("KnnClassify: " + names.of(row, partition, first) + ": " + e.getMessage(), e);
            }
            return new Object[][] {{label == null ? null : UTF8String.fromString(label)}};
        });
    }

    /**
     * The executor's snapshot for this broadcast, built by the first task that needs it. A long-lived executor
     * (a notebook's) sees many jobs; only the few newest references are kept, so old ones can be collected.
     */
    private static Prepared prepared(Broadcast<KnnReference> ref) {
        Prepared p = PREPARED.get(ref.id());
        if (p != null) {
            return p;
        }
        synchronized (PREPARED) {
            if (PREPARED.size() >= 4) {
                long newest = PREPARED.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
                PREPARED.keySet().removeIf(id -> id != newest);
            }
            return PREPARED.computeIfAbsent(ref.id(), id -> prepare(ref.value()));
        }
    }

    private static Prepared prepare(KnnReference r) {
        Encoder enc = r.encoder();
        return new Prepared(Snapshot.ofCodes(enc, r.codes, r.count, 1), r.labels);
    }

    /** {@code Snapshot.classify}'s vote ({@link KnnVote}), with labels looked up by reference row (ids of a code snapshot are "s" + row). */
    static String classify(Prepared p, SearchRequest req) {
        String[] labels = p.labels();
        // null when no neighbour carries the label field
        return KnnVote.classify(p.snapshot(), req, h -> labels[Integer.parseInt(h.id().substring(1))]).label();
    }
}
