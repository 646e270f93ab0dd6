import org.bitsieve.core.*;
import org.bitsieve.core.eval.*;
import org.bitsieve.core.io.*;
import java.nio.file.*;
import java.util.*;
/**
 * The held-out protocol of Tune, Kinds and PseudoDocs: per set, a seeded shuffle (Random(7)) of the train split (AG
 * News: the first 80% of its test split), 2,000 queries against the next 8,000 vectors; the rows after those are
 * {@code rest} (unused by the evaluation). Never the bench's test rows (except AG News, which has no train split).
 */
record HeldOut(String set, Evaluator evaluator, double floatAcc10, FloatMatrix vectors, int[] rest) {
  static final String[] SETS = {"imdb","mr","sst2","trec","banking77","emotion","subj","cr","agnews"};

  static List<HeldOut> all(Path sh) throws Exception {
    List<HeldOut> out = new ArrayList<>();
    for (String ds : SETS) out.add(of(sh, ds));
    return out;
  }

  static HeldOut of(Path sh, String ds) throws Exception {
    String split = ds.equals("agnews") ? "test" : "train";
    FloatMatrix x = Npy.read(sh.resolve("embeddings/all-minilm-l6-v2/"+ds+"/"+split+".npy"));
    int[] y = Knn.labels(sh.resolve("data/"+ds+"/"+split+".jsonl.gz"));
    int n = x.rows(); int[] p = new int[n]; for (int i=0;i<n;i++) p[i]=i; Random r = new Random(7); for(int i=n-1;i>0;i--){int j=r.nextInt(i+1);int t=p[i];p[i]=p[j];p[j]=t;}
    if (ds.equals("agnews")) p = Arrays.copyOf(p, (int)(n*0.8));
    int q = Math.min(2000, p.length/5), db = Math.min(8000, p.length - q);
    int[] qi = Arrays.copyOfRange(p, 0, q), di = Arrays.copyOfRange(p, q, q+db);
    int[] yq = new int[q], yd = new int[db]; for (int i=0;i<q;i++) yq[i]=y[qi[i]]; for (int i=0;i<db;i++) yd[i]=y[di[i]];
    Evaluator ev = new Evaluator(x.select(di), yd, x.select(qi), yq, 42);
    return new HeldOut(ds, ev, ev.floatBaseline().asymAcc10(), x, Arrays.copyOfRange(p, q+db, p.length));
  }
}
