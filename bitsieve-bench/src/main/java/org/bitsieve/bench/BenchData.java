package org.bitsieve.bench;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.io.Npy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.SplittableRandom;

/** Deterministic data shared by the benchmarks and by the FAISS comparison export. */
public final class BenchData {
    private BenchData() {}

    /** Seed of the random database codes; FAISS reads the same codes from the file {@link ExportCodes} writes. */
    public static final long CODE_SEED = 20240601L;
    /** Seed of the random query codes (a different stream from the database). */
    public static final long QUERY_SEED = 7L;

    /** {@code n} uniformly random codes of {@code bits} bits: word after word from one SplittableRandom. */
    public static PackedCodes randomCodes(int n, int bits, long seed) {
        PackedCodes c = PackedCodes.allocate(n, bits);
        long[] a = c.data();
        int words = c.words();
        long lastMask = (bits & 63) == 0 ? -1L : (1L << (bits & 63)) - 1;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            for (int w = 0; w < words; w++) {
                long x = r.nextLong();
                a[i * words + w] = w == words - 1 ? x & lastMask : x;
            }
        }
        return c;
    }

    /** Path of the IMDB MiniLM train embeddings (override with -Dbitsieve.imdb=...). */
    public static Path imdbTrain() {
        String p = System.getProperty("bitsieve.imdb",
                "/work/shared/embeddings/all-minilm-l6-v2/imdb/train.npy");
        Path path = Paths.get(p);
        if (!Files.exists(path)) {
            throw new IllegalStateException("IMDB embeddings not found at " + path + " (set -Dbitsieve.imdb)");
        }
        return path;
    }

    public static FloatMatrix loadImdb() {
        try {
            return Npy.read(imdbTrain());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code n} unit vectors made from the base rows: row {@code i} is base row {@code i % rows} plus Gaussian
     * noise of per-coordinate standard deviation {@code sigma}, renormalised. Deterministic from {@code seed}.
     */
    public static FloatMatrix perturbed(FloatMatrix base, int n, float sigma, long seed) {
        int dim = base.dim();
        float[] out = new float[n * dim];
        float[] b = base.data();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int src = (i % base.rows()) * dim;
            int o = i * dim;
            double s = 0;
            for (int j = 0; j < dim; j++) {
                float v = b[src + j] + (i < base.rows() ? 0f : (float) (gaussian(r) * sigma));
                out[o + j] = v;
                s += (double) v * v;
            }
            float inv = (float) (1.0 / Math.sqrt(s));
            for (int j = 0; j < dim; j++) {
                out[o + j] *= inv;
            }
        }
        return new FloatMatrix(out, n, dim);
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
