import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.search.*;
import java.nio.file.*;
import java.util.*;
/**
 * ns per code of the asymmetric bit-plane scan: the library's (QuantizedLut: three planes of levels saturating at
 * the 85th weight percentile, then exact) against variants re-implemented here, results checked equal query by
 * query. Codes: IMDB train (25,000) encoded by the given encoder (or "fit:KIND" fitted on them at 256 bits), tiled
 * COPIES times, with 300 IMDB test queries; or, with "mixed" for COPIES, the load test's 100,000 distinct documents
 * (tools/load-test.sh: IMDB train and test, Emotion, Banking77, MR, SUBJ, AG News, SST-2) with 300 TREC train
 * queries. Three rounds (the first warms up). Variants:
 * - old: levels of max/15 in four planes, the top three checked first, then the fourth (the scan before 2026-11-28);
 * - 2+3: two saturating planes (70th percentile), then the three planes, then exact;
 * - x2: the library's loop with two rows per step;
 * - res: the library's planes, then three planes of the residuals |w| - level delta (own step), then exact;
 * - new: the library's algorithm re-implemented here, the fair comparison for old (same code style).
 * Usage: ScanPlanes ENCODER.bse|fit:KIND [COPIES=4|mixed] [SHARED=../shared]
 */
public class ScanPlanes {
  static final double U = 0x1p-24;
  static final class Planes { long[] best; long[] mask; double delta; double topHi; }
  /** The table's linear weights and, in topHi[0], top + deviation + rounding slack (as QuantizedLut computes them). */
  static double[] weights(float[] t, int bytes, double[] topHi) {
    int b = bytes * 8; double[] w = new double[b]; double baseSum = 0, dev = 0, absSum = 0; double[] lin = new double[256];
    for (int k = 0; k < bytes; k++) { int row = k << 8; double base = t[row]; double am = 0;
      for (int u = 0; u < 8; u++) w[8 * k + u] = (double) t[row | (1 << u)] - base;
      lin[0] = base; double worst = 0;
      for (int v = 1; v < 256; v++) { lin[v] = lin[v & (v - 1)] + w[8 * k + Integer.numberOfTrailingZeros(v)]; worst = Math.max(worst, Math.abs(t[row | v] - lin[v])); }
      for (int v = 0; v < 256; v++) am = Math.max(am, Math.abs(t[row | v]));
      dev += worst; baseSum += base; absSum += am; }
    double top = baseSum, total = 0; for (double x : w) { top += Math.max(x, 0); total += Math.abs(x); }
    topHi[0] = top + dev + 2 * (bytes + 1) * U * absSum + 2e-9 * (total + Math.abs(top) + absSum);
    return w;
  }
  /** P planes of levels min(L, floor(|w| / delta)), L = 2^P - 1, delta = (quantile q of |w|) / L; q = 1 is max / L. */
  static Planes planes(double[] w, double topHi, int P, double q) {
    int b = w.length, W = (b + 63) >>> 6, L = (1 << P) - 1;
    double[] aw = new double[b]; for (int j = 0; j < b; j++) aw[j] = Math.abs(w[j]); double[] sw = aw.clone(); Arrays.sort(sw);
    Planes s = new Planes(); s.best = new long[W]; s.mask = new long[W * 4]; s.topHi = topHi;
    s.delta = sw[Math.min(b - 1, (int) Math.floor(q * (b - 1)))] / L;
    for (int j = 0; j < b; j++) { int v = s.delta > 0 ? (int) Math.min(L, Math.floor(aw[j] / s.delta)) : 0; while (v > 0 && v * s.delta > aw[j]) v--;
      if (w[j] > 0) s.best[j >>> 6] |= 1L << (j & 63);
      for (int l = 0; l < P; l++) if (((v >>> l) & 1) != 0) s.mask[(j >>> 6) * 4 + l] |= 1L << (j & 63); }
    return s;
  }
  static float fsum8(float[] t, int tb, long x) {
    return t[tb | (int) (x & 0xFF)] + t[tb + 256 | (int) ((x >>> 8) & 0xFF)] + t[tb + 512 | (int) ((x >>> 16) & 0xFF)] + t[tb + 768 | (int) ((x >>> 24) & 0xFF)]
        + t[tb + 1024 | (int) ((x >>> 32) & 0xFF)] + t[tb + 1280 | (int) ((x >>> 40) & 0xFF)] + t[tb + 1536 | (int) ((x >>> 48) & 0xFF)] + t[tb + 1792 | (int) (x >>> 56)];
  }
  /** The exact score in the library's order, offered to the heap; the new threshold. */
  static double offer(float[] t, long[] a, int r, float[] inv, FloatHeap heap) {
    int o = r * 4; float s = 0; s += fsum8(t, 0, a[o]); s += fsum8(t, 2048, a[o + 1]); s += fsum8(t, 4096, a[o + 2]); s += fsum8(t, 6144, a[o + 3]);
    if (inv != null) s *= inv[r];
    if (s > heap.threshold()) heap.offer(s, r);
    return heap.threshold();
  }
  static int pc(long[] m, int l, long x0, long x1, long x2, long x3) {
    return Long.bitCount(x0 & m[l]) + Long.bitCount(x1 & m[4 + l]) + Long.bitCount(x2 & m[8 + l]) + Long.bitCount(x3 & m[12 + l]);
  }
  static void old(Planes p, float[] t, long[] a, int n, float[] inv, FloatHeap heap) {
    long[] m = p.mask; double d = p.delta, top = p.topHi, worst = heap.threshold();
    for (int r = 0, o = 0; r < n; r++, o += 4) {
      long x0 = a[o] ^ p.best[0], x1 = a[o + 1] ^ p.best[1], x2 = a[o + 2] ^ p.best[2], x3 = a[o + 3] ^ p.best[3];
      int c = 8 * pc(m, 3, x0, x1, x2, x3) + 4 * pc(m, 2, x0, x1, x2, x3) + 2 * pc(m, 1, x0, x1, x2, x3);
      double iv = inv == null ? 1.0 : inv[r];
      if ((top - d * c) * iv > worst) { c += pc(m, 0, x0, x1, x2, x3); if ((top - d * c) * iv > worst) worst = offer(t, a, r, inv, heap); }
    }
  }
  static void twoThenThree(Planes p2, Planes p3, float[] t, long[] a, int n, float[] inv, FloatHeap heap) {
    long[] m = p2.mask, k = p3.mask; double d = p2.delta, d3 = p3.delta, top = p2.topHi, worst = heap.threshold();
    for (int r = 0, o = 0; r < n; r++, o += 4) {
      long x0 = a[o] ^ p2.best[0], x1 = a[o + 1] ^ p2.best[1], x2 = a[o + 2] ^ p2.best[2], x3 = a[o + 3] ^ p2.best[3];
      double iv = inv == null ? 1.0 : inv[r];
      if ((top - d * (2 * pc(m, 1, x0, x1, x2, x3) + pc(m, 0, x0, x1, x2, x3))) * iv > worst
          && (top - d3 * (4 * pc(k, 2, x0, x1, x2, x3) + 2 * pc(k, 1, x0, x1, x2, x3) + pc(k, 0, x0, x1, x2, x3))) * iv > worst) {
        worst = offer(t, a, r, inv, heap);
      }
    }
  }
  static int three(long[] m, long x0, long x1, long x2, long x3) { return 4 * pc(m, 2, x0, x1, x2, x3) + 2 * pc(m, 1, x0, x1, x2, x3) + pc(m, 0, x0, x1, x2, x3); }
  static void twoRows(Planes p, float[] t, long[] a, int n, float[] inv, FloatHeap heap) {
    long[] m = p.mask; long b0 = p.best[0], b1 = p.best[1], b2 = p.best[2], b3 = p.best[3]; double d = p.delta, top = p.topHi, worst = heap.threshold();
    int r = 0;
    for (int o = 0; r + 1 < n; r += 2, o += 8) {
      int c = three(m, a[o] ^ b0, a[o + 1] ^ b1, a[o + 2] ^ b2, a[o + 3] ^ b3), e = three(m, a[o + 4] ^ b0, a[o + 5] ^ b1, a[o + 6] ^ b2, a[o + 7] ^ b3);
      if ((top - d * c) * (inv == null ? 1.0 : inv[r]) > worst) worst = offer(t, a, r, inv, heap);
      if ((top - d * e) * (inv == null ? 1.0 : inv[r + 1]) > worst) worst = offer(t, a, r + 1, inv, heap);
    }
    for (int o = r * 4; r < n; r++, o += 4) if ((top - d * three(m, a[o] ^ b0, a[o + 1] ^ b1, a[o + 2] ^ b2, a[o + 3] ^ b3)) * (inv == null ? 1.0 : inv[r]) > worst) worst = offer(t, a, r, inv, heap);
  }
  /** Residual planes: r_j = |w_j| - level_j delta, in three saturating planes at the 85th percentile of r. */
  static Planes residual(double[] w, Planes p) {
    int b = w.length; double[] r = new double[b];
    for (int j = 0; j < b; j++) { int v = 0; for (int l = 0; l < 3; l++) if ((p.mask[(j >>> 6) * 4 + l] >>> (j & 63) & 1) != 0) v |= 1 << l; r[j] = Math.max(0, Math.abs(w[j]) - v * p.delta); }
    double[] s = r.clone(); Arrays.sort(s); double d2 = s[(int) Math.floor(0.85 * (b - 1))]; if (!(d2 > 0)) d2 = s[b - 1]; d2 /= 7;
    Planes o = new Planes(); o.best = p.best; o.mask = new long[p.mask.length]; o.delta = d2; o.topHi = p.topHi;
    for (int j = 0; j < b; j++) { int v = d2 > 0 ? (int) Math.min(7, Math.floor(r[j] / d2)) : 0; while (v > 0 && v * d2 > r[j]) v--; for (int l = 0; l < 3; l++) if (((v >>> l) & 1) != 0) o.mask[(j >>> 6) * 4 + l] |= 1L << (j & 63); }
    return o;
  }
  static void withResidual(Planes p, Planes q, float[] t, long[] a, int n, float[] inv, FloatHeap heap) {
    long[] m = p.mask, k = q.mask; long b0 = p.best[0], b1 = p.best[1], b2 = p.best[2], b3 = p.best[3]; double d = p.delta, d2 = q.delta, top = p.topHi, worst = heap.threshold();
    for (int r = 0, o = 0; r < n; r++, o += 4) {
      long x0 = a[o] ^ b0, x1 = a[o + 1] ^ b1, x2 = a[o + 2] ^ b2, x3 = a[o + 3] ^ b3;
      double iv = inv == null ? 1.0 : inv[r], bound = top - d * three(m, x0, x1, x2, x3);
      if (bound * iv > worst && (bound - d2 * three(k, x0, x1, x2, x3)) * iv > worst) worst = offer(t, a, r, inv, heap);
    }
  }
  static void threeOnly(Planes p, float[] t, long[] a, int n, float[] inv, FloatHeap heap) {
    long[] m = p.mask; long b0 = p.best[0], b1 = p.best[1], b2 = p.best[2], b3 = p.best[3]; double d = p.delta, top = p.topHi, worst = heap.threshold();
    for (int r = 0, o = 0; r < n; r++, o += 4) {
      long x0 = a[o] ^ b0, x1 = a[o + 1] ^ b1, x2 = a[o + 2] ^ b2, x3 = a[o + 3] ^ b3;
      if ((top - d * three(m, x0, x1, x2, x3)) * (inv == null ? 1.0 : inv[r]) > worst) worst = offer(t, a, r, inv, heap);
    }
  }
  static void check(FloatHeap want, FloatHeap got, String what, int q) {
    TopK x = want.toTopK(), y = got.toTopK();
    if (!Arrays.equals(x.ids(), y.ids()) || !Arrays.equals(x.scores(), y.scores())) throw new AssertionError(what + " differs from the library at query " + q);
  }
  public static void main(String[] args) throws Exception {
    Path emb = Path.of(args.length > 2 ? args[2] : "../shared").resolve("embeddings/all-minilm-l6-v2");
    FloatMatrix tr = Npy.read(emb.resolve("imdb/train.npy"));
    boolean mixed = args.length > 1 && args[1].equals("mixed");
    Encoder e = args[0].startsWith("fit:") ? Encoders.fit(args[0].substring(4), tr, FitOptions.bits(256)) : EncoderFiles.load(Path.of(args[0]));
    if (e.bits() != 256) throw new IllegalArgumentException("256-bit encoders only");
    FloatMatrix te;
    long[] a;
    float[] inv;
    int n;
    if (mixed) {
      te = Npy.read(emb.resolve("trec/train.npy"));
      List<long[]> parts = new ArrayList<>(); List<float[]> invs = new ArrayList<>(); n = 0;
      for (String f : new String[] {"imdb/train", "imdb/test", "emotion/train", "banking77/train", "mr/train", "subj/train", "agnews/test", "sst2/train"}) {
        if (n >= 100_000) break;
        FloatMatrix x = Npy.read(emb.resolve(f + ".npy"));
        if (n + x.rows() > 100_000) x = x.slice(0, 100_000 - n);
        PackedCodes c = e.encodeAll(x); parts.add(c.data()); invs.add(e.inverseNorms(c)); n += c.count();
      }
      a = new long[n * 4]; inv = invs.get(0) == null ? null : new float[n]; int at = 0;
      for (int i = 0; i < parts.size(); i++) { System.arraycopy(parts.get(i), 0, a, at * 4, parts.get(i).length); if (inv != null) System.arraycopy(invs.get(i), 0, inv, at, invs.get(i).length); at += parts.get(i).length / 4; }
    } else {
      te = Npy.read(emb.resolve("imdb/test.npy"));
      int copies = args.length > 1 ? Integer.parseInt(args[1]) : 4;
      PackedCodes one = e.encodeAll(tr); int n1 = one.count(); n = n1 * copies;
      a = new long[n * 4]; for (int c = 0; c < copies; c++) System.arraycopy(one.data(), 0, a, c * n1 * 4, n1 * 4);
      float[] inv1 = e.inverseNorms(one); inv = inv1 == null ? null : new float[n];
      if (inv != null) for (int c = 0; c < copies; c++) System.arraycopy(inv1, 0, inv, c * n1, n1);
    }
    int Q = 300;
    System.out.printf("%s, %d codes, %d queries%n", args[0], n, Q);
    for (int round = 0; round < 3; round++) {
      long[] ns = new long[6];
      for (int qi = 0; qi < Q; qi++) {
        QueryScorer sc = e.scorer(te.row((qi * 37) % te.rows()));
        float[] t = sc.table();
        QuantizedLut lut = QuantizedLut.of(sc);
        double[] top = new double[1]; double[] w = weights(t, sc.bytes(), top);
        Planes old = planes(w, top[0], 4, 1.0), p3 = planes(w, top[0], 3, 0.85), p2 = planes(w, top[0], 2, 0.7);
        FloatHeap lib = new FloatHeap(10), h1 = new FloatHeap(10), h2 = new FloatHeap(10), h3 = new FloatHeap(10), h4 = new FloatHeap(10), h5 = new FloatHeap(10);
        long t0 = System.nanoTime(); lut.scan(a, 4, 0, n, inv, lib, 0, null);
        long t1 = System.nanoTime(); old(old, t, a, n, inv, h1);
        long t2 = System.nanoTime(); twoThenThree(p2, p3, t, a, n, inv, h2);
        long t3 = System.nanoTime(); twoRows(p3, t, a, n, inv, h3);
        long t4 = System.nanoTime(); withResidual(p3, residual(w, p3), t, a, n, inv, h4);
        long t5 = System.nanoTime(); threeOnly(p3, t, a, n, inv, h5);
        long t6 = System.nanoTime();
        ns[0] += t1 - t0; ns[1] += t2 - t1; ns[2] += t3 - t2; ns[3] += t4 - t3; ns[4] += t5 - t4; ns[5] += t6 - t5;
        check(lib, h5, "new", qi);
        check(lib, h1, "old", qi); check(lib, h2, "2+3", qi); check(lib, h3, "x2", qi); check(lib, h4, "res", qi);
      }
      System.out.printf("round %d, ns per code: library %.2f, old %.2f, 2+3 %.2f, x2 %.2f, res %.2f, new %.2f%n", round,
          ns[0] / (double) Q / n, ns[1] / (double) Q / n, ns[2] / (double) Q / n, ns[3] / (double) Q / n, ns[4] / (double) Q / n, ns[5] / (double) Q / n);
    }
  }
}
