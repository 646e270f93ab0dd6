package org.bitsieve.core.search;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;

import java.util.stream.IntStream;

/**
 * Codes-only top-k of many queries in both modes, the measurement behind the benchmark's retrieval task and a
 * refit's choice: the database encoded once, each query scored asymmetrically (float query against codes) and by
 * Hamming distance (its own code), queries in parallel, each scan on one thread.
 *
 * @param asymmetric per query, the top k by asymmetric score
 * @param hamming    per query, the top k by Hamming distance
 */
public record CodesOnly(TopK[] asymmetric, TopK[] hamming) {

    public static CodesOnly topK(Encoder e, FloatMatrix db, FloatMatrix queries, int k) {
        PackedCodes codes = e.encodeAll(db);
        PackedCodes qc = e.encodeAll(queries);
        float[] inv = e.inverseNorms(codes);
        int n = queries.rows();
        TopK[] asym = new TopK[n];
        TopK[] ham = new TopK[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            asym[i] = AsymmetricSearch.topK(codes, inv, e.scorer(queries.row(i)), k);
            ham[i] = HammingSearch.topK(codes, qc.code(i), k);
        });
        return new CodesOnly(asym, ham);
    }
}
