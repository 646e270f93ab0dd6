import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.eval.*;
import org.bitsieve.embed.*;
import java.nio.file.*;
import java.util.*;
/** Validation-only comparison of encoder kinds fitted on the general sample: kNN on held-out parts of the train
 *  splits (Tune's protocol) and STS-B dev Spearman. Args: kind[,name=value...] ... ; -Dseeds=42,1,2 */
public class Kinds {
  public static void main(String[] a) throws Exception {
    Path sh = Path.of(System.getProperty("shared", "../shared"));
    FloatMatrix all = PseudoDocs.generalVectors(sh);
    int[] perm = org.bitsieve.cli.FitCommand.sample(all.rows(), 100000, 42);
    FloatMatrix S = all.select(perm);
    StsPairs sp = StsPairs.load(sh, "all-minilm-l6-v2", "dev");
    SimilarityEval se = new SimilarityEval(sp.a(), sp.b(), sp.gold());
    String[] sets = HeldOut.SETS;
    List<Evaluator> evs = new ArrayList<>(); List<Double> fl = new ArrayList<>();
    for (HeldOut h : HeldOut.all(sh)) { evs.add(h.evaluator()); fl.add(h.floatAcc10()); }
    System.out.printf("STS-B dev float %.2f%n", se.floatSpearman());
    for (String cfg : a) for (String sd : System.getProperty("seeds","42,1,2").split(",")) {
      String[] kv = cfg.split(","); FitOptions o = FitOptions.bits(256).withSeed(Long.parseLong(sd));
      for (int i = 1; i < kv.length; i++) { String[] p = kv[i].split("="); o = o.with(p[0], p[1]); }
      Encoder e = Encoders.fit(kv[0], S, o);
      double sa=0, sh2=0; StringBuilder per = new StringBuilder();
      for (int i=0;i<sets.length;i++){ EvalResult res = evs.get(i).evaluate(e, 0); sa += res.asymAcc10()-fl.get(i); sh2 += res.hammingAcc10()-fl.get(i); per.append(String.format(" %s %+.1f/%+.1f", sets[i], res.asymAcc10()-fl.get(i), res.hammingAcc10()-fl.get(i))); }
      var st = se.evaluate(e);
      System.out.printf("%-24s seed %2s: STS dev asym %.2f ham %.2f | kNN avg asym %+.2f Hamming %+.2f |%s%n", cfg, sd, st.asymmetric(), st.hamming(), sa/sets.length, sh2/sets.length, per);
    }
  }
}
