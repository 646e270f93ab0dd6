package org.bitsieve.bench.scale;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.bench.SearchCompare;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The FAISS anchor of the scale benchmark ({@code ScaleBench --parts faiss}): the same generated documents, encoded
 * by the same encoder into the same 256-bit codes, searched by FAISS {@code IndexBinaryIVF} (Hamming queries: FAISS's
 * binary indexes have no float-query mode) at the same number of cells, one thread, one query at a time. The codes,
 * the query codes and the exact float top 10 go to {@code data/faiss-N/} as {@code .npy}; {@code tools/faiss_ivf.py}
 * (Debian {@code python3-faiss}) does the rest and answers in JSON, which lands in scale.json next to our rows.
 */
final class FaissIvfAnchor {
    private FaissIvfAnchor() {}

    static Map<String, Object> run(MixGenerator gen, Encoder encoder, FloatMatrix queries, ExactTopK.Result exact, long n, int cells,
                                   String nprobes, Path data) throws IOException, InterruptedException {
        Path dir = data.resolve("faiss-" + n);
        Files.createDirectories(dir);
        int rows = Math.toIntExact(n);
        int words = encoder.words();
        long[] all = new long[Math.multiplyExact(rows, words)];
        int chunk = 65_536;
        IntStream.range(0, (rows + chunk - 1) / chunk).parallel().forEach(c -> {
            int from = c * chunk;
            int m = Math.min(chunk, rows - from);
            float[] v = new float[m * MixGenerator.DIM];
            gen.docs(from, m, v);
            for (int i = 0; i < m; i++) {
                encoder.encodeInto(v, i * MixGenerator.DIM, all, (from + i) * words);
            }
        });
        SearchCompare.writeCodes(dir.resolve("db.npy"), new PackedCodes(all, rows, encoder.bits()));
        SearchCompare.writeCodes(dir.resolve("queries.npy"), encoder.encodeAll(queries));
        int nq = queries.rows();
        int[] truth = new int[nq * exact.k()];
        for (int q = 0; q < nq; q++) {
            for (int r = 0; r < exact.k(); r++) {
                truth[q * exact.k() + r] = Math.toIntExact(exact.id(q, r));
            }
        }
        SearchCompare.writeInts(dir.resolve("truth_float.npy"), truth, nq, exact.k());
        Path script = Path.of("tools/faiss_ivf.py");
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.toString(), Integer.toString(cells), nprobes);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException("tools/faiss_ivf.py failed with exit code " + p.exitValue()
                    + " (it needs the Debian python3-faiss: apt-get install -y python3-faiss); see its message above");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> r = new ObjectMapper().readValue(out, LinkedHashMap.class);
        System.out.printf(Locale.ROOT, "FAISS IndexBinaryIVF over the same codes: %s%n", new String(out, java.nio.charset.StandardCharsets.UTF_8).trim());
        try (var files = Files.list(dir)) { // 32 bytes a document: not worth keeping
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
        return r;
    }
}
