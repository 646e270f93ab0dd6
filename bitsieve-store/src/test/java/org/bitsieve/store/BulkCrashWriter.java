package org.bitsieve.store;

import java.nio.file.Path;

/**
 * The writer process of {@link BulkCrashTest}: bulk-loads batches forever and prints "ACK n" once batch n is
 * committed, until it is killed. Batch n holds docs bN-0..bN-(PER-1) and upserts b(N-1)-0 with text "updN"
 * (its earlier copy is deleted in the same durable step).
 */
public final class BulkCrashWriter {
    static final int PER = 3000;

    private BulkCrashWriter() {}

    static long seed(int batch, int i) { return batch * 10_000L + i; }

    static BulkBatch batch(int n) {
        int rows = n >= 1 ? PER + 1 : PER;
        String[] ids = new String[rows];
        String[] texts = new String[rows];
        float[] v = new float[rows * TestVectors.DIM];
        for (int i = 0; i < rows; i++) {
            boolean upd = i == PER;
            long s = upd ? seed(n - 1, 0) : seed(n, i);
            ids[i] = upd ? "b" + (n - 1) + "-0" : "b" + n + "-" + i;
            texts[i] = upd ? "upd" + n : "t" + s;
            System.arraycopy(TestVectors.vector(s), 0, v, i * TestVectors.DIM, TestVectors.DIM);
        }
        return new BulkBatch(ids, v, texts, null);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int start = Integer.parseInt(args[1]);
        try (Collection c = Collection.open(dir)) {
            System.out.println("OPEN " + c.count());
            System.out.flush();
            int[] next = {start};
            int[] acked = {start - 1};
            c.bulkLoad(() -> batch(next[0]++), docs -> {
                System.out.println("ACK " + ++acked[0]);
                System.out.flush();
            });
        }
    }
}
