package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.linalg.Pca;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Fits {@link PqEncoder}: PCA, the strongest principal directions (setting {@code components}; default: as many as a
 * rate-distortion allocation of the bits reaches, as for {@code pcaq}) dealt to {@code m = bits / 8} subspaces so that every
 * subspace holds about the same product of variances (OPQ's parametric "eigenvalue allocation", Ge et al. 2013:
 * each subspace then gets a similar share of the signal for its 8 bits), k-means with 256 centroids per
 * subspace, and a centroid numbering that makes code bits mean something under Hamming distance.
 */
final class PqKind implements EncoderKind {
    static final String NAME = "pq";
    static final int DEFAULT_ITERATIONS = 20;
    /** FAISS's default cap, 256 training points per centroid: more barely moves the codebooks and costs time. */
    static final int DEFAULT_KMEANS_SAMPLE = 256 * 256;
    static final Set<String> SETTINGS = Set.of("iterations", "kmeansSample", "components", "balanced");

    @Override public String name() { return NAME; }

    @Override public String summary() {
        return "product quantisation: PCA dealt to bits/8 subspaces, 256 k-means centroids each; normalised asymmetric score";
    }

    @Override
    public void checkBits(int bits, int dim) {
        if (bits < 8 || bits % 8 != 0 || bits / 8 > dim) {
            throw new IllegalArgumentException("pq makes one byte (8 bits) per subspace: bits must be a multiple of 8 from 8 to "
                    + 8 * dim + " for dimension " + dim + ", got " + bits);
        }
    }

