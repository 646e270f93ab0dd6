package org.bitsieve.bench;

import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.search.HammingSearch;
import org.bitsieve.core.search.TopK;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;

/**
 * Java half of the FAISS comparison ({@code tools/bench-search.sh}): generates the benchmark database (same
 * generator and seed as {@link HammingBench}) and a batch of query codes, writes them as uint8 {@code .npy}
 * files (byte k of a code = bits [8k, 8k+8), the layout FAISS binary indexes use), times single-thread
 * {@code HammingSearch.topK(db, q, k)} over the batch and writes its top-k distances and ids.
 *
 * <pre>java -cp benchmarks.jar org.bitsieve.bench.SearchCompare OUT_DIR [n=1000000] [bits=256] [nq=100] [k=10] [repeats=7]</pre>
 */
public final class SearchCompare {
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: SearchCompare OUT_DIR [n] [bits] [nq] [k] [repeats]");
            System.exit(2);
        }
        Path dir = Paths.get(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int bits = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int nq = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int k = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        int repeats = args.length > 5 ? Integer.parseInt(args[5]) : 7;
        if (bits % 8 != 0) {
            throw new IllegalArgumentException("bits must be a multiple of 8 for FAISS");
        }
        Files.createDirectories(dir);
        PackedCodes db = BenchData.randomCodes(n, bits, BenchData.CODE_SEED);
        PackedCodes qc = BenchData.randomCodes(nq, bits, BenchData.QUERY_SEED);
        writeCodes(dir.resolve("db.npy"), db);
        writeCodes(dir.resolve("queries.npy"), qc);
        long[][] queries = new long[nq][];
        for (int i = 0; i < nq; i++) {
            queries[i] = qc.code(i);
        }

        // JIT warm-up: enough full scans for C2 to compile the loop (OSR and normal entry)
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; System.nanoTime() < warmEnd; i++) {
            HammingSearch.topK(db, queries[i % nq], k);
        }
        int[] dist = new int[nq * k];
        int[] ids = new int[nq * k];
        double[] rates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < nq; i++) {
                TopK t = HammingSearch.topK(db, queries[i], k);
                if (r == 0) {
                    for (int j = 0; j < k; j++) {
                        dist[i * k + j] = (int) -t.scores()[j];
                        ids[i * k + j] = t.ids()[j];
                    }
                }
            }
            long t1 = System.nanoTime();
            rates[r] = (double) n * nq / ((t1 - t0) / 1e9);
        }
        writeInts(dir.resolve("java_dist.npy"), dist, nq, k);
        writeInts(dir.resolve("java_ids.npy"), ids, nq, k);
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        double median = sorted[repeats / 2];
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "{\"n\": %d, \"bits\": %d, \"nq\": %d, \"k\": %d, \"repeats\": %d, "
                + "\"java_codes_per_s_median\": %.1f, \"java_codes_per_s_all\": [", n, bits, nq, k, repeats, median));
        for (int r = 0; r < repeats; r++) {
            sb.append(String.format(Locale.ROOT, "%s%.1f", r == 0 ? "" : ", ", rates[r]));
        }
        sb.append("], \"java\": \"").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append("\"}\n");
        Files.writeString(dir.resolve("java_result.json"), sb.toString());
        System.out.printf(Locale.ROOT, "java  HammingSearch.topK  n=%d bits=%d nq=%d k=%d  median %.1f Mcodes/s  (runs: %s)%n",
                n, bits, nq, k, median / 1e6, fmt(rates));
    }

    private static String fmt(double[] rates) {
        StringBuilder sb = new StringBuilder();
        for (double r : rates) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f", r / 1e6));
        }
        return sb.toString();
    }

    private static void header(OutputStream os, String descr, String shape) throws IOException {
        String h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + h.length() + 1;
        int pad = (64 - total % 64) % 64;
        h = h + " ".repeat(pad) + "\n";
        os.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        os.write(h.length() & 0xFF);
        os.write(h.length() >>> 8);
        os.write(h.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** uint8 array (count, bytesPerCode), little-endian bytes of each word. */
    public static void writeCodes(Path p, PackedCodes c) throws IOException {
        int bpc = c.bytesPerCode();
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(p), 1 << 20)) {
            header(os, "|u1", "(" + c.count() + ", " + bpc + ")");
            long[] a = c.data();
            int words = c.words();
            ByteBuffer buf = ByteBuffer.allocate(words * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < c.count(); i++) {
                buf.clear();
                for (int w = 0; w < words; w++) {
                    buf.putLong(a[i * words + w]);
                }
                os.write(buf.array(), 0, bpc);
            }
        }
    }

    public static void writeInts(Path p, int[] v, int rows, int cols) throws IOException {
        try (DataOutputStream os = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(p)))) {
            header(os, "<i4", "(" + rows + ", " + cols + ")");
            for (int x : v) {
                os.writeInt(Integer.reverseBytes(x));
            }
        }
    }
}
