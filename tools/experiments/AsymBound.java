import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import java.nio.file.*;
import java.util.*;
/**
 * How many codes pass each bound of the asymmetric scan (QuantizedLut), against the final top-10 threshold:
 * IMDB train codes of the given encoder, 200 IMDB test queries. Bounds: the library's bit planes (three planes,
 * levels min(7, floor(|w| / delta)) with delta = 85th percentile of |w| / 7; tried and not kept: the same for the
 * residuals |w| - level delta), the earlier planes (weights floored
 * to 15 levels of max/15; top plane, top two, top three, all four) and, for comparison, weight-rank groups
 * (G equal groups by |w|, each bounded by the sum of its h smallest weights; and the 2-group stage tried:
 * the top 30% and the next 40%).
 */
public class AsymBound {
  public static void main(String[] a) throws Exception {
    Path sh = Path.of(a.length > 1 ? a[1] : "../shared").resolve("embeddings/all-minilm-l6-v2/imdb");
    FloatMatrix tr = Npy.read(sh.resolve("train.npy")), te = Npy.read(sh.resolve("test.npy"));
    Encoder e = EncoderFiles.load(Path.of(a[0]));
    PackedCodes db = e.encodeAll(tr);
    float[] inv = e.inverseNorms(db);
    long[] data = db.data();
    int b = e.bits(), W = db.words(), n = db.count(), Q = 200;
    int[] Gs = {1, 2, 4, 8};
    double[] groupPass = new double[Gs.length];
    double top3Pass = 0, allPass = 0, twoGroupPass = 0, top1Pass = 0, top2Pass = 0, satPass = 0, resPass = 0;
    for (int qi = 0; qi < Q; qi++) {
      QueryScorer sc = e.scorer(te.row(qi * 37));
      float[] t = sc.table();
      double[] ex = new double[n];
      for (int i = 0; i < n; i++) ex[i] = sc.rawScore(data, i * W) * (inv == null ? 1 : inv[i]);
      double[] s = ex.clone(); Arrays.sort(s); double T = s[n - 10];
      // the linear form read from the table, as QuantizedLut does: w_j = t[k][1<<u] - t[k][0]
      double[] w = new double[b]; double top = 0; long[] best = new long[W];
      for (int k = 0; k < b / 8; k++) {
        top += t[k << 8];
        for (int u = 0; u < 8; u++) w[8 * k + u] = t[(k << 8) | (1 << u)] - t[k << 8];
      }
      double max = 0;
      for (int j = 0; j < b; j++) { if (w[j] > 0) { top += w[j]; best[j >>> 6] |= 1L << (j & 63); } max = Math.max(max, Math.abs(w[j])); }
      double delta = max / 15; long[][] plane = new long[4][W];
      for (int j = 0; j < b; j++) {
        int v = (int) Math.min(15, Math.floor(Math.abs(w[j]) / delta));
        for (int l = 0; l < 4; l++) if (((v >> l) & 1) != 0) plane[l][j >>> 6] |= 1L << (j & 63);
      }
      int c3 = 0, c4 = 0, c1 = 0, c2 = 0, cs = 0, cr = 0;
      double[] sw = new double[b]; for (int j = 0; j < b; j++) sw[j] = Math.abs(w[j]); Arrays.sort(sw);
      double sd = (sw[(int) Math.floor(0.85 * (b - 1))] > 0 ? sw[(int) Math.floor(0.85 * (b - 1))] : max) / 7; long[][] sat = new long[3][W];
      double[] res = new double[b];
      for (int j = 0; j < b; j++) { int v = (int) Math.min(7, Math.floor(Math.abs(w[j]) / sd)); res[j] = Math.abs(w[j]) - v * sd; for (int l = 0; l < 3; l++) if (((v >> l) & 1) != 0) sat[l][j >>> 6] |= 1L << (j & 63); }
      double[] rs = res.clone(); Arrays.sort(rs); double rd = (rs[(int) Math.floor(0.85 * (b - 1))] > 0 ? rs[(int) Math.floor(0.85 * (b - 1))] : rs[b - 1]) / 7; long[][] rsat = new long[3][W];
      for (int j = 0; j < b; j++) { int v = rd > 0 ? (int) Math.min(7, Math.floor(res[j] / rd)) : 0; for (int l = 0; l < 3; l++) if (((v >> l) & 1) != 0) rsat[l][j >>> 6] |= 1L << (j & 63); }
      for (int i = 0; i < n; i++) {
        int[] pc = new int[4];
        for (int l = 0; l < 4; l++) for (int k = 0; k < W; k++) pc[l] += Long.bitCount((data[i * W + k] ^ best[k]) & plane[l][k]);
        double iv = inv == null ? 1 : inv[i];
        int stage1 = 8 * pc[3] + 4 * pc[2] + 2 * pc[1];
        if ((top - delta * (8 * pc[3])) * iv >= T - 1e-6) c1++;
        if ((top - delta * (8 * pc[3] + 4 * pc[2])) * iv >= T - 1e-6) c2++;
        int sc3 = 0; for (int l = 0; l < 3; l++) for (int k = 0; k < W; k++) sc3 += Long.bitCount((data[i * W + k] ^ best[k]) & sat[l][k]) << l;
        if ((top - sd * sc3) * iv >= T - 1e-6) { cs++;
          int rc = 0; for (int l = 0; l < 3; l++) for (int k = 0; k < W; k++) rc += Long.bitCount((data[i * W + k] ^ best[k]) & rsat[l][k]) << l;
          if ((top - sd * sc3 - rd * rc) * iv >= T - 1e-6) cr++; }
        if ((top - delta * stage1) * iv >= T - 1e-6) { c3++; if ((top - delta * (stage1 + pc[0])) * iv >= T - 1e-6) c4++; }
      }
      top3Pass += c3 / (double) n; top1Pass += c1 / (double) n; top2Pass += c2 / (double) n; satPass += cs / (double) n; resPass += cr / (double) n; allPass += c4 / (double) n;
      Integer[] ord = new Integer[b]; for (int j = 0; j < b; j++) ord[j] = j;
      Arrays.sort(ord, (x, y) -> Double.compare(Math.abs(w[x]), Math.abs(w[y])));
      for (int gi = 0; gi < Gs.length; gi++) groupPass[gi] += groups(data, W, n, inv, best, w, ord, top, T, groupBounds(b, Gs[gi])) / (double) n;
      twoGroupPass += groups(data, W, n, inv, best, w, ord, top, T, new int[] {b - (int) Math.round(b * 0.7), b - (int) Math.round(b * 0.3), b}) / (double) n;
    }
    System.out.printf("library: three saturating planes pass %.4f (then residual planes, tried and not kept: %.4f)%n", satPass / Q, resPass / Q);
    System.out.printf("earlier planes of max/15: top plane pass %.4f, top two %.4f%n", top1Pass / Q, top2Pass / Q);
    System.out.printf("earlier planes: top three pass %.4f, all four pass %.4f%n", top3Pass / Q, allPass / Q);
    for (int gi = 0; gi < Gs.length; gi++) System.out.printf("%d rank groups: pass %.4f%n", Gs[gi], groupPass[gi] / Q);
    System.out.printf("2 groups (top 30%%, next 40%%): pass %.4f%n", twoGroupPass / Q);
  }

