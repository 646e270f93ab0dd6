import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.store.*;
import java.nio.file.*;
import java.util.*;
import org.bitsieve.store.Collection;
/**
 * The store's single-thread search time per code, Hamming and asymmetric (top 10, no floats, no filter), for
 * collections of the same 100,000 documents (ScanLib's) encoded with each encoder given, 500 TREC queries; the
 * collections alternate within each round (same machine load), median of rounds 1..R-1. For comparing the store's
 * scan loops across code widths, and old against new classes (put the older store classes first on the class path).
 * Usage: StoreScan DIR A.bse B.bse ... [-Dshared=../shared] [-Drounds=7]   (DIR: where the collections are built)
 */
public class StoreScan {
  public static void main(String[] args) throws Exception {
    Path emb = Path.of(System.getProperty("shared", "../shared")).resolve("embeddings/all-minilm-l6-v2");
    FloatMatrix te = Npy.read(emb.resolve("trec/train.npy"));
    List<float[]> docs = new ArrayList<>();
    for (String f : new String[] {"imdb/train", "imdb/test", "emotion/train", "banking77/train", "mr/train", "subj/train", "agnews/test", "sst2/train"}) {
      FloatMatrix x = Npy.read(emb.resolve(f + ".npy"));
      for (int i = 0; i < x.rows() && docs.size() < 100_000; i++) docs.add(x.row(i));
    }
    int n = docs.size(), E = args.length - 1;
    Collection[] coll = new Collection[E];
    for (int k = 0; k < E; k++) {
      Encoder e = EncoderFiles.load(Path.of(args[k + 1]));
      Path dir = Path.of(args[0]).resolve(Path.of(args[k + 1]).getFileName() + "-" + Integer.toHexString(args[k + 1].hashCode()));
      if (!Collection.exists(dir)) {
        try (Collection c = Collection.create(dir, e, CollectionOptions.defaults())) {
          for (int s = 0; s < n; s += 10_000) {
            List<Doc> batch = new ArrayList<>();
            for (int i = s; i < Math.min(n, s + 10_000); i++) batch.add(Doc.of("d" + i, docs.get(i), null));
            c.add(batch);
          }
        }
      }
      coll[k] = Collection.open(dir, 1);
    }
    int Q = 500, R = Integer.getInteger("rounds", 7);
    double[][] ham = new double[E][R], asym = new double[E][R];
    for (int round = 0; round < R; round++) {
      for (int k = 0; k < E; k++) {
        for (SearchMode m : SearchMode.values()) {
          long t0 = System.nanoTime(); long sink = 0;
          for (int qi = 0; qi < Q; qi++) {
            sink += coll[k].search(SearchRequest.of(te.row((qi * 37) % te.rows()), 10).mode(m).threads(1)).size();
          }
          double ns = (System.nanoTime() - t0) / (double) Q / n;
          (m == SearchMode.HAMMING ? ham : asym)[k][round] = ns;
          if (sink == 42) System.out.print("");
        }
        System.out.printf(Locale.ROOT, "round %d  %-28s %d bits: Hamming %.2f ns/code, asymmetric %.2f ns/code%n", round,
            Path.of(args[k + 1]).getFileName(), coll[k].encoder().bits(), ham[k][round], asym[k][round]);
      }
    }
    for (int k = 0; k < E; k++) {
      System.out.printf(Locale.ROOT, "median %-28s Hamming %.2f ns/code, asymmetric %.2f ns/code%n", Path.of(args[k + 1]).getFileName(),
          med(ham[k]), med(asym[k]));
      coll[k].close();
    }
  }
  static double med(double[] per) { double[] s = Arrays.copyOfRange(per, 1, per.length); Arrays.sort(s); return s[s.length / 2]; }
}
