package org.bitsieve.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NearDuplicatesTest {
    static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType, false).add("code", DataTypes.BinaryType, true);

    static Dataset<Row> frame(List<byte[]> codes) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            rows.add(RowFactory.create(String.format("d%05d", i), codes.get(i)));
        }
        return TestSpark.get().createDataFrame(rows, SCHEMA).repartition(3);
    }

    /** Every pair within r by comparing all pairs: "id_a id_b distance". */
    static Set<String> exact(List<byte[]> codes, int r) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < codes.size(); i++) {
            for (int j = i + 1; j < codes.size(); j++) {
                int d = CodeBytes.hamming(codes.get(i), codes.get(j));
                if (d <= r) {
                    out.add(String.format("d%05d d%05d %d", i, j, d));
                }
            }
        }
        return out;
    }

    static Set<String> found(Dataset<Row> pairs) {
        Set<String> out = new HashSet<>();
        List<Row> rows = pairs.collectAsList();
        for (Row p : rows) {
            out.add(p.getString(0) + " " + p.getString(1) + " " + p.getInt(2));
        }
        assertEquals(rows.size(), out.size(), "each pair is reported once");
        return out;
    }

    /** Random codes with planted near copies at every distance 0..12. */
    static List<byte[]> planted(int n, int bytes, long seed) {
        Random rnd = new Random(seed);
        List<byte[]> codes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] c = new byte[bytes];
            rnd.nextBytes(c);
            codes.add(c);
            if (i % 5 == 0) {
                byte[] copy = c.clone();
                Set<Integer> flipped = new HashSet<>();
                int flips = i / 5 % 13;
                while (flipped.size() < flips) {
                    flipped.add(rnd.nextInt(bytes * 8));
                }
                for (int b : flipped) {
                    copy[b >>> 3] ^= (byte) (1 << (b & 7));
                }
                codes.add(copy);
            }
        }
        return codes;
    }

    @Test
    void bandingFindsExactlyThePairsAnExactScanFinds() {
        List<byte[]> codes = planted(3000, 32, 1);
        for (int r : new int[] {0, 3, 8}) {
            Set<String> truth = exact(codes, r);
            assertTrue(truth.size() > 20, "planted pairs exist at r=" + r + ": " + truth.size());
            assertEquals(truth, found(new NearDuplicates().setRadius(r).pairs(frame(codes))), "r=" + r);
        }
    }

    @Test
    void realCodesWithNearCopiesToo() throws Exception {
        // codes of real sentences are clustered (their bands are far from uniform, so buckets are larger than
        // random codes'), with near copies planted at 0..12 flipped bits
        MrData mr = new MrData("test");
        List<Row> coded = new VectorsToCodes().transform(mr.frame(2)).select("code").collectAsList();
        List<byte[]> codes = new ArrayList<>();
        Random rnd = new Random(7);
        for (int i = 0; i < coded.size(); i++) {
            byte[] c = (byte[]) coded.get(i).get(0);
            codes.add(c);
            if (i % 10 == 0) {
                byte[] copy = c.clone();
                for (int f = 0; f < i / 10 % 13; f++) {
                    int b = rnd.nextInt(256);
                    copy[b >>> 3] ^= (byte) (1 << (b & 7)); // may hit a bit twice: distance <= flips
                }
                codes.add(copy);
            }
        }
        Set<String> truth = exact(codes, 8);
        assertTrue(truth.size() > 100, "pairs within 8: " + truth.size());
        assertEquals(truth, found(new NearDuplicates().setRadius(8).pairs(frame(codes))));
    }

    @Test
    void clustersAreConnectedComponentsNamedByTheirSmallestId() {
        byte[] a = new byte[32];
        byte[] b = a.clone();
        b[0] ^= 0x0F; // 4 bits from a
        byte[] c = b.clone();
        c[1] ^= 0x0F; // 4 from b, 8 from a
        byte[] d = c.clone();
        d[2] ^= 0x0F; // 4 from c, 12 from a: in the cluster only through the chain
        byte[] far = new byte[32];
        java.util.Arrays.fill(far, (byte) 0xFF);
        byte[] far2 = far.clone();
        far2[5] = 0;
        Dataset<Row> pairs = new NearDuplicates().setRadius(4).pairs(frame(List.of(a, b, c, d, far, far2)));
        Map<String, String> cluster = new HashMap<>();
        for (Row r : NearDuplicates.clusters(pairs).collectAsList()) {
            cluster.put(r.getString(0), r.getString(1) + "/" + r.getInt(2));
        }
        assertEquals(Map.of("d00000", "d00000/4", "d00001", "d00000/4", "d00002", "d00000/4", "d00003", "d00000/4"), 
                Map.of("d00000", cluster.get("d00000"), "d00001", cluster.get("d00001"), "d00002", cluster.get("d00002"), "d00003", cluster.get("d00003")));
        assertEquals(4, cluster.size(), "far and far2 are 8 bits apart, beyond r = 4: " + cluster);
    }
}
