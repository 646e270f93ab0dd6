package org.bitsieve.core.eval;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Vectors;
import org.bitsieve.core.io.Half;
import org.bitsieve.core.search.CodesOnly;
import org.bitsieve.core.search.FloatSearch;
import org.bitsieve.core.search.TopK;

import java.util.List;
import java.util.Map;

/**
 * Retrieval (BEIR style): nDCG@10 and recall@100 of queries against a corpus, for float search, for codes alone
 * (Hamming, asymmetric), and for codes whose top {@value #CANDIDATES} candidates are re-ranked by the float
 * vectors kept on disk. Re-ranking uses float16 copies, what a collection keeps by default.
 */
public final class RetrievalEval {
    public static final int CANDIDATES = 100;
    public static final int NDCG_AT = 10;

    private final FloatMatrix corpus;
    private final float[] corpusHalf;
    private final String[] docIds;
    private final FloatMatrix queries;
    private final List<Map<String, Integer>> qrels;

    private double[] floatNdcg; // per query, for paired standard errors

    /**
     * Means over the queries; nDCG and recall in percent. {@code ndcg10Se}: standard error (points) of nDCG@10 minus
     * float32's, paired over the queries (0 for float32 itself).
     */
    public record Result(String method, String encoder, int bits, double ndcg10, double recall100, double ndcg10Se) {}

    public RetrievalEval(FloatMatrix corpus, String[] docIds, FloatMatrix queries, List<Map<String, Integer>> qrels) {
        if (corpus.rows() != docIds.length || queries.rows() != qrels.size() || corpus.dim() != queries.dim()) {
            throw new IllegalArgumentException("retrieval inputs disagree: corpus " + corpus.rows() + " vectors / " + docIds.length
                    + " ids, " + queries.rows() + " queries / " + qrels.size() + " judgement lists, dimensions "
                    + corpus.dim() + " and " + queries.dim());
        }
        this.corpus = corpus;
        this.docIds = docIds;
        this.queries = queries;
        this.qrels = qrels;
        float[] h = new float[corpus.data().length];
        for (int i = 0; i < h.length; i++) {
            h[i] = Half.toFloat(Half.fromFloat(corpus.data()[i]));
        }
        this.corpusHalf = h;
    }

    public Result floatBaseline() {
        double[] ndcg = new double[queries.rows()];
        double recall = scoreQueries(FloatSearch.topK(corpus, queries, CANDIDATES), ndcg);
        floatNdcg = ndcg;
        return new Result("float32", "float32", 0, 100 * mean(ndcg), recall, 0);
    }

    /** Hamming, asymmetric, and both re-ranked by float16 vectors. */
    public List<Result> evaluate(Encoder enc) {
        CodesOnly top = CodesOnly.topK(enc, corpus, queries, CANDIDATES);
        TopK[] ham = top.hamming();
        TopK[] asym = top.asymmetric();
        return List.of(result("hamming", enc.kind(), enc.bits(), ham),
                result("asymmetric", enc.kind(), enc.bits(), asym),
                result("hamming + re-rank", enc.kind(), enc.bits(), rerank(ham)),
                result("asymmetric + re-rank", enc.kind(), enc.bits(), rerank(asym)));
    }

    private TopK[] rerank(TopK[] candidates) {
        TopK[] out = new TopK[candidates.length];
        int d = corpus.dim();
        for (int q = 0; q < candidates.length; q++) {
            float[] query = queries.row(q);
            int[] ids = candidates[q].ids().clone();
            float[] s = new float[ids.length];
            for (int i = 0; i < ids.length; i++) {
                s[i] = Vectors.dot(query, 0, corpusHalf, ids[i] * d, d);
            }
            // stable order by score, ties by document index, as every search here breaks ties
            Integer[] order = new Integer[ids.length];
            for (int i = 0; i < ids.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (x, y) -> s[x] != s[y] ? Float.compare(s[y], s[x]) : Integer.compare(ids[x], ids[y]));
            int[] rid = new int[ids.length];
            float[] rs = new float[ids.length];
            for (int i = 0; i < ids.length; i++) {
                rid[i] = ids[order[i]];
                rs[i] = s[order[i]];
            }
            out[q] = new TopK(rid, rs);
        }
        return out;
    }

    /** Fills nDCG@10 per query and returns the mean recall@100 in percent. */
    private double scoreQueries(TopK[] top, double[] ndcg) {
        double recall = 0;
        for (int q = 0; q < top.length; q++) {
            String[] ranked = new String[top[q].size()];
            for (int i = 0; i < ranked.length; i++) {
                ranked[i] = docIds[top[q].ids()[i]];
            }
            ndcg[q] = Metrics.ndcgAt(ranked, qrels.get(q), NDCG_AT);
            recall += Metrics.recallAt(ranked, qrels.get(q), CANDIDATES);
        }
        return 100 * recall / top.length;
    }

    private Result result(String method, String encoder, int bits, TopK[] top) {
        double[] ndcg = new double[top.length];
        double recall = scoreQueries(top, ndcg);
        if (floatNdcg == null) {
            floatBaseline();
        }
        double se = top.length < 2 ? Double.NaN : 100 * Metrics.pairedStandardError(ndcg, floatNdcg);
        return new Result(method, encoder, bits, 100 * mean(ndcg), recall, se);
    }

    private static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElse(0);
    }
}
