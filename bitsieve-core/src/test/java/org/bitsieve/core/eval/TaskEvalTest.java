package org.bitsieve.core.eval;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** STS and retrieval evaluation on controlled data where the right answer is known. */
class TaskEvalTest {
    static FloatMatrix unitGaussian(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1 + (i % d < 8 ? 0.5 : 0));
        }
        return new FloatMatrix(x, n, d).normalizeRows();
    }

    @Test
    void retrievalFindsEachDocumentFromItsOwnVector() {
        FloatMatrix corpus = unitGaussian(2000, 64, 1);
        int q = 50;
        int[] pick = new int[q];
        String[] ids = new String[corpus.rows()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "d" + i;
        }
        List<Map<String, Integer>> qrels = new ArrayList<>();
        for (int i = 0; i < q; i++) {
            pick[i] = i * 37;
            qrels.add(Map.of(ids[i * 37], 1));
        }
        RetrievalEval re = new RetrievalEval(corpus, ids, corpus.select(pick), qrels);
        RetrievalEval.Result f = re.floatBaseline();
        assertEquals(100, f.ndcg10(), 1e-9);
        assertEquals(100, f.recall100(), 1e-9);
        Encoder enc = Encoders.fit("witq", corpus, FitOptions.bits(64));
        List<RetrievalEval.Result> rs = re.evaluate(enc);
        assertEquals(List.of("hamming", "asymmetric", "hamming + re-rank", "asymmetric + re-rank"),
                rs.stream().map(RetrievalEval.Result::method).toList());
        // a document's own code is at Hamming distance 0, so it is always a candidate; re-ranking by its
        // float16 copy puts it first
        assertEquals(100, rs.get(2).ndcg10(), 1e-9);
        assertEquals(100, rs.get(3).ndcg10(), 1e-9);
        assertEquals(100, rs.get(0).recall100(), 1e-9);
        // paired over the same queries: zero for float against itself and for the re-ranked lists (all at 100 as well)
        assertEquals(0, f.ndcg10Se(), 0);
        assertEquals(0, rs.get(3).ndcg10Se(), 1e-9);
        assertEquals(rs.get(1).ndcg10() < 100, rs.get(1).ndcg10Se() > 0, "codes-only error " + rs.get(1));
    }

    @Test
    void similarityOfFloatsAgainstTheirOwnCosineIsPerfectAndCodesTrackIt() {
        FloatMatrix a = unitGaussian(400, 64, 2);
        FloatMatrix noise = unitGaussian(400, 64, 3);
        SplittableRandom r = new SplittableRandom(4);
        float[] bx = new float[a.data().length];
        for (int i = 0; i < a.rows(); i++) {
            double mix = r.nextDouble(); // pairs from near-identical to unrelated
            for (int j = 0; j < 64; j++) {
                bx[i * 64 + j] = (float) ((1 - mix) * a.get(i, j) + mix * noise.get(i, j));
            }
        }
        FloatMatrix b = new FloatMatrix(bx, 400, 64).normalizeRows();
        double[] gold = new double[400];
        for (int i = 0; i < gold.length; i++) {
            double s = 0;
            for (int j = 0; j < 64; j++) {
                s += a.get(i, j) * b.get(i, j);
            }
            gold[i] = s;
        }
        SimilarityEval se = new SimilarityEval(a, b, gold);
        assertEquals(100, se.floatSpearman(), 1e-9);
        SimilarityEval.Result res = se.evaluate(Encoders.fit("witq", a, FitOptions.bits(64)));
        assertTrue(res.asymmetric() > 80 && res.asymmetric() < 100, "asymmetric " + res.asymmetric());
        assertTrue(res.hamming() > 70 && res.hamming() < 100, "Hamming " + res.hamming());
        // bootstrap errors of the differences to float: positive, and well below the differences' own size range
        assertTrue(res.asymmetricSe() > 0 && res.asymmetricSe() < 5, "asymmetric s.e. " + res.asymmetricSe());
        assertTrue(res.hammingSe() > 0 && res.hammingSe() < 5, "Hamming s.e. " + res.hammingSe());
        assertThrows(IllegalArgumentException.class, () -> new SimilarityEval(a, b, new double[3]));
    }
}
