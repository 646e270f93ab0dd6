package org.bitsieve.store;

import java.nio.file.Path;

/**
 * The writer process of {@link CrashTest}: writes batches forever and prints "ACK n" after batch n is
 * acknowledged, until it is killed. Batch n adds docs bN-0..bN-(PER-1), replaces the text of b(N-1)-0 and deletes
 * batch N-3, all in one atomic write. Every 25th batch it also compacts, so kills land in flushes and compactions.
 */
public final class CrashWriter {
    static final int PER = 40;

    private CrashWriter() {}

    static long seed(int batch, int i) { return batch * 1000L + i; }

    static WriteBatch batch(int n) {
        WriteBatch b = new WriteBatch();
        for (int i = 0; i < PER; i++) {
            long s = seed(n, i);
            b.add(new Doc("b" + n + "-" + i, TestVectors.vector(s), "t" + s, "{\"batch\":" + n + "}"));
        }
        if (n >= 1) {
            b.upsert(new Doc("b" + (n - 1) + "-0", TestVectors.vector(seed(n - 1, 0)), "upd" + n, "{\"batch\":" + (n - 1) + "}"));
        }
        if (n >= 3) {
            for (int i = 0; i < PER; i++) {
                b.delete("b" + (n - 3) + "-" + i);
            }
        }
        return b;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int start = Integer.parseInt(args[1]);
        try (Collection c = Collection.open(dir)) {
            System.out.println("OPEN " + c.count());
            System.out.flush();
            for (int n = start; n < start + 100_000; n++) {
                c.write(batch(n));
                System.out.println("ACK " + n);
                System.out.flush();
                if (n % 25 == 24) {
                    c.compact();
                }
            }
        }
    }
}