  static int[] groupBounds(int b, int g) { int[] r = new int[g + 1]; for (int i = 0; i <= g; i++) r[i] = i * b / g; return r; }

  /** Codes whose rank-group bound reaches T; groups are rank ranges [r[i], r[i+1]) of the sorted weights. */
  static int groups(long[] data, int W, int n, float[] inv, long[] best, double[] w, Integer[] ord, double top, double T, int[] r) {
    int G = r.length - 1; long[][] mask = new long[G][W]; double[][] pre = new double[G][];
    for (int g = 0; g < G; g++) {
      pre[g] = new double[r[g + 1] - r[g] + 1];
      for (int q = r[g]; q < r[g + 1]; q++) { int j = ord[q]; mask[g][j >>> 6] |= 1L << (j & 63); pre[g][q - r[g] + 1] = pre[g][q - r[g]] + Math.abs(w[j]); }
    }
    int cnt = 0;
    for (int i = 0; i < n; i++) {
      double ub = top;
      for (int g = 0; g < G; g++) { int h = 0; for (int k = 0; k < W; k++) h += Long.bitCount((data[i * W + k] ^ best[k]) & mask[g][k]); ub -= pre[g][h]; }
      if (ub * (inv == null ? 1 : inv[i]) >= T - 1e-6) cnt++;
    }
    return cnt;
  }
}
