package org.bitsieve.core.eval;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.QueryScorer;
import org.bitsieve.core.encode.Vectors;

/**
 * Semantic similarity (STS): Spearman correlation between a similarity of the two sentences of each pair and
 * the gold scores, in percent, for cosine of floats, Hamming similarity of codes, and asymmetric similarity.
 */
public final class SimilarityEval {
    private final FloatMatrix a;
    private final FloatMatrix b;
    private final double[] gold;
    private final double[] floatScores; // cosine of each pair's float vectors

    /** Bootstrap resamples behind the standard errors (seeded: a report is reproducible). */
    static final int RESAMPLES = 1000;

    /**
     * Spearman x 100 for each way of scoring the pairs, and the paired bootstrap standard error (x 100) of each minus
     * the float32 Spearman: how much the difference would move with another sample of pairs of the same size.
     */
    public record Result(String encoder, int bits, double hamming, double asymmetric, double hammingSe, double asymmetricSe) {}

    public SimilarityEval(FloatMatrix a, FloatMatrix b, double[] gold) {
        if (a.rows() != b.rows() || a.rows() != gold.length || a.dim() != b.dim()) {
            throw new IllegalArgumentException("STS pairs disagree: " + a.rows() + " x " + a.dim() + " first sentences, "
                    + b.rows() + " x " + b.dim() + " second sentences, " + gold.length + " gold scores");
        }
        this.a = a;
        this.b = b;
        this.gold = gold;
        this.floatScores = cosines();
    }

    /** Cosine similarity of the float vectors. */
    public double floatSpearman() {
        return 100 * Metrics.spearman(floatScores, gold);
    }

    private double[] cosines() {
        double[] s = new double[a.rows()];
        for (int i = 0; i < s.length; i++) {
            float[] x = a.row(i);
            float[] y = b.row(i);
            double d = Vectors.dot(x, 0, y, 0, x.length);
            s[i] = d / Math.sqrt(Vectors.dot(x, 0, x, 0, x.length) * Vectors.dot(y, 0, y, 0, y.length));
        }
        return s;
    }

    /**
     * Hamming similarity is {@code -distance(code_a, code_b)}. The asymmetric similarity of a pair has no
     * natural direction, so it averages both: a's float against b's code, and b's float against a's code.
     */
    public Result evaluate(Encoder enc) {
        PackedCodes ca = enc.encodeAll(a);
        PackedCodes cb = enc.encodeAll(b);
        float[] invA = enc.inverseNorms(ca);
        float[] invB = enc.inverseNorms(cb);
        int n = a.rows();
        double[] ham = new double[n];
        double[] asym = new double[n];
        int w = ca.words();
        for (int i = 0; i < n; i++) {
            ham[i] = -ca.hamming(i, cb.code(i));
            asym[i] = (score(enc.scorer(a.row(i)), cb, invB, i, w) + score(enc.scorer(b.row(i)), ca, invA, i, w)) / 2;
        }
        return new Result(enc.kind(), enc.bits(), 100 * Metrics.spearman(ham, gold), 100 * Metrics.spearman(asym, gold),
                100 * Metrics.spearmanDifferenceStandardError(ham, floatScores, gold, RESAMPLES, 42),
                100 * Metrics.spearmanDifferenceStandardError(asym, floatScores, gold, RESAMPLES, 42));
    }

    private static double score(QueryScorer s, PackedCodes codes, float[] inv, int i, int words) {
        double raw = s.rawScore(codes.data(), i * words);
        return s.normalized() && inv != null ? raw * inv[i] : raw;
    }
}
