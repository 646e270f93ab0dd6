import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.*;
import org.bitsieve.core.search.*;
import java.nio.file.*;
/**
 * Per-query cost of the asymmetric scan, one thread: building the scorer (table), preparing the scan
 * (QuantizedLut.of: bit planes or the integer table) and scanning the 25,000 IMDB train codes, over 2,000 IMDB
 * test queries, five rounds (the first ones warm up the JIT).
 */
public class ScanSetup {
  public static void main(String[] a) throws Exception {
    Path sh = Path.of(a.length > 1 ? a[1] : "../shared").resolve("embeddings/all-minilm-l6-v2/imdb");
    FloatMatrix te = Npy.read(sh.resolve("test.npy"));
    Encoder e = EncoderFiles.load(Path.of(a[0]));
    PackedCodes db = e.encodeAll(Npy.read(sh.resolve("train.npy")));
    float[] inv = e.inverseNorms(db);
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime(); QueryScorer[] s = new QueryScorer[2000];
      for (int i = 0; i < 2000; i++) s[i] = e.scorer(te.row(i));
      long t1 = System.nanoTime(); QuantizedLut[] l = new QuantizedLut[2000];
      for (int i = 0; i < 2000; i++) l[i] = QuantizedLut.of(s[i]);
      long t2 = System.nanoTime();
      for (int i = 0; i < 2000; i++) l[i].scan(db.data(), db.words(), 0, db.count(), inv, new FloatHeap(10), 0, null);
      long t3 = System.nanoTime();
      System.out.printf("scorer %.1f us, scan preparation %.1f us, scan of %d codes %.1f us (%.2f ns/code)%n",
          (t1 - t0) / 2e6, (t2 - t1) / 2e6, db.count(), (t3 - t2) / 2e6, (t3 - t2) / 2000.0 / db.count());
    }
  }
}
