import org.bitsieve.core.*;
import org.bitsieve.core.encode.*;
import org.bitsieve.core.io.Npy;
import org.bitsieve.core.search.*;
import org.bitsieve.core.knn.KnnClassifier;
import java.nio.file.*;

/** pq Hamming shortlist re-scored by the asymmetric table: recall@10 against float, vs the full asymmetric scan. Args: db.npy q.npy kinds */
public class PolyShortlist {
    public static void main(String[] a) throws Exception {
        FloatMatrix db = Npy.read(Path.of(a[0])), q = Npy.read(Path.of(a[1]));
        int nq = Math.min(q.rows(), 500);
        q = q.slice(0, nq);
        TopK[] ref = FloatSearch.topK(db, q, 10);
        for (String kind : a[2].split(",")) {
            Encoder e = Encoders.fit(kind, db, FitOptions.bits(256));
            PackedCodes c = e.encodeAll(db);
            float[] inv = e.inverseNorms(c);
            TopK[] asym = new TopK[nq], ham = new TopK[nq];
            int[] Ns = {10, 100, 300, 1000};
            TopK[][] poly = new TopK[Ns.length][nq];
            for (int i = 0; i < nq; i++) {
                QueryScorer s = e.scorer(q.row(i));
                asym[i] = AsymmetricSearch.topK(c, inv, s, 10);
                long[] qc = e.encode(q.row(i));
                TopK big = HammingSearch.topK(c, qc, 1000);
                ham[i] = HammingSearch.topK(c, qc, 10);
                for (int n = 0; n < Ns.length; n++) {
                    int N = Math.min(Ns[n], big.size());
                    int[] ids = java.util.Arrays.copyOf(big.ids(), N);
                    float[] sc = new float[N];
                    Integer[] ord = new Integer[N];
                    for (int j = 0; j < N; j++) { sc[j] = s.rawScore(c.data(), ids[j] * c.words()) * (inv == null ? 1 : inv[ids[j]]); ord[j] = j; }
                    java.util.Arrays.sort(ord, (x, y) -> Float.compare(sc[y], sc[x]));
                    int K = Math.min(10, N); int[] o = new int[K]; float[] os = new float[K];
                    for (int j = 0; j < K; j++) { o[j] = ids[ord[j]]; os[j] = sc[ord[j]]; }
                    poly[n][i] = new TopK(o, os);
                }
            }
            StringBuilder b = new StringBuilder(kind + " asym " + KnnClassifier.recallAt(asym, ref, 10) + " ham " + KnnClassifier.recallAt(ham, ref, 10));
            for (int n = 0; n < Ns.length; n++) b.append(" poly" + Ns[n] + " " + String.format("%.3f", KnnClassifier.recallAt(poly[n], ref, 10)));
            System.out.println(b);
        }
    }
}
