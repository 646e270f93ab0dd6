import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.search.*;
import java.nio.file.*;
import java.util.*;
/**
 * ns per code of the library's asymmetric scan (QuantizedLut, per-query setup included) on the load test's 100,000
 * distinct documents with 500 TREC queries, median of rounds 1..6 (round 0 warms up), and a hash of every top 10
 * (equal hashes: equal results). For library-against-library comparisons, put an older QuantizedLut's classes first
 * on the class path. Usage: ScanLib ENCODER.bse [SHARED=../shared]  (-Drounds=7)
 */
public class ScanLib {
  public static void main(String[] args) throws Exception {
    Path emb = Path.of(args.length > 1 ? args[1] : "../shared").resolve("embeddings/all-minilm-l6-v2");
    Encoder e = EncoderFiles.load(Path.of(args[0]));
    FloatMatrix te = Npy.read(emb.resolve("trec/train.npy"));
    List<long[]> parts = new ArrayList<>(); List<float[]> invs = new ArrayList<>(); int n = 0;
    for (String f : new String[] {"imdb/train", "imdb/test", "emotion/train", "banking77/train", "mr/train", "subj/train", "agnews/test", "sst2/train"}) {
      if (n >= 100_000) break;
      FloatMatrix x = Npy.read(emb.resolve(f + ".npy"));
      if (n + x.rows() > 100_000) x = x.slice(0, 100_000 - n);
      PackedCodes c = e.encodeAll(x); parts.add(c.data()); invs.add(e.inverseNorms(c)); n += c.count();
    }
    long[] a = new long[n * 4]; float[] inv = new float[n]; int at = 0;
    for (int i = 0; i < parts.size(); i++) { System.arraycopy(parts.get(i), 0, a, at * 4, parts.get(i).length); System.arraycopy(invs.get(i), 0, inv, at, invs.get(i).length); at += parts.get(i).length / 4; }
    int Q = 500, R = Integer.getInteger("rounds", 7);
    double[] per = new double[R];
    for (int round = 0; round < R; round++) {
      long ns = 0, hash = 0;
      for (int qi = 0; qi < Q; qi++) {
        long t0 = System.nanoTime();
        QueryScorer sc = e.scorer(te.row((qi * 37) % te.rows()));
        QuantizedLut lut = QuantizedLut.of(sc);
        FloatHeap h = new FloatHeap(10);
        lut.scan(a, 4, 0, n, inv, h, 0, null);
        ns += System.nanoTime() - t0;
        TopK t = h.toTopK(); hash = hash * 31 + Arrays.hashCode(t.ids()) * 17 + Arrays.hashCode(t.scores());
      }
      per[round] = ns / (double) Q / n;
      System.out.printf("round %d: %.2f ns/code (setup included), hash %x%n", round, per[round], hash);
    }
    double[] s = Arrays.copyOfRange(per, 1, R); Arrays.sort(s);
    System.out.printf("median of rounds 1..%d: %.2f ns/code%n", R - 1, s[s.length / 2]);
  }
}
