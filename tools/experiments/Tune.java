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
    String[] sets = {"imdb","mr","sst2","trec","banking77","emotion","subj","cr","agnews"};
    List<Evaluator> evs = new ArrayList<>(); List<Double> fl = new ArrayList<>();
    for (String ds : sets) {
      String split = ds.equals("agnews") ? "test" : "train";
      FloatMatrix x = Npy.read(sh.resolve("embeddings/all-minilm-l6-v2/"+ds+"/"+split+".npy"));
      int[] y = Knn.labels(sh.resolve("data/"+ds+"/"+split+".jsonl.gz"));
      int n = x.rows(); int[] perm = new int[n]; for (int i=0;i<n;i++) perm[i]=i; Random r = new Random(7); for(int i=n-1;i>0;i--){int j=r.nextInt(i+1);int t=perm[i];perm[i]=perm[j];perm[j]=t;}
      if (ds.equals("agnews")) perm = Arrays.copyOf(perm, (int)(n*0.8)); // never the rows the benchmark tests on? (different shuffle; holdout only)
      int q = Math.min(2000, perm.length/5), db = Math.min(8000, perm.length - q);
      int[] qi = Arrays.copyOfRange(perm, 0, q), di = Arrays.copyOfRange(perm, q, q+db);
      int[] yq = new int[q], yd = new int[db]; for (int i=0;i<q;i++) yq[i]=y[qi[i]]; for (int i=0;i<db;i++) yd[i]=y[di[i]];
      Evaluator ev = new Evaluator(x.select(di), yd, x.select(qi), yq, 42); evs.add(ev); fl.add(ev.floatBaseline().asymAcc10());
    }
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
