import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.search.*;
import java.nio.file.*;
import java.util.*;
/**
 * What a wider code costs the scans: ns per code of the library's asymmetric scan (QuantizedLut, per-query setup
 * included) and Hamming scan (HammingSearch.scan), top 10, for each encoder given, on the same 100,000 documents
 * (ScanLib's) and 500 TREC queries. The encoders alternate within each round, so their ratio is measured under the
 * same machine load; median of rounds 1..R-1 (round 0 warms up). Written to price 264-bit codes (256 planes + an
 * 8-bit factor: 5 words, outside the 4-word fast paths) against the shipped 256.
 * Usage: ScanWidth A.bse B.bse ... [-Dshared=../shared] [-Drounds=7]
 */
public class ScanWidth {
  public static void main(String[] args) throws Exception {
    Path emb = Path.of(System.getProperty("shared", "../shared")).resolve("embeddings/all-minilm-l6-v2");
    FloatMatrix te = Npy.read(emb.resolve("trec/train.npy"));
    List<FloatMatrix> xs = new ArrayList<>(); int n = 0;
    for (String f : new String[] {"imdb/train", "imdb/test", "emotion/train", "banking77/train", "mr/train", "subj/train", "agnews/test", "sst2/train"}) {
      if (n >= 100_000) break;
      FloatMatrix x = Npy.read(emb.resolve(f + ".npy"));
      if (n + x.rows() > 100_000) x = x.slice(0, 100_000 - n);
      xs.add(x); n += x.rows();
    }
    int E = args.length;
    Encoder[] enc = new Encoder[E]; PackedCodes[] db = new PackedCodes[E]; float[][] inv = new float[E][];
    for (int k = 0; k < E; k++) {
      enc[k] = EncoderFiles.load(Path.of(args[k]));
      PackedCodes all = PackedCodes.allocate(n, enc[k].bits()); inv[k] = new float[n]; int at = 0;
      for (FloatMatrix x : xs) {
        PackedCodes c = enc[k].encodeAll(x);
        System.arraycopy(c.data(), 0, all.data(), at * all.words(), c.data().length);
        System.arraycopy(enc[k].inverseNorms(c), 0, inv[k], at, c.count()); at += c.count();
      }
      db[k] = all;
    }
    int Q = 500, R = Integer.getInteger("rounds", 7);
    double[][] asym = new double[E][R], ham = new double[E][R];
    for (int round = 0; round < R; round++) {
      for (int k = 0; k < E; k++) {
        long ns = 0;
        for (int qi = 0; qi < Q; qi++) {
          long t0 = System.nanoTime();
          QueryScorer sc = enc[k].scorer(te.row((qi * 37) % te.rows()));
          FloatHeap h = new FloatHeap(10);
          QuantizedLut.of(sc).scan(db[k].data(), db[k].words(), 0, n, inv[k], h, 0, null);
          ns += System.nanoTime() - t0;
        }
        asym[k][round] = ns / (double) Q / n;
        long[][] qc = new long[Q][];
        for (int qi = 0; qi < Q; qi++) qc[qi] = enc[k].encode(te.row((qi * 37) % te.rows()));
        long t0 = System.nanoTime(); int sink = 0;
        for (int qi = 0; qi < Q; qi++) sink += HammingSearch.scan(db[k], qc[qi], 10, 0, n).toTopK().ids().length;
        ham[k][round] = (System.nanoTime() - t0) / (double) Q / n;
        if (sink == 42) System.out.print("");
        System.out.printf(Locale.ROOT, "round %d  %-28s %d bits, %d words: asymmetric %.2f ns/code, Hamming %.2f ns/code%n", round,
            Path.of(args[k]).getFileName(), enc[k].bits(), db[k].words(), asym[k][round], ham[k][round]);
      }
    }
    for (int k = 0; k < E; k++) {
      System.out.printf(Locale.ROOT, "median %-28s asymmetric %.2f ns/code (x%.2f of the first), Hamming %.2f ns/code (x%.2f)%n",
          Path.of(args[k]).getFileName(), med(asym[k]), med(asym[k]) / med(asym[0]), med(ham[k]), med(ham[k]) / med(ham[0]));
    }
  }
  static double med(double[] per) { double[] s = Arrays.copyOfRange(per, 1, per.length); Arrays.sort(s); return s[s.length / 2]; }
}
