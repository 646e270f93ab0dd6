import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.eval.*;
import org.bitsieve.embed.*;
import java.nio.file.*;
import java.util.*;
public class Tune {
  public static void main(String[] a) throws Exception {
    Path sh = Path.of("/work/shared");
    Path gs = Path.of(System.getProperty("java.io.tmpdir"), "bitsieve-general-minilm.npy");
    FloatMatrix g;
    if (Files.exists(gs)) g = Npy.read(gs); else {
      List<String> all = TextInput.read(sh.resolve("data/general_sentences/train.jsonl.gz"), TextInput.Format.JSONL, "text");
      int[] pick = org.bitsieve.cli.FitCommand.sample(all.size(), 100000, 42);
      List<String> t = new ArrayList<>(); for (int i : pick) t.add(all.get(i));
      try (TextEmbedder e = Models.open("all-minilm-l6-v2")) { EmbeddingCache c = new EmbeddingCache(EmbeddingCache.defaultRoot()); g = c.embedAll(e, t, TextRole.PASSAGE, (d, n) -> {}); System.out.println("cache hits " + c.hits() + " misses " + c.misses()); }
      Npy.write(gs, g);
    }
    String[] sets = HeldOut.SETS;
    List<Evaluator> evs = new ArrayList<>(); List<Double> fl = new ArrayList<>();
    for (HeldOut h : HeldOut.all(sh)) { evs.add(h.evaluator()); fl.add(h.floatAcc10()); }
    for (String cfg : a) {
      String[] kv = cfg.split(",");
      int bits = Integer.parseInt(kv[0]);
      FitOptions o = FitOptions.bits(bits);
      for (int i = 1; i < kv.length; i++) { String[] p = kv[i].split("="); o = o.with(p[0], p[1]); }
      Encoder e = Encoders.fit("witq", g, o);
      double sa=0, sh2=0; StringBuilder per = new StringBuilder();
      for (int i=0;i<sets.length;i++){ EvalResult r = evs.get(i).evaluate(e, 0); sa += r.asymAcc10()-fl.get(i); sh2 += r.hammingAcc10()-fl.get(i); per.append(String.format(" %s %+.1f/%+.1f", sets[i], r.asymAcc10()-fl.get(i), r.hammingAcc10()-fl.get(i))); }
      System.out.printf("%s: avg asym %+.2f Hamming %+.2f |%s%n", cfg, sa/sets.length, sh2/sets.length, per);
    }
  }
}
