package org.bitsieve.core.search;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Progress;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Exact top-k by dot product over float vectors (cosine for unit vectors): the baseline every code is
 * measured against. Batched as a blocked matrix product whose inner loop the JIT vectorises.
 */
public final class FloatSearch {
    private static final int QUERY_BLOCK = 16;
    private static final int DB_BLOCK = 512;

    private FloatSearch() {}

    public static TopK topK(FloatMatrix db, float[] query, int k) {
        FloatHeap h = new FloatHeap(k);
        float[] d = db.data();
        int dim = db.dim();
        for (int i = 0; i < db.rows(); i++) {
            h.offer(org.bitsieve.core.encode.Vectors.dot(d, i * dim, query, 0, dim), i);
        }
        return h.toTopK();
    }

    /** Top-k for every query row, in parallel. */
    public static TopK[] topK(FloatMatrix db, FloatMatrix queries, int k) { return topK(db, queries, k, Progress.NONE); }

    /** The same, telling {@code progress} how many queries are done (IMDB's 25,000 take ~40 s on 2 cores). */
    public static TopK[] topK(FloatMatrix db, FloatMatrix queries, int k, Progress progress) {
        if (db.dim() != queries.dim()) {
            throw new IllegalArgumentException("queries have dimension " + queries.dim() + ", the vectors " + db.dim());
        }
        int n = db.rows();
        int dim = db.dim();
        // transpose the database once: dim x n, so scores for a block of rows are sums of scaled rows
        float[] dbT = new float[dim * n];
        float[] d = db.data();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                dbT[j * n + i] = d[i * dim + j];
            }
        }
        TopK[] out = new TopK[queries.rows()];
        AtomicLong done = new AtomicLong();
        int qBlocks = (queries.rows() + QUERY_BLOCK - 1) / QUERY_BLOCK;
        float[] q = queries.data();
        IntStream.range(0, qBlocks).parallel().forEach(qb -> {
            int q0 = qb * QUERY_BLOCK;
            int q1 = Math.min(queries.rows(), q0 + QUERY_BLOCK);
            int nq = q1 - q0;
            FloatHeap[] heaps = new FloatHeap[nq];
            for (int a = 0; a < nq; a++) {
                heaps[a] = new FloatHeap(k);
            }
            float[] s = new float[QUERY_BLOCK * DB_BLOCK];
            for (int b0 = 0; b0 < n; b0 += DB_BLOCK) {
                int len = Math.min(DB_BLOCK, n - b0);
                java.util.Arrays.fill(s, 0f);
                for (int j = 0; j < dim; j++) {
                    int row = j * n + b0;
                    for (int a = 0; a < nq; a++) {
                        float qa = q[(q0 + a) * dim + j];
                        int so = a * DB_BLOCK;
                        for (int c = 0; c < len; c++) {
                            s[so + c] += qa * dbT[row + c];
                        }
                    }
                }
                for (int a = 0; a < nq; a++) {
                    FloatHeap h = heaps[a];
                    int so = a * DB_BLOCK;
                    float th = h.threshold();
                    for (int c = 0; c < len; c++) {
                        if (s[so + c] > th) {
                            h.offer(s[so + c], b0 + c);
                            th = h.threshold();
                        }
                    }
                }
            }
            for (int a = 0; a < nq; a++) {
                out[q0 + a] = heaps[a].toTopK();
            }
            progress.update(done.addAndGet(nq), queries.rows());
        });
        return out;
    }
}
