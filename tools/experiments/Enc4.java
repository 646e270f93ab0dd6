import java.util.*;
/** Four vectors per pass over the projection matrix against one at a time: bit-identity check, then seven timed rounds. */
public class Enc4 {
    static void multiply(float[] x, int xo, float[][] m, int cols, float[] out) {
        Arrays.fill(out, 0, cols, 0f);
        for (int r = 0; r < m.length; r++) { float xr = x[xo + r]; float[] row = m[r]; for (int c = 0; c < cols; c++) out[c] += xr * row[c]; }
    }
    static void multiply4(float[] x, int xo, int dim, float[][] m, int cols, float[] o0, float[] o1, float[] o2, float[] o3) {
        Arrays.fill(o0, 0, cols, 0f); Arrays.fill(o1, 0, cols, 0f); Arrays.fill(o2, 0, cols, 0f); Arrays.fill(o3, 0, cols, 0f);
        for (int r = 0; r < m.length; r++) {
            float a0 = x[xo + r], a1 = x[xo + dim + r], a2 = x[xo + 2 * dim + r], a3 = x[xo + 3 * dim + r];
            float[] row = m[r];
            for (int c = 0; c < cols; c++) { float v = row[c]; o0[c] += a0 * v; o1[c] += a1 * v; o2[c] += a2 * v; o3[c] += a3 * v; }
        }
    }
    public static void main(String[] a) {
        int dim = 384, cols = 256, n = 4096;
        Random rnd = new Random(1);
        float[][] m = new float[dim][cols];
        for (float[] row : m) for (int c = 0; c < cols; c++) row[c] = (float) rnd.nextGaussian();
        float[] x = new float[n * dim];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] out = new float[cols], o0 = new float[cols], o1 = new float[cols], o2 = new float[cols], o3 = new float[cols];
        // bit-identity check
        for (int i = 0; i < n; i += 4) {
            multiply4(x, i * dim, dim, m, cols, o0, o1, o2, o3);
            float[][] os = {o0, o1, o2, o3};
            for (int k = 0; k < 4; k++) { multiply(x, (i + k) * dim, m, cols, out); if (!Arrays.equals(out, os[k])) throw new AssertionError("differs at " + (i + k)); }
        }
        System.out.println("bit-identical on " + n);
        for (int round = 0; round < 7; round++) {
            long t = System.nanoTime(); float sink = 0;
            for (int i = 0; i < n; i++) { multiply(x, i * dim, m, cols, out); sink += out[3]; }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i += 4) { multiply4(x, i * dim, dim, m, cols, o0, o1, o2, o3); sink += o0[3]; }
            long t2 = System.nanoTime();
            System.out.printf("one: %.0f rows/s  four: %.0f rows/s  ratio %.2f %s%n", n / ((t1 - t) / 1e9), n / ((t2 - t1) / 1e9), (double) (t1 - t) / (t2 - t1), sink > 1e30 ? "" : "");
        }
    }
}
