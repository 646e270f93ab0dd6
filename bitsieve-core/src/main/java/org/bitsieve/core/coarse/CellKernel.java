package org.bitsieve.core.coarse;

/**
 * The arithmetic of cell assignment as blocked matrix products whose inner loops the JIT vectorises (plain Java 17,
 * no incubator modules). Two rules make C2 vectorise them: the inner loop indexes every array with the same
 * variable (C2 cannot prove that {@code acc[c]} and {@code m[off + c]} of two {@code float[]} do not overlap, and
 * then leaves the loop scalar: 7x slower here), hence one array per row of the transposed matrices; and four
 * terms per pass, so each load and store of the accumulator carries four multiply-adds.
 *
 * <p>Every row's result is computed by the same operations in the same order whatever the batch or block it
 * comes in, and Java never fuses a multiply and an add, so a vector gets the same cell (bit-identical scores) from
 * {@link CoarseQuantizer#assign}, {@link CoarseQuantizer#assignAll} and {@link CoarseQuantizer#probe}, on any JIT
 * tier and JDK. The sums are in another order than a scalar dot product's, so on exact or near-ties (relative
 * distance differences around 1e-7) a different cell than a straightforward loop may win; that is harmless for
 * stored collections, since a document's cell is recorded when it is written (log op and {@code seg-N.cells}) and
 * never recomputed.
 */
final class CellKernel {
    /** Cells scored per pass over a row block: their transposed centroids (proj x 1,024 floats) stay in L2. */
    static final int CELL_BLOCK = 1024;
    /** Rows that share one pass over a cell block. */
    static final int ROW_BLOCK = 256;

    private final int dim;
    private final int proj;
    private final int cells;
    private final float[][] basisT;     // dim arrays of proj
    private final float[] meanProj;     // mean . basis, proj
    private final float[][] centT;      // proj arrays of cells
    private final float[] negHalfNorms; // -|c|^2/2 per cell

    CellKernel(int dim, int proj, int cells, float[] mean, float[] basis, float[] centroids) {
        this.dim = dim;
        this.proj = proj;
        this.cells = cells;
        basisT = new float[dim][proj];
        meanProj = new float[proj];
        for (int p = 0; p < proj; p++) {
            double m = 0;
            for (int j = 0; j < dim; j++) {
                basisT[j][p] = basis[p * dim + j];
                m += (double) mean[j] * basis[p * dim + j];
            }
            meanProj[p] = (float) m;
        }
        centT = new float[proj][cells];
        negHalfNorms = new float[cells];
        for (int c = 0; c < cells; c++) {
            double s = 0;
            for (int p = 0; p < proj; p++) {
                float v = centroids[c * proj + p];
                centT[p][c] = v;
                s += (double) v * v;
            }
            negHalfNorms[c] = (float) (-0.5 * s);
        }
    }

    /**
     * Projects {@code rows} rows of {@code x} (from row {@code first}, raw, not normalised) into {@code y} (rows x proj):
     * {@code (x/|x| - mean) . basis}, computed as {@code (x . basis) / |x| - mean . basis} so no normalised copy is made.
     */
    void project(float[] x, int first, int rows, float[] y) {
        float[] acc = new float[proj];
        for (int i = 0; i < rows; i++) {
            int xo = (first + i) * dim;
            java.util.Arrays.fill(acc, 0f);
            double ss = 0;
            int j = 0;
            for (; j + 3 < dim; j += 4) {
                float x0 = x[xo + j], x1 = x[xo + j + 1], x2 = x[xo + j + 2], x3 = x[xo + j + 3];
                ss += (double) x0 * x0 + (double) x1 * x1 + (double) x2 * x2 + (double) x3 * x3;
                axpy4(acc, basisT[j], basisT[j + 1], basisT[j + 2], basisT[j + 3], x0, x1, x2, x3, 0, proj);
            }
            for (; j < dim; j++) {
                float x0 = x[xo + j];
                ss += (double) x0 * x0;
                axpy1(acc, basisT[j], x0, 0, proj);
            }
            float inv = ss > 0 ? (float) (1 / Math.sqrt(ss)) : 0f; // a zero vector projects to -mean, as before
            int yo = i * proj;
            for (int p = 0; p < proj; p++) {
                y[yo + p] = acc[p] * inv - meanProj[p];
            }
        }
    }

    /** {@code acc[c] += x0 r0[c] + x1 r1[c] + x2 r2[c] + x3 r3[c]} over [from, to): the one hot loop. */
    private static void axpy4(float[] acc, float[] r0, float[] r1, float[] r2, float[] r3, float x0, float x1, float x2, float x3,
                              int from, int to) {
        for (int c = from; c < to; c++) {
            acc[c] += x0 * r0[c] + x1 * r1[c] + x2 * r2[c] + x3 * r3[c];
        }
    }

    private static void axpy1(float[] acc, float[] r0, float x0, int from, int to) {
        for (int c = from; c < to; c++) {
            acc[c] += x0 * r0[c];
        }
    }

    /** Scores {@code y . c - |c|^2/2} of projected row {@code yo / proj} for cells [from, to) into acc[from..to). */
    private void score(float[] y, int yo, float[] acc, int from, int to) {
        System.arraycopy(negHalfNorms, from, acc, from, to - from);
        int p = 0;
        for (; p + 3 < proj; p += 4) {
            axpy4(acc, centT[p], centT[p + 1], centT[p + 2], centT[p + 3], y[yo + p], y[yo + p + 1], y[yo + p + 2], y[yo + p + 3], from, to);
        }
        for (; p < proj; p++) {
            axpy1(acc, centT[p], y[yo + p], from, to);
        }
    }

    /** Every cell's score for one projected row (larger = nearer), the same values {@link #nearest} compares. */
    void scores(float[] y, int yo, float[] out) {
        for (int from = 0; from < cells; from += CELL_BLOCK) {
            score(y, yo, out, from, Math.min(cells, from + CELL_BLOCK));
        }
    }

    /**
     * The nearest cell of each of {@code rows} projected rows of {@code y} into {@code out[outOff..]}, by the largest
     * score (ties: the lower cell). Rows are taken {@link #ROW_BLOCK} at a time against each cell block.
     */
    void nearest(float[] y, int firstRow, int rows, int[] out, int outOff) {
        float[] acc = new float[cells];
        float[] best = new float[Math.min(rows, ROW_BLOCK)];
        for (int r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
            int r1 = Math.min(rows, r0 + ROW_BLOCK);
            java.util.Arrays.fill(best, Float.NEGATIVE_INFINITY);
            for (int from = 0; from < cells; from += CELL_BLOCK) {
                int to = Math.min(cells, from + CELL_BLOCK);
                for (int i = r0; i < r1; i++) {
                    score(y, (firstRow + i) * proj, acc, from, to);
                    float b = best[i - r0];
                    int bc = -1;
                    for (int c = from; c < to; c++) {
                        if (acc[c] > b) {
                            b = acc[c];
                            bc = c;
                        }
                    }
                    if (bc >= 0) {
                        best[i - r0] = b;
                        out[outOff + i] = bc;
                    } else if (from == 0) {
                        out[outOff + i] = 0; // every score NaN or -inf: cannot happen with finite inputs; keep a valid cell
                    }
                }
            }
        }
    }
}
