package org.bitsieve.bench.scale;

import org.bitsieve.core.FloatMatrix;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Exact float top-k of the queries over generated documents {@code [0, n)}: the generator streams chunks to a
 * python3/numpy process (float32 BLAS over both cores, several times faster than a Java loop on Java 17) that keeps
 * the running top k. Results are cached in the data folder by (n, seed, sigma, queries, k), so reruns skip this.
 */
final class ExactTopK {
    record Result(long[] ids, float[] scores, int k, double seconds) {
        long id(int q, int r) { return ids[q * k + r]; }
    }

    private static final int CHUNK = 65_536;

    private ExactTopK() {}

    static Result compute(MixGenerator gen, FloatMatrix queries, long n, int k, Path cacheDir) throws IOException, InterruptedException {
        Path cache = cacheDir.resolve(String.format(Locale.ROOT, "exact-n%d-seed%d-sigma%.3f-q%d-k%d.bin", n, gen.seed, gen.sigma, queries.rows(), k));
        int nq = queries.rows();
        if (Files.exists(cache)) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(cache)).order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() == nq * k * 12 + 8) {
                Result r = read(b, nq, k, b.getDouble(nq * k * 12));
                System.out.printf(Locale.ROOT, "exact top-%d over %,d docs: cached in %s (computed in %.0fs)%n", k, n, cache, r.seconds());
                return r;
            }
        }
        Path script = Files.createTempFile("exact_topk", ".py");
        try (InputStream in = ExactTopK.class.getResourceAsStream("exact_topk.py")) {
            Files.write(script, in.readAllBytes());
        }
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder("python3", script.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream is = p.getInputStream()) {
                return is.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        int dim = queries.dim();
        try (OutputStream os = new BufferedOutputStream(p.getOutputStream(), 1 << 20)) {
            ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(nq).putInt(dim).putInt(k);
            os.write(h.array());
            os.write(floats(queries.data(), queries.data().length));
            float[] chunk = new float[CHUNK * dim];
            for (long from = 0; from < n; from += CHUNK) {
                int m = (int) Math.min(CHUNK, n - from);
                gen.docs(from, m, chunk);
                os.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(m).array());
                os.write(floats(chunk, m * dim));
                if ((from / CHUNK) % 160 == 159) {
                    System.out.printf(Locale.ROOT, "  exact: %,d of %,d docs, %.0fs%n", from + m, n, (System.nanoTime() - t0) / 1e9);
                }
            }
            os.write(new byte[4]);
        }
        byte[] res = out.join();
        if (p.waitFor() != 0 || res.length != nq * k * 12) {
            throw new IOException("exact top-k (python3 + numpy) failed with exit code " + p.exitValue() + "; see its message above");
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Files.delete(script);
        Files.createDirectories(cacheDir);
        Files.write(cache, ByteBuffer.allocate(res.length + 8).order(ByteOrder.LITTLE_ENDIAN).put(res).putDouble(secs).array());
        System.out.printf(Locale.ROOT, "exact top-%d over %,d docs in %.0fs (%,.0f docs/s)%n", k, n, secs, n / secs);
        return read(ByteBuffer.wrap(res).order(ByteOrder.LITTLE_ENDIAN), nq, k, secs);
    }

    /** The script's answer (and the cache's start): nq * k ids as longs, then their scores as floats. */
    private static Result read(ByteBuffer b, int nq, int k, double secs) {
        long[] ids = new long[nq * k];
        float[] s = new float[nq * k];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = b.getLong();
        }
        for (int i = 0; i < s.length; i++) {
            s[i] = b.getFloat();
        }
        return new Result(ids, s, k, secs);
    }

    private static byte[] floats(float[] v, int len) {
        ByteBuffer b = ByteBuffer.allocate(len * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v, 0, len);
        return b.array();
    }
}
