package org.bitsieve.bench;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.encode.Vectors;
import org.bitsieve.core.linalg.Pca;
import org.openjdk.jmh.annotations.*;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Coarse cell assignment on one core, real 384-d IMDB MiniLM vectors: {@code kernel} is
 * {@link CoarseQuantizer#assignAll} (the vectorised blocked products, one block of 256 rows, so one thread);
 * {@code scalar} is the loop it replaced (kept here as the "before"): normalised copy, projection by 4-accumulator
 * dot products, then per cell a dot product per row. Centroids are projected random rows (k-means' starting point:
 * the cost does not depend on how well they are fitted). Reported ops/s = rows per second.
 *
 * <pre>java -jar bitsieve-bench/target/benchmarks.jar AssignBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AssignBench {
    static final int BATCH = 256;

    @Param({"1024", "4096"})
    public int cells;

    @Param({"64"})
    public int proj;

    @Param({"kernel", "scalar"})
    public String impl;

    CoarseQuantizer q;
    float[] data;
    int dim;
    int rows;
    int next;
    float[] mean;
    float[] basis;
    float[] centroids;
    float[] halfNorms;

    @Setup(Level.Trial)
    public void setup() {
        FloatMatrix train = BenchData.loadImdb();
        dim = train.dim();
        data = train.data();
        rows = train.rows() / BATCH * BATCH;
        float[] unit = data.clone();
        for (int i = 0; i < train.rows(); i++) {
            normalize(unit, i * dim, dim);
        }
        Pca pca = Pca.fit(new FloatMatrix(unit, train.rows(), dim));
        mean = pca.mean().clone();
        basis = new float[proj * dim];
        for (int p = 0; p < proj; p++) {
            for (int j = 0; j < dim; j++) {
                basis[p * dim + j] = (float) pca.component(p)[j];
            }
        }
        centroids = new float[cells * proj];
        Random rnd = new Random(1);
        for (int c = 0; c < cells; c++) {
            int r = rnd.nextInt(train.rows());
            float[] y = new float[proj];
            projectScalar(unit, r * dim, y);
            System.arraycopy(y, 0, centroids, c * proj, proj);
        }
        halfNorms = new float[cells];
        for (int c = 0; c < cells; c++) {
            double s = 0;
            for (int j = 0; j < proj; j++) {
                s += (double) centroids[c * proj + j] * centroids[c * proj + j];
            }
            halfNorms[c] = (float) (0.5 * s);
        }
        q = new CoarseQuantizer(dim, proj, cells, mean, basis, centroids);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int[] assign() {
        int base = next;
        next = (next + BATCH) % rows;
        if (impl.equals("kernel")) {
            return q.assignAll(new FloatMatrix(Arrays.copyOfRange(data, base * dim, (base + BATCH) * dim), BATCH, dim));
        }
        float[] unit = Arrays.copyOfRange(data, base * dim, (base + BATCH) * dim); // the old path's normalised copy
        float[] y = new float[BATCH * proj];
        float[] yi = new float[proj];
        for (int i = 0; i < BATCH; i++) {
            normalize(unit, i * dim, dim);
            projectScalar(unit, i * dim, yi);
            System.arraycopy(yi, 0, y, i * proj, proj);
        }
        int[] out = new int[BATCH];
        float[] best = new float[BATCH];
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        for (int c = 0; c < cells; c++) {
            int co = c * proj;
            float h = halfNorms[c];
            for (int i = 0; i < BATCH; i++) {
                float s = Vectors.dot(y, i * proj, centroids, co, proj) - h;
                if (s > best[i]) {
                    best[i] = s;
                    out[i] = c;
                }
            }
        }
        return out;
    }

    private void projectScalar(float[] unit, int off, float[] y) {
        float[] row = new float[dim];
        for (int j = 0; j < dim; j++) {
            row[j] = unit[off + j] - mean[j];
        }
        for (int p = 0; p < proj; p++) {
            y[p] = Vectors.dot(row, 0, basis, p * dim, dim);
        }
    }

    private static void normalize(float[] a, int off, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += (double) a[off + j] * a[off + j];
        }
        if (s > 0) {
            float inv = (float) (1 / Math.sqrt(s));
            for (int j = 0; j < d; j++) {
                a[off + j] *= inv;
            }
        }
    }
}
