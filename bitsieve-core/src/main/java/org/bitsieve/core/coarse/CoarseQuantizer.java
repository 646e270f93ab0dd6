package org.bitsieve.core.coarse;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Progress;
import org.bitsieve.core.linalg.Pca;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A coarse quantiser for partitioned (IVF) search: k-means cells in a low-dimensional PCA projection of the
 * unit-normalised vectors. It is self-contained (its own mean and basis, not the collection encoder's), so a
 * collection's cells survive a refit of its encoder. Assigning a vector costs {@code dim * proj} multiply-adds
 * for the projection plus {@code cells * proj} for the nearest centroid.
 *
 * <p>Cells are compared by squared Euclidean distance in the projected space; since vectors are normalised
 * first, this ranks cells by cosine up to the projection's loss.
 */
public final class CoarseQuantizer {
    /** Rows projected and assigned by one task: the kernel's row block. */
    private static final int BLOCK_ROWS = CellKernel.ROW_BLOCK;

    private final int dim;
    private final int proj;
    private final int cells;
    private final float[] mean;      // dim
    private final float[] basis;     // proj x dim, row-major
    private final float[] centroids; // cells x proj, row-major
    private final CellKernel kernel;   // the same numbers, laid out for the vectorised products
    private volatile long fingerprint;

    public CoarseQuantizer(int dim, int proj, int cells, float[] mean, float[] basis, float[] centroids) {
        if (dim < 1 || proj < 1 || proj > dim || cells < 1) {
            throw new IllegalArgumentException("coarse quantiser needs 1 <= proj <= dim and cells >= 1; got dim " + dim
                    + ", proj " + proj + ", cells " + cells);
        }
        if (mean.length != dim || basis.length != (long) proj * dim || centroids.length != (long) cells * proj) {
            throw new IllegalArgumentException("coarse quantiser arrays do not match dim " + dim + ", proj " + proj + ", cells " + cells);
        }
        for (float[] a : new float[][] {mean, basis, centroids}) {
            for (float x : a) {
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException("coarse quantiser holds a non-finite value");
                }
            }
        }
        this.dim = dim;
        this.proj = proj;
        this.cells = cells;
        this.mean = mean;
        this.basis = basis;
        this.centroids = centroids;
        this.kernel = new CellKernel(dim, proj, cells, mean, basis, centroids);
    }

    public int dimension() { return dim; }

    public int projection() { return proj; }

    public int cells() { return cells; }

    float[] mean() { return mean; }

    float[] basis() { return basis; }

    float[] centroids() { return centroids; }

    /** SHA-256 based, like encoder fingerprints: the first 8 bytes of the hash of the file bytes. */
    public long fingerprint() {
        long f = fingerprint;
        if (f == 0) {
            try {
                byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(CoarseFiles.toBytes(this));
                f = java.nio.ByteBuffer.wrap(h).getLong();
            } catch (java.security.NoSuchAlgorithmException x) {
                throw new IllegalStateException("every Java platform has SHA-256", x);
            }
            fingerprint = f;
        }
        return f;
    }

    /**
     * Fits {@code cells} k-means cells on the first {@code proj} principal components of the normalised rows of
     * {@code x}. Initial centroids are distinct random rows; an empty cell is re-seeded from a point of the largest.
     */
    public static CoarseQuantizer fit(FloatMatrix x, int cells, int proj, int iterations, long seed, Progress progress) {
        int n = x.rows();
        int d = x.dim();
        if (cells < 1 || cells > n) {
            throw new IllegalArgumentException("cannot fit " + cells + " cells on " + n + " vectors; use fewer cells or more vectors");
        }
        if (proj < 1 || proj > d) {
            throw new IllegalArgumentException("projection must be in 1.." + d + ", got " + proj);
        }
        x.requireFinite("training vectors");
        float[] unit = normalizedCopy(x);
        Pca pca = Pca.fit(new FloatMatrix(unit, n, d));
        float[] basis = new float[proj * d];
        for (int p = 0; p < proj; p++) {
            double[] c = pca.component(p);
            for (int j = 0; j < d; j++) {
                basis[p * d + j] = (float) c[j];
            }
        }
        float[] mean = pca.mean().clone();
        float[] y = projectAll(new CellKernel(d, proj, 1, mean, basis, new float[proj]), x.data(), n, proj);
        Random rnd = new Random(seed);
        int[] perm = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        float[] cent = new float[cells * proj];
        for (int c = 0; c < cells; c++) {
            System.arraycopy(y, perm[c] * proj, cent, c * proj, proj);
        }
        int[] assign = new int[n];
        for (int it = 0; it < iterations; it++) {
            CoarseQuantizer q = new CoarseQuantizer(d, proj, cells, mean, basis, cent.clone());
            q.nearestProjected(y, n, assign);
            double[] sum = new double[cells * proj];
            int[] count = new int[cells];
            for (int i = 0; i < n; i++) {
                int c = assign[i];
                count[c]++;
                for (int j = 0; j < proj; j++) {
                    sum[c * proj + j] += y[i * proj + j];
                }
            }
            for (int c = 0; c < cells; c++) {
                if (count[c] > 0) {
                    for (int j = 0; j < proj; j++) {
                        cent[c * proj + j] = (float) (sum[c * proj + j] / count[c]);
                    }
                }
            }
            for (int c = 0; c < cells; c++) {
                if (count[c] == 0) {
                    // split the largest cell: a member point, slightly moved, becomes the new centroid
                    int big = 0;
                    for (int b = 1; b < cells; b++) {
                        if (count[b] > count[big]) {
                            big = b;
                        }
                    }
                    int pick = -1;
                    for (int tries = 0; tries < 4 * n && pick < 0; tries++) {
                        int i = rnd.nextInt(n);
                        if (assign[i] == big) {
                            pick = i;
                        }
                    }
                    for (int j = 0; j < proj; j++) {
                        float v = pick < 0 ? cent[big * proj + j] : y[pick * proj + j];
                        cent[c * proj + j] = v + (float) (1e-4 * rnd.nextGaussian());
                    }
                    count[c] = count[big] / 2;
                    count[big] -= count[c];
                }
            }
            progress.update(it + 1, iterations);
        }
        return new CoarseQuantizer(d, proj, cells, mean, basis, cent);
    }

    private static float[] normalizedCopy(FloatMatrix x) {
        int n = x.rows();
        int d = x.dim();
        float[] out = x.data().clone();
        for (int i = 0; i < n; i++) {
            normalize(out, i * d, d);
        }
        return out;
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

    /** All rows of {@code x} projected (normalised first): n x proj, blocks of rows in parallel. */
    private static float[] projectAll(CellKernel k, float[] x, int n, int proj) {
        float[] y = new float[n * proj];
        inBlocks(n, (from, rows) -> {
            float[] part = new float[rows * proj];
            k.project(x, from, rows, part);
            System.arraycopy(part, 0, y, from * proj, rows * proj);
        });
        return y;
    }

    private interface Block {
        void run(int from, int rows);
    }

    /** Rows {@code [0, n)} in blocks of {@link #BLOCK_ROWS} (whose projections stay in cache), in parallel when more than one. */
    private static void inBlocks(int n, Block task) {
        int blocks = (n + BLOCK_ROWS - 1) / BLOCK_ROWS;
        IntStream range = IntStream.range(0, blocks);
        (blocks > 1 ? range.parallel() : range).forEach(b -> {
            int from = b * BLOCK_ROWS;
            task.run(from, Math.min(n, from + BLOCK_ROWS) - from);
        });
    }

    /** Projects one vector (normalised first). */
    public float[] project(float[] v) {
        if (v.length != dim) {
            throw new IllegalArgumentException("vector has dimension " + v.length + ", the coarse quantiser takes " + dim);
        }
        float[] y = new float[proj];
        kernel.project(v, 0, 1, y);
        return y;
    }

    /** The cell of one vector. */
    public int assign(float[] v) {
        int[] out = new int[1];
        kernel.nearest(project(v), 0, 1, out, 0);
        return out[0];
    }

    /**
     * The cells of all rows: each block of rows projected (one pass over the transposed basis), then scored against
     * every centroid as a matrix product ({@link CellKernel}); the nearest centroid has the largest
     * {@code y.c - |c|^2/2}. Row for row the same cell as {@link #assign}.
     */
    public int[] assignAll(FloatMatrix x) {
        if (x.dim() != dim) {
            throw new IllegalArgumentException("vectors have dimension " + x.dim() + ", the coarse quantiser takes " + dim);
        }
        int n = x.rows();
        int[] out = new int[n];
        float[] data = x.data();
        inBlocks(n, (from, rows) -> {
            float[] y = new float[rows * proj];
            kernel.project(data, from, rows, y);
            kernel.nearest(y, 0, rows, out, from);
        });
        return out;
    }

    /**
     * The cells of {@code rows} rows of {@code data} (dimension {@link #dimension()} each, from row {@code firstRow})
     * into {@code out[outOff..]}, on the calling thread (for callers that spread the work themselves, like a bulk
     * load's chunks); the same cells as {@link #assignAll}, without copying the rows.
     */
    public void assignInto(float[] data, int firstRow, int rows, int[] out, int outOff) {
        if ((long) (firstRow + rows) * dim > data.length || firstRow < 0 || rows < 0) {
            throw new IllegalArgumentException("rows " + firstRow + ".." + (firstRow + rows) + " of dimension " + dim
                    + " do not fit an array of " + data.length + " values");
        }
        float[] y = new float[Math.min(rows, BLOCK_ROWS) * proj];
        for (int from = 0; from < rows; from += BLOCK_ROWS) {
            int k = Math.min(BLOCK_ROWS, rows - from);
            kernel.project(data, firstRow + from, k, y);
            kernel.nearest(y, 0, k, out, outOff + from);
        }
    }

    /** The nearest cell of each of the n projected rows of y (k-means' assignment step). */
    private void nearestProjected(float[] y, int n, int[] out) {
        inBlocks(n, (from, rows) -> kernel.nearest(y, from, rows, out, from));
    }

    /**
     * The {@code nprobe} cells nearest to a query, nearest first (ties: the lower cell number first).
     *
     * @throws IllegalArgumentException when nprobe is outside 1..cells
     */
    public int[] probe(float[] query, int nprobe) {
        if (nprobe < 1 || nprobe > cells) {
            throw new IllegalArgumentException("nprobe must be in 1.." + cells + " (the quantiser's cells), got " + nprobe);
        }
        float[] y = project(query);
        float[] score = new float[cells];
        kernel.scores(y, 0, score); // the numbers assign compares, so probe(v, 1)[0] == assign(v)
        if (nprobe > 64) {
            // many cells: sort them all by (score descending, cell ascending) packed into one long each
            long[] keys = new long[cells];
            for (int c = 0; c < cells; c++) {
                int b = Float.floatToIntBits(score[c]);
                b ^= (b >> 31) & 0x7fffffff; // ordered like the float
                keys[c] = ((long) ~b << 32) | c;
            }
            Arrays.sort(keys);
            int[] out = new int[nprobe];
            for (int i = 0; i < nprobe; i++) {
                out[i] = (int) keys[i];
            }
            return out;
        }
        // a bounded selection: keep the best nprobe in a sorted array (nprobe is small next to cells)
        int[] best = new int[nprobe];
        float[] bs = new float[nprobe];
        int size = 0;
        for (int c = 0; c < cells; c++) {
            float s = score[c];
            if (size == nprobe && !(s > bs[size - 1])) {
                continue;
            }
            int at = size == nprobe ? size - 1 : size++;
            while (at > 0 && s > bs[at - 1]) {
                bs[at] = bs[at - 1];
                best[at] = best[at - 1];
                at--;
            }
            bs[at] = s;
            best[at] = c;
        }
        return best;
    }
}
