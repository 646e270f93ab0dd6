import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.eval.*;
import java.nio.file.*;
import java.util.*;
/**
 * witq settings for the in-domain case (issue 7's protocol: planes fitted on each set's own train split), measured
 * on held-out parts of the train splits only (never the test splits): per set, a seeded shuffle of train gives
 * up to 2,000 queries and the rest (up to 8,000) as the database the encoder is fitted on. Prints kNN (k = 10)
 * minus float32, asymmetric / Hamming, per set and averaged over the seven sets of issue 7.
 * Usage: java -Xmx6g TuneInDomain [-Dshared=../shared] 256 256,offsetFraction=1 256,weightPower=0 ...
 */
public class TuneInDomain {
  public static void main(String[] a) throws Exception {
    Path sh = Path.of(System.getProperty("shared", "../shared"));
    String[] sets = {"mr", "sst2", "trec", "banking77", "emotion", "subj", "cr"};
    List<FloatMatrix> dbs = new ArrayList<>(); List<Evaluator> evs = new ArrayList<>(); List<Double> fl = new ArrayList<>();
    for (String ds : sets) {
      FloatMatrix x = Npy.read(sh.resolve("embeddings/all-minilm-l6-v2/" + ds + "/train.npy"));
      int[] y = Knn.labels(sh.resolve("data/" + ds + "/train.jsonl.gz"));
      int n = x.rows(); int[] perm = new int[n]; for (int i = 0; i < n; i++) perm[i] = i;
      Random r = new Random(7); for (int i = n - 1; i > 0; i--) { int j = r.nextInt(i + 1); int t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
      int q = Math.min(2000, n / 5), db = Math.min(8000, n - q);
      int[] qi = Arrays.copyOfRange(perm, 0, q), di = Arrays.copyOfRange(perm, q, q + db);
      int[] yq = new int[q], yd = new int[db]; for (int i = 0; i < q; i++) yq[i] = y[qi[i]]; for (int i = 0; i < db; i++) yd[i] = y[di[i]];
      FloatMatrix dbx = x.select(di);
      Evaluator ev = new Evaluator(dbx, yd, x.select(qi), yq, 42); dbs.add(dbx); evs.add(ev); fl.add(ev.floatBaseline().asymAcc10());
    }
    for (String cfg : a) {
      String[] kv = cfg.split(",");
      FitOptions o = FitOptions.bits(Integer.parseInt(kv[0]));
      for (int i = 1; i < kv.length; i++) { String[] p = kv[i].split("="); o = o.with(p[0], p[1]); }
      double sa = 0, sh2 = 0; StringBuilder per = new StringBuilder();
      for (int i = 0; i < sets.length; i++) {
        Encoder e = Encoders.fit("witq", dbs.get(i), o);
        EvalResult r = evs.get(i).evaluate(e, 0);
        sa += r.asymAcc10() - fl.get(i); sh2 += r.hammingAcc10() - fl.get(i);
        per.append(String.format(" %s %+.2f/%+.2f", sets[i], r.asymAcc10() - fl.get(i), r.hammingAcc10() - fl.get(i)));
      }
      System.out.printf("%s: avg 7 asym %+.2f Hamming %+.2f |%s%n", cfg, sa / sets.length, sh2 / sets.length, per);
    }
  }
}