    @Override
    public Encoder fit(FloatMatrix train, FitOptions o) {
        int iterations = (int) o.tuning("iterations", DEFAULT_ITERATIONS, SETTINGS, NAME);
        int kmSample = (int) o.tuning("kmeansSample", DEFAULT_KMEANS_SAMPLE, SETTINGS, NAME);
        if (iterations < 1 || iterations > 1000 || kmSample < 2) {
            throw new IllegalArgumentException("pq settings out of range: iterations must be 1..1000 (got " + iterations
                    + "), kmeansSample at least 2 (got " + kmSample + ")");
        }
        checkBits(o.bits(), train.dim());
        FloatMatrix s = Encoders.sample(train, o.maxSample(), o.seed());
        int d = s.dim();
        int m = o.bits() / 8;
        Pca pca = Pca.fit(s);
        double[] allVar = pca.variances();
        boolean balanced = o.tuning("balanced", 0, SETTINGS, NAME) != 0;
        int[][] fieldBits = new int[m][];
        int[][] groups = balanced ? null : byteGroups(allVar, o.bits(), fieldBits);
        if (groups == null) {
            groups = balancedGroups(allVar, m, (int) o.tuning("components", 0, SETTINGS, NAME));
            fieldBits = null;
        } else if (o.tuning().containsKey("components")) {
            throw new IllegalArgumentException("pq setting components applies with balanced=1 only (the byte layout keeps pcaq's components)");
        }
        int[][] groupsF = groups;
        int rows = Arrays.stream(groupsF).mapToInt(g -> g.length).sum();
        int[][] fieldBitsF = fieldBits;
        float[] rotation = new float[rows * d];
        float[] subDims = new float[m];
        double[] rowVar = new double[rows];
        int r = 0;
        for (int k = 0; k < m; k++) {
            subDims[k] = groups[k].length;
            for (int comp : groups[k]) {
                double[] c = pca.component(comp);
                for (int j = 0; j < d; j++) {
                    rotation[r * d + j] = (float) c[j];
                }
                rowVar[r++] = allVar[comp];
            }
        }
        float[] mean = pca.mean();
        // the k-means sample: the first rows of the (already shuffled) fit sample, rotated and centred
        int n = Math.min(s.rows(), kmSample);
        float[][] rotT = new float[d][rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < d; j++) {
                rotT[j][i] = rotation[i * d + j];
            }
        }
        float[] meanRot = new float[rows];
        Vectors.multiply(mean, 0, rotT, rows, meanRot);
        float[] y = new float[n * rows];
        IntStream.range(0, (n + 1023) / 1024).parallel().forEach(c -> {
            float[] row = new float[rows];
            for (int i = c * 1024, end = Math.min(n, c * 1024 + 1024); i < end; i++) {
                Vectors.multiply(s.data(), i * d, rotT, rows, row);
                for (int j = 0; j < rows; j++) {
                    y[i * rows + j] = row[j] - meanRot[j];
                }
            }
        });
        int[] start = new int[m + 1];
        for (int k = 0; k < m; k++) {
            start[k + 1] = start[k] + groups[k].length;
        }
        float[][] books = new float[m][];
        int[] iters = new int[m];
        IntStream.range(0, m).parallel().forEach(k -> {
            int ds = groupsF[k].length;
            float[] pts = new float[n * ds];
            for (int i = 0; i < n; i++) {
                System.arraycopy(y, i * rows + start[k], pts, i * ds, ds);
            }
            float[] init = fieldBitsF == null ? null : gridInit(pts, n, ds, fieldBitsF[k]);
            KMeans.Result km = KMeans.fit(pts, n, ds, 256, iterations, o.seed() * 1_000_003L + k, init);
            iters[k] = km.iterations();
            double[] scale = new double[ds];
            for (int j = 0; j < ds; j++) {
                scale[j] = 1 / Math.sqrt(Math.max(rowVar[start[k] + j], 1e-30));
            }
            books[k] = polysemous(km.centroids(), ds, scale);
        });
        int total = 0;
        for (float[] b : books) {
            total += b.length;
        }
        float[] codebooks = new float[total];
        int at = 0;
        for (float[] b : books) {
            System.arraycopy(b, 0, codebooks, at, b.length);
            at += b.length;
        }
        int maxIters = Arrays.stream(iters).max().orElse(0);
        return new PqEncoder(d, o.bits(), mean, rotation, subDims, codebooks,
                Encoders.params("seed", Long.toString(o.seed()),
                        "subspaces", Integer.toString(m),
                        "components", Integer.toString(rows),
                        "subspaceDims", Arrays.stream(groups).mapToInt(g -> g.length).min().orElse(0) + "-"
                                + Arrays.stream(groups).mapToInt(g -> g.length).max().orElse(0),
                        "iterations", Integer.toString(iterations),
                        "iterationsRun", Integer.toString(maxIters),
                        "kmeansSample", Integer.toString(n),
                        "sample", Integer.toString(s.rows()),
                        "layout", fieldBitsF == null ? "balanced" : "pcaq-bytes",
                        "hamming", "polysemous"));
    }

    /**
     * OPQ's eigenvalue allocation over the {@code kept} strongest components (0: as many as a rate-distortion
     * allocation of the bits reaches): subspaces of near-equal size and near-equal product of variances.
     */
    static int[][] balancedGroups(double[] allVar, int m, int kept) {
        int d = allVar.length;
        if (kept == 0) {
            kept = (int) Arrays.stream(PcaQuantKind.allocate(allVar, 8 * m)).filter(b -> b > 0).count();
        }
        if (kept < m || kept > d) {
            throw new IllegalArgumentException("pq components must be " + m + ".." + d + " (at least one per subspace), got " + kept);
        }
        Integer[] byVar = new Integer[d];
        for (int j = 0; j < d; j++) {
            byVar[j] = j;
        }
        Arrays.sort(byVar, (a, b) -> allVar[a] != allVar[b] ? Double.compare(allVar[b], allVar[a]) : Integer.compare(a, b));
        double[] var = new double[kept];
        for (int j = 0; j < kept; j++) {
            var[j] = allVar[byVar[j]];
        }
        int[][] groups = allocate(var, m);
        for (int[] g : groups) {
            for (int i = 0; i < g.length; i++) {
                g[i] = byVar[g[i]];
            }
        }
        return groups;
    }

    /**
     * pcaq's layout: its rate-distortion bit allocation packed into whole bytes ({@link PcaQuantKind#pack}); the
     * components sharing a byte form one subspace, listed by decreasing bits (then variance), and
     * {@code fieldBits[k]} receives their bit counts. A product of their scalar quantisers is one point of the
     * subspace's 256-centroid codebook space, so k-means started from it can only fit the sample better than pcaq.
     * Null when some byte would be empty.
     */
    static int[][] byteGroups(double[] allVar, int bits, int[][] fieldBits) {
        int m = bits / 8;
        java.util.List<int[]> fields = PcaQuantKind.pack(PcaQuantKind.allocate(allVar, bits), allVar, bits);
        java.util.List<java.util.List<int[]>> byByte = new java.util.ArrayList<>();
        for (int k = 0; k < m; k++) {
            byByte.add(new java.util.ArrayList<>());
        }
        for (int[] f : fields) {
            byByte.get(f[2]).add(f);
        }
        int[][] groups = new int[m][];
        for (int k = 0; k < m; k++) {
            java.util.List<int[]> l = byByte.get(k);
            if (l.isEmpty()) {
                return null;
            }
            l.sort((a, b) -> a[1] != b[1] ? Integer.compare(b[1], a[1]) : Double.compare(allVar[b[0]], allVar[a[0]]));
            groups[k] = l.stream().mapToInt(f -> f[0]).toArray();
            fieldBits[k] = l.stream().mapToInt(f -> f[1]).toArray();
        }
        return groups;
    }

    /**
     * The product of the subspace's Lloyd-Max scalar quantisers (pcaq's codes for that byte) as 256 starting
     * centroids: centroid v takes, for coordinate j, level {@code (v >> shift_j) & (2^bits_j - 1)}; indices past
     * the product's size (a byte pcaq leaves partly unused) are left NaN for KMeans to seed with sample points.
     */
    static float[] gridInit(float[] pts, int n, int ds, int[] bits) {
        float[][] levels = new float[ds][];
        float[] col = new float[n];
        int used = 0;
        for (int j = 0; j < ds; j++) {
            for (int i = 0; i < n; i++) {
                col[i] = pts[i * ds + j];
            }
            levels[j] = PcaQuantKind.lloydMax(col, 1 << bits[j])[1];
            used += bits[j];
        }
        float[] init = new float[256 * ds];
        for (int v = 0; v < 256; v++) {
            int shift = 0;
            for (int j = 0; j < ds; j++) {
                init[v * ds + j] = v < (1 << used) ? levels[j][(v >>> shift) & ((1 << bits[j]) - 1)] : Float.NaN;
                shift += bits[j];
            }
        }
        return init;
    }

    /**
     * Deals principal components (by decreasing variance) to {@code m} subspaces of near-equal size, each to the
     * subspace with room whose product of variances is smallest so far. Each group lists its components in
     * decreasing variance.
     */
    static int[][] allocate(double[] variances, int m) {
        int d = variances.length;
        Integer[] order = new Integer[d];
        for (int j = 0; j < d; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> variances[a] != variances[b] ? Double.compare(variances[b], variances[a]) : Integer.compare(a, b));
        int[] size = new int[m];
        int[] fill = new int[m];
        double[] logProd = new double[m];
        int[][] groups = new int[m][];
        for (int k = 0; k < m; k++) {
            size[k] = d / m + (k < d % m ? 1 : 0);
            groups[k] = new int[size[k]];
        }
        double floor = Math.max(1e-30, variances[order[0]] * 1e-12);
        for (int comp : order) {
            int best = -1;
            for (int k = 0; k < m; k++) {
                if (fill[k] < size[k] && (best < 0 || logProd[k] < logProd[best])) {
                    best = k;
                }
            }
            groups[best][fill[best]++] = comp;
            logProd[best] += Math.log(Math.max(variances[comp], floor));
        }
        return groups;
    }

    /**
     * Renumbers 256 centroids so that bit u of a centroid's index is the sign of its u-th coordinate (scaled by
     * {@code scale}, i.e. in units of that direction's standard deviation), as far as a one-to-one numbering
     * allows: a minimum-cost assignment of centroids to indices (Hungarian method, once per subspace). With more
     * than 8 coordinates only the first 8 (the strongest) carry a bit; with fewer, the extra bits take sums of two.
     */
    static float[] polysemous(float[] centroids, int ds, double[] scale) {
        // projections[c][u]: centroid c on bit u's direction. With fewer than 8 coordinates the extra bits take
        // sums of neighbouring coordinates (more directions than dimensions, as a tight frame), so no bit is left
        // without meaning: an unconstrained bit would add noise to every Hamming distance.
        double[][] proj = new double[256][8];
        for (int c = 0; c < 256; c++) {
            for (int u = 0; u < 8; u++) {
                if (u < ds) {
                    proj[c][u] = centroids[c * ds + u] * scale[u];
                } else if (ds > 1) {
                    int a = (u - ds) % ds;
                    int b = (a + 1 + (u - ds) / ds) % ds;
                    proj[c][u] = (centroids[c * ds + a] * scale[a] + centroids[c * ds + b] * scale[b]) / Math.sqrt(2);
                } else {
                    proj[c][u] = centroids[c] * scale[0]; // one coordinate: every bit repeats its sign
                }
            }
        }
        double[][] cost = new double[256][256];
        for (int c = 0; c < 256; c++) {
            for (int b = 0; b < 256; b++) {
                double s = 0;
                for (int u = 0; u < 8; u++) {
                    s += ((b >>> u) & 1) != 0 ? -proj[c][u] : proj[c][u]; // agreeing with the sign lowers the cost
                }
                cost[c][b] = s;
            }
        }
        int[] indexOf = Assignment.minCost(cost);
        float[] out = new float[256 * ds];
        for (int c = 0; c < 256; c++) {
            System.arraycopy(centroids, c * ds, out, indexOf[c] * ds, ds);
        }
        return out;
    }

    @Override
    public Encoder restore(int dim, int bits, Map<String, String> params, Map<String, float[]> arrays) {
        checkBits(bits, dim);
        float[] subDims = Encoders.require(arrays, "subspaceDims", bits / 8);
        int rows = 0;
        for (float f : subDims) {
            if (f != Math.rint(f) || f < 1 || f > dim) {
                throw new IllegalArgumentException("pq 'subspaceDims' holds an invalid size " + f);
            }
            rows += (int) f;
        }
        if (rows > dim) {
            throw new IllegalArgumentException("pq subspace sizes add up to " + rows + ", more than the dimension " + dim);
        }
        float[] rotation = Encoders.require(arrays, "rotation", rows * dim);
        // the norm in the score assumes orthonormal rows; a file that breaks it would rank silently wrong
        double worst = 0;
        for (int a = 0; a < rows; a++) {
            for (int b = a; b < rows; b++) {
                double dot = Vectors.dot(rotation, a * dim, rotation, b * dim, dim);
                worst = Math.max(worst, Math.abs(dot - (a == b ? 1 : 0)));
            }
        }
        if (worst > 1e-3) {
            throw new IllegalArgumentException("pq 'rotation' is not orthonormal (largest deviation " + (float) worst + ")");
        }
        return new PqEncoder(dim, bits, Encoders.require(arrays, "mean", dim), rotation,
                subDims, Encoders.require(arrays, "codebooks", -1), params);
    }
}
