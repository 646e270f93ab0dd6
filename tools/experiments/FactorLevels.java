import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.embed.*;
import java.nio.file.*;
import java.util.*;
/**
 * How much of the correction factor rho = cos(x, decoded code) a thermometer of L equal-count levels keeps, on general
 * sentences only (no evaluation set): witq fitted on the usual 100,000-sentence sample (seed 42), levels set on
 * 10,000 sentences outside the sample, R^2 = 1 - E[(rho - level mean)^2] / Var(rho) measured on another 10,000.
 * Args: bits (default 256). Prints R^2 for L = 2..9 and 256.
 */
public class FactorLevels {
  public static void main(String[] a) throws Exception {
    Path sh = Path.of(System.getProperty("shared", "../shared"));
    int bits = a.length > 0 ? Integer.parseInt(a[0]) : 256;
    FloatMatrix all = PseudoDocs.generalVectors(sh);
    int[] perm = org.bitsieve.cli.FitCommand.sample(all.rows(), all.rows(), 42); // the fit's shuffle; first 100,000 = sample
    Encoder e = Encoders.fit("witq", all.select(Arrays.copyOf(perm, 100000)), FitOptions.bits(bits).withSeed(42));
    // only the wrapper's rho() is used (the same cosine as WitqEncoder.rho); its own levels, set on 10 rows, are not
    FactorByte.WithFactor w = new FactorByte.WithFactor(e, all.select(Arrays.copyOf(perm, 10)), true);
    double[] set = rhos(w, all, perm, 100000, 10000), test = rhos(w, all, perm, 110000, 10000);
    double mean = Arrays.stream(test).average().orElseThrow(), var = 0;
    for (double r : test) var += (r - mean) * (r - mean);
    System.out.printf("rho on held-out general sentences: mean %.4f sd %.4f%n", mean, Math.sqrt(var / test.length));
    double[] sorted = set.clone(); Arrays.sort(sorted);
    for (int L : new int[]{2, 3, 4, 5, 6, 7, 8, 9, 256}) {
      double[] bounds = new double[L - 1];
      for (int k = 0; k < L - 1; k++) bounds[k] = sorted[(k + 1) * sorted.length / L];
      double[] sum = new double[L]; int[] cnt = new int[L];
      for (double r : set) { int l = level(bounds, r); sum[l] += r; cnt[l]++; }
      double err = 0;
      for (double r : test) { int l = level(bounds, r); double v = sum[l] / Math.max(1, cnt[l]); err += (r - v) * (r - v); }
      System.out.printf("L = %3d levels (%d thermometer bits): R^2 %.3f%n", L, L - 1, 1 - err / var);
    }
  }
  static int level(double[] bounds, double r) { int l = 0; while (l < bounds.length && r >= bounds[l]) l++; return l; }
  static double[] rhos(FactorByte.WithFactor w, FloatMatrix x, int[] perm, int from, int n) {
    double[] r = new double[n];
    java.util.stream.IntStream.range(0, n).parallel().forEach(i -> r[i] = w.rho(x.data(), perm[from + i] * x.dim()));
    return r;
  }
}
