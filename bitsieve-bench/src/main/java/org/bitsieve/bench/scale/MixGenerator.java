package org.bitsieve.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Realistic 384-d sentence vectors in any number, made from the real all-MiniLM-L6-v2 embeddings of the shared
 * data folder (every set in its manifest, 139,731 vectors, sorted by file name: the "pool").
 *
 * <p>Vector {@code i} is a function of (seed, i) alone, so any range can be regenerated in any order and on any
 * thread instead of being stored: a hash of (seed, i) picks 2 or 3 pool vectors (equal odds) and convex weights,
 * the first weight uniform in [{@value #W_MIN}, {@value #W_MAX}] and the rest of the mass split uniformly among the
 * others; the mix gets Gaussian noise of norm about {@link #sigma} (read from a fixed table of 2^20 N(0, 1/384)
 * values at a hashed offset and odd stride, far cheaper than drawing 384 Gaussians) and is normalised to unit length.
 * Queries use the same recipe with a different salt, so they are never rows of the collection ("held out") but follow
 * its distribution. {@link ScaleBench}'s "similarity" part compares its neighbour structure with the real pool's.
 */
public final class MixGenerator {
    public static final int DIM = 384;
    static final double W_MIN = 0.55;
    static final double W_MAX = 0.95;
    private static final int NOISE_BITS = 20;
    private static final long QUERY_SALT = 0x5CA1AB1E0DDBA11L;

    final float[] pool;
    final int poolRows;
    final long seed;
    final float sigma;
    private final float[] noise;

    public MixGenerator(Path embeddings, long seed, float sigma) throws IOException {
        this(loadPool(embeddings), seed, sigma);
    }

    MixGenerator(FloatMatrix pool, long seed, float sigma) {
        if (pool.dim() != DIM) {
            throw new IllegalArgumentException("pool vectors have dimension " + pool.dim() + ", expected " + DIM);
        }
        this.pool = pool.data();
        this.poolRows = pool.rows();
        this.seed = seed;
        this.sigma = sigma;
        SplittableRandom r = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        noise = new float[1 << NOISE_BITS];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (r.nextGaussian() / Math.sqrt(DIM));
        }
    }

    /** Every vector listed in {@code embeddings/manifest.json}, unit-normalised, in file-name order. */
    public static FloatMatrix loadPool(Path embeddings) throws IOException {
        JsonNode m = new ObjectMapper().readTree(embeddings.resolve("manifest.json").toFile());
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        names.sort(null);
        List<FloatMatrix> parts = new ArrayList<>();
        int rows = 0;
        for (String n : names) {
            FloatMatrix x = Npy.read(embeddings.resolve(n));
            if (x.dim() != DIM) {
                throw new IOException(embeddings.resolve(n) + " has dimension " + x.dim() + ", expected " + DIM);
            }
            parts.add(x);
            rows += x.rows();
        }
        float[] d = new float[rows * DIM];
        int o = 0;
        for (FloatMatrix x : parts) {
            System.arraycopy(x.data(), 0, d, o, x.rows() * DIM);
            o += x.rows() * DIM;
        }
        for (int r = 0; r < rows; r++) {
            normalise(d, r * DIM);
        }
        return new FloatMatrix(d, rows, DIM);
    }

    /** Writes document vector {@code index} into {@code out[off .. off + DIM)}. */
    public void doc(long index, float[] out, int off) { make(mix(seed ^ mix(index)), out, off); }

    /** Writes held-out query vector {@code q} (never a document) into {@code out[off .. off + DIM)}. */
    public void query(long q, float[] out, int off) { make(mix(seed ^ QUERY_SALT ^ mix(q + 0x51ED270B27L)), out, off); }

    /** Document vectors {@code [from, from + n)}, row-major, generated in parallel. */
    public void docs(long from, int n, float[] out) {
        IntStream.range(0, (n + 4095) / 4096).parallel().forEach(c -> {
            for (int i = c * 4096, e = Math.min(n, i + 4096); i < e; i++) {
                doc(from + i, out, i * DIM);
            }
        });
    }

    public FloatMatrix queries(int n) {
        float[] d = new float[n * DIM];
        for (int q = 0; q < n; q++) {
            query(q, d, q * DIM);
        }
        return new FloatMatrix(d, n, DIM);
    }

    private void make(long h, float[] out, int off) {
        SplittableRandom r = new SplittableRandom(h);
        int k = r.nextBoolean() ? 2 : 3;
        double w1 = W_MIN + (W_MAX - W_MIN) * r.nextDouble();
        double w2 = k == 2 ? 1 - w1 : (1 - w1) * r.nextDouble();
        double w3 = k == 2 ? 0 : 1 - w1 - w2;
        int p1 = r.nextInt(poolRows) * DIM;
        int p2 = r.nextInt(poolRows) * DIM;
        int p3 = k == 3 ? r.nextInt(poolRows) * DIM : p1;
        int mask = (1 << NOISE_BITS) - 1;
        int at = r.nextInt(1 << NOISE_BITS);
        int step = r.nextInt(1 << NOISE_BITS) | 1;
        float a = (float) w1;
        float b = (float) w2;
        float c = (float) w3;
        for (int j = 0; j < DIM; j++) {
            out[off + j] = a * pool[p1 + j] + b * pool[p2 + j] + c * pool[p3 + j] + sigma * noise[(at + j * step) & mask];
        }
        normalise(out, off);
    }

    static void normalise(float[] v, int off) {
        double s = 0;
        for (int j = 0; j < DIM; j++) {
            s += (double) v[off + j] * v[off + j];
        }
        float inv = (float) (1 / Math.sqrt(s));
        for (int j = 0; j < DIM; j++) {
            v[off + j] *= inv;
        }
    }

    /** SplitMix64's finaliser: a well-mixed 64-bit hash. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
