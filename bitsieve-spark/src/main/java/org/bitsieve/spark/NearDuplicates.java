package org.bitsieve.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.udf;

/**
 * All pairs of codes within Hamming distance {@code r}, without comparing every pair: each code is cut into
 * {@code r + 1} bands of consecutive bits, and codes that agree on a whole band meet in a join on (band, band bits).
 * Two codes at distance {@code <= r} differ in at most {@code r} bands, so (pigeonhole) they agree on at least one and
 * are always joined: no true pair is missed. The exact distance is checked after the join, and a pair joined on
 * several bands is kept only for the first band the two codes agree on, so each pair appears once without a
 * shuffle for {@code distinct}.
 *
 * <p>Codes are the binary column of {@link VectorsToCodes} / {@link TextToCodes} (all of one length). Cost grows
 * with the band buckets: {@code r + 1} bands of {@code bits / (r + 1)} bits; random 256-bit codes at r = 8 share a
 * 28-bit band by chance with probability 2^-28 per band, and real embeddings' codes are clustered, so buckets are
 * larger, which is the candidates the exact check filters.
 */
public final class NearDuplicates {
    private String idCol = "id";
    private String codeCol = "code";
    private int radius = 8;

    public NearDuplicates setIdCol(String c) { idCol = c; return this; }

    public NearDuplicates setCodeCol(String c) { codeCol = c; return this; }

    public NearDuplicates setRadius(int r) {
        if (r < 0) {
            throw new IllegalArgumentException("radius must be >= 0, got " + r);
        }
        radius = r;
        return this;
    }

    /** Band {@code b} of {@code bands} covers bits {@code [b * bits / bands, (b + 1) * bits / bands)}. */
    static int bandStart(int b, int bands, int bits) { return (int) ((long) b * bits / bands); }

    /** The band keys of a code: element b = the band's bits, packed from its first bit, with b in front. */
    static List<byte[]> bandKeys(byte[] code, int bands) {
        int bits = code.length * 8;
        List<byte[]> keys = new ArrayList<>(bands);
        for (int b = 0; b < bands; b++) {
            int from = bandStart(b, bands, bits);
            int to = bandStart(b + 1, bands, bits);
            byte[] k = new byte[2 + (to - from + 7) / 8];
            k[0] = (byte) (b >>> 8);
            k[1] = (byte) b;
            for (int i = from; i < to; i++) {
                if ((code[i >>> 3] >>> (i & 7) & 1) != 0) {
                    int j = i - from;
                    k[2 + (j >>> 3)] |= (byte) (1 << (j & 7));
                }
            }
            keys.add(k);
        }
        return keys;
    }

    /** The first band on which two codes agree, or -1. */
    static int firstEqualBand(byte[] a, byte[] b, int bands) {
        int bits = a.length * 8;
        for (int band = 0; band < bands; band++) {
            boolean equal = true;
            for (int i = bandStart(band, bands, bits); i < bandStart(band + 1, bands, bits) && equal; i++) {
                equal = ((a[i >>> 3] ^ b[i >>> 3]) >>> (i & 7) & 1) == 0;
            }
            if (equal) {
                return band;
            }
        }
        return -1;
    }

    /**
     * Pairs {@code (id_a, id_b, distance)} with {@code id_a < id_b} (as text) and distance {@code <= radius}.
     * Rows with a null code are ignored. Codes must all have one length (the job fails naming the ids otherwise).
     */
    public Dataset<Row> pairs(Dataset<?> df) {
        int bands = radius + 1;
        UDF1<byte[], List<byte[]>> keys = code -> bandKeys(code, bands);
        Dataset<Row> banded = df.where(col(codeCol).isNotNull())
                .select(col(idCol).cast(DataTypes.StringType).as("id"), col(codeCol).as("code"))
                .select(col("id"), col("code"), posexplode(udf(keys, DataTypes.createArrayType(DataTypes.BinaryType)).apply(col("code"))))
                .withColumnRenamed("pos", "band").withColumnRenamed("col", "key");
        Dataset<Row> a = banded.toDF("id_a", "code_a", "band", "key");
        Dataset<Row> b = banded.toDF("id_b", "code_b", "band_b", "key_b");
        int r = radius;
        UDF3<byte[], byte[], Integer, Integer> check = (x, y, band) -> {
            if (x.length != y.length) {
                throw new RowFailure("NearDuplicates: codes of " + x.length + " and " + y.length + " bytes in one column");
            }
            if (firstEqualBand(x, y, bands) != band) {
                return null; // this pair is reported by the join on its first shared band
            }
            int d = CodeBytes.hamming(x, y);
            return d <= r ? d : null;
        };
        Column distance = udf(check, DataTypes.IntegerType).apply(col("code_a"), col("code_b"), col("band"));
        return a.join(b, col("key").equalTo(col("key_b")).and(col("id_a").lt(col("id_b"))))
                .select(col("id_a"), col("id_b"), distance.as("distance"))
                .where(col("distance").isNotNull());
    }

    /**
     * Connected components of the pairs: {@code (id, cluster, size)} for every id in some pair, the cluster named by
     * its smallest id. Union-find on the driver over a stream of the pairs: memory grows with the ids that have a
     * near duplicate, not with the corpus.
     */
    public static Dataset<Row> clusters(Dataset<Row> pairs) {
        Map<String, String> parent = new HashMap<>();
        Iterator<Row> it = pairs.select("id_a", "id_b").toLocalIterator();
        while (it.hasNext()) {
            Row p = it.next();
            String x = find(parent, p.getString(0));
            String y = find(parent, p.getString(1));
            if (!x.equals(y)) {
                // the smaller id becomes the root, so a cluster is named by its smallest member
                if (x.compareTo(y) < 0) {
                    parent.put(y, x);
                } else {
                    parent.put(x, y);
                }
            }
        }
        Map<String, Integer> size = new HashMap<>();
        for (String id : parent.keySet()) {
            size.merge(find(parent, id), 1, Integer::sum);
        }
        List<Row> rows = new ArrayList<>(parent.size());
        for (String id : parent.keySet()) {
            String root = find(parent, id);
            rows.add(RowFactory.create(id, root, size.get(root)));
        }
        StructType schema = new StructType().add("id", DataTypes.StringType, false).add("cluster", DataTypes.StringType, false)
                .add("size", DataTypes.IntegerType, false);
        return pairs.sparkSession().createDataFrame(rows, schema);
    }

    private static String find(Map<String, String> parent, String id) {
        String root = parent.computeIfAbsent(id, k -> k);
        while (!root.equals(parent.get(root))) {
            root = parent.get(root);
        }
        // path compression keeps later finds short
        String cur = id;
        while (!cur.equals(root)) {
            String next = parent.get(cur);
            parent.put(cur, root);
            cur = next;
        }
        return root;
    }

}
