package org.bitsieve.core.eval;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.encode.Progress;
import org.bitsieve.core.knn.HammingVote;
import org.bitsieve.core.knn.KnnClassifier;
import org.bitsieve.core.search.AsymmetricSearch;
import org.bitsieve.core.search.FloatSearch;
import org.bitsieve.core.search.HammingSearch;
import org.bitsieve.core.search.TopK;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Measures encoders the way the project reports them: fit on train vectors, encode train and test, kNN-classify
 * every test vector against the train codes (Hamming and asymmetric, k = 1 and 10), and compare each code's
 * top-10 with the float top-10.
 */
public final class Evaluator {
    public static final int K = 10;

    private final FloatMatrix train;
    private final FloatMatrix test;
    private final int[] trainLabels;
    private final int[] testLabels;
    private final long seed;
    private TopK[] floatTop;
    private double[] floatCorrect10;

    /** Receives a step name and its progress. */
    public interface Listener {
        void step(String name, long done, long total);
    }

    private Listener listener = (n, d, t) -> { };

    public Evaluator(FloatMatrix train, int[] trainLabels, FloatMatrix test, int[] testLabels, long seed) {
        if (train.dim() != test.dim()) {
            throw new IllegalArgumentException("train vectors have dimension " + train.dim() + ", test vectors " + test.dim());
        }
        if (train.rows() != trainLabels.length || test.rows() != testLabels.length) {
            throw new IllegalArgumentException("labels do not match the vectors: train " + train.rows() + " vectors / "
                    + trainLabels.length + " labels, test " + test.rows() + " / " + testLabels.length);
        }
        // Shuffle the database once (seeded). Datasets often come sorted by label, and search breaks equal
        // scores by position; with Hamming distances ties are common, so an unshuffled, label-sorted database
        // would bias every tied vote toward the first label.
        int[] perm = new int[train.rows()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        java.util.Random rnd = new java.util.Random(seed ^ 0x5DEECE66DL);
        for (int i = perm.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] shuffledLabels = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            shuffledLabels[i] = trainLabels[perm[i]];
        }
        train = train.select(perm);
        trainLabels = shuffledLabels;
        this.train = train;
        this.test = test;
        this.trainLabels = trainLabels;
        this.testLabels = testLabels;
        this.seed = seed;
    }

    public Evaluator listener(Listener l) {
        this.listener = l;
        return this;
    }

    private TopK[] floatTop() {
        if (floatTop == null) {
            listener.step("float32 kNN", 0, test.rows());
            floatTop = FloatSearch.topK(train, test, K, (done, total) -> listener.step("float32 kNN", done, total));
        }
        return floatTop;
    }

    public EvalResult floatBaseline() {
        TopK[] top = floatTop();
        long bytes = (long) train.rows() * train.dim() * 4 + (long) test.rows() * test.dim() * 4;
        double acc1 = KnnClassifier.accuracy(top, trainLabels, testLabels, 1);
        double acc10 = KnnClassifier.accuracy(top, trainLabels, testLabels, K);
        return new EvalResult("float32", train.dim() * 32, train.dim() * 4.0, 1.0, bytes, acc1, acc10, acc1, acc10, 1, 1, 0, 0, 0, "cosine");
    }

    public EvalResult evaluate(String kind, int bits) {
        long t0 = System.nanoTime();
        String step = kind + (bits > 0 ? " " + bits : "") + " fit";
        Encoder enc = Encoders.fit(kind, train, FitOptions.bits(bits).withSeed(seed)
                .withProgress((d, t) -> listener.step(step, d, t)));
        double fit = (System.nanoTime() - t0) / 1e9;
        return evaluate(enc, fit);
    }

    private static double accuracy(int[] predicted, int[] truth) {
        int ok = 0;
        for (int i = 0; i < truth.length; i++) {
            ok += predicted[i] == truth[i] ? 1 : 0;
        }
        return 100.0 * ok / truth.length;
    }

    /** 1 where the prediction is right, else 0: per-item outcomes for paired standard errors. */
    private static double[] correct(int[] predicted, int[] truth) {
        double[] c = new double[truth.length];
        for (int i = 0; i < truth.length; i++) {
            c[i] = predicted[i] == truth[i] ? 1 : 0;
        }
        return c;
    }

    /** Standard error in points of acc10 minus float32's, paired over the test items (none for a single item). */
    private double differenceSe(int[] predicted) {
        if (testLabels.length < 2) {
            return Double.NaN;
        }
        if (floatCorrect10 == null) {
            floatCorrect10 = correct(KnnClassifier.votes(floatTop(), trainLabels, K), testLabels);
        }
        return 100 * Metrics.pairedStandardError(correct(predicted, testLabels), floatCorrect10);
    }

    /**
     * Hamming kNN accuracy uses {@link HammingVote}: integer distances tie often, and the vote counts tied
     * neighbours fractionally instead of by database position. Asymmetric and float scores rarely tie and use
     * the plain vote.
     */
    public EvalResult evaluate(Encoder enc, double fitSeconds) {
        String name = enc.kind() + " " + enc.bits();
        PackedCodes trainCodes = enc.encodeAll(train);
        PackedCodes testCodes = enc.encodeAll(test);
        float[] inv = enc.inverseNorms(trainCodes);
        int n = test.rows();
        TopK[] ham = new TopK[n];
        TopK[] asym = new TopK[n];
        int[] ham1 = new int[n];
        int[] ham10 = new int[n];
        int numLabels = java.util.Arrays.stream(trainLabels).max().orElse(0) + 1;
        AtomicLong done = new AtomicLong();
        IntStream.range(0, n).parallel().forEach(i -> {
            long[] q = testCodes.code(i);
            ham[i] = HammingSearch.topK(trainCodes, q, K);
            ham1[i] = HammingVote.vote(trainCodes, q, trainLabels, numLabels, 1);
            ham10[i] = HammingVote.vote(trainCodes, q, trainLabels, numLabels, K);
            asym[i] = AsymmetricSearch.topK(trainCodes, inv, enc.scorer(test.row(i)), K);
            long d = done.incrementAndGet();
            if ((d & 255) == 0 || d == n) {
                listener.step(name + " search", d, n);
            }
        });
        TopK[] ref = floatTop();
        int[] asym10 = KnnClassifier.votes(asym, trainLabels, K);
        double bytesPer = trainCodes.bytesPerCode();
        long datasetBytes = (long) (train.rows() + test.rows()) * trainCodes.bytesPerCode();
        return new EvalResult(enc.kind(), enc.bits(), bytesPer, train.dim() * 4.0 / bytesPer, datasetBytes,
                accuracy(ham1, testLabels),
                accuracy(ham10, testLabels),
                KnnClassifier.accuracy(asym, trainLabels, testLabels, 1),
                accuracy(asym10, testLabels),
                KnnClassifier.recallAt(ham, ref, K),
                KnnClassifier.recallAt(asym, ref, K),
                differenceSe(ham10),
                differenceSe(asym10),
                fitSeconds, new java.util.TreeMap<>(enc.params()).toString());
    }
}
