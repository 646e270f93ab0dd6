package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.search.FloatSearch;
import org.bitsieve.core.search.HammingSearch;
import org.bitsieve.core.search.QuantizedLut;
import org.bitsieve.core.search.TopK;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A collection with the product-quantisation encoder ({@code pq}): its table is not linear in the code bits, so the
 * scan takes the quantised byte-table path, and its Hamming distance is the polysemous one (docs/encoders.md).
 * Both must give exactly the core's reference answers through segments, deletions, filters, compaction and reopen.
 */
class PqCollectionTest {
    @TempDir
    Path tmp;

    static Encoder pq;

    @BeforeAll
    static void fit() {
        pq = TestVectors.encoder("pq", 64);
    }

    @Test
    void searchEqualsCoreReferenceInBothModes() throws IOException {
        Path dir = tmp.resolve("pq");
        List<Doc> order;
        try (Collection c = Collection.create(dir, pq, new CollectionOptions(FloatFormat.NONE, 300))) {
            Map<String, Doc> live = new HashMap<>();
            order = TestDocs.populate(c, live, 12, 15);
            assertTrue(c.snapshot().views().size() > 2, "several segments");
            PackedCodes codes = pq.encodeAll(TestDocs.vectors(order));
            float[] inv = pq.inverseNorms(codes);
            assertFalse(QuantizedLut.of(pq.scorer(TestVectors.vector(1))).linear(), "pq tables are not linear in the bits");
            for (int q = 0; q < 15; q++) {
                float[] query = TestVectors.vector(8_000_000 + q);
                for (int threads : new int[] {1, 3}) {
                    CollectionTest.assertSame(CollectionTest.asymReference(codes, inv, pq, query, 10), order,
                            c.search(SearchRequest.of(query, 10).mode(SearchMode.ASYMMETRIC).threads(threads)));
                    CollectionTest.assertSame(HammingSearch.topK(codes, pq.encode(query), 10), order,
                            c.search(SearchRequest.of(query, 10).mode(SearchMode.HAMMING).threads(threads)));
                }
                List<Doc> even = order.stream().filter(d -> d.metadataJson().contains("even")).toList();
                PackedCodes ec = pq.encodeAll(TestDocs.vectors(even));
                CollectionTest.assertSame(CollectionTest.asymReference(ec, pq.inverseNorms(ec), pq, query, 7), even,
                        c.search(SearchRequest.of(query, 7).mode(SearchMode.ASYMMETRIC).filter("parity", "even")));
            }
            List<Hit> before = c.search(SearchRequest.of(TestVectors.vector(5), 10).mode(SearchMode.ASYMMETRIC));
            c.compact();
            assertEquals(before, c.search(SearchRequest.of(TestVectors.vector(5), 10).mode(SearchMode.ASYMMETRIC)));
        }
        // reopened: the encoder comes back from the collection's own file and answers the same
        try (Collection c = Collection.open(dir)) {
            assertEquals("pq", c.encoder().kind());
            PackedCodes codes = pq.encodeAll(TestDocs.vectors(order));
            float[] query = TestVectors.vector(8_000_001);
            CollectionTest.assertSame(CollectionTest.asymReference(codes, pq.inverseNorms(codes), pq, query, 10), order,
                    c.search(SearchRequest.of(query, 10).mode(SearchMode.ASYMMETRIC)));
        }
    }

    @Test
    void codesFindTheFloatNeighboursAndRerankingRecoversThem() throws IOException {
        try (Collection c = Collection.create(tmp.resolve("f"), pq, CollectionOptions.defaults().withFloats(FloatFormat.F32))) {
            Map<String, Doc> live = new HashMap<>();
            List<Doc> order = TestDocs.populate(c, live, 12, 15);
            FloatMatrix db = TestDocs.vectors(order);
            double asym = 0;
            double ham = 0;
            double reranked = 0;
            int nq = 30;
            for (int q = 0; q < nq; q++) {
                float[] query = TestVectors.vector(7_000_000 + q);
                TopK exact = FloatSearch.topK(db, query, 10);
                Set<String> want = new HashSet<>();
                for (int id : exact.ids()) {
                    want.add(order.get(id).id());
                }
                asym += overlap(want, c.search(SearchRequest.of(query, 10).mode(SearchMode.ASYMMETRIC).oversample(1)));
                ham += overlap(want, c.search(SearchRequest.of(query, 10).mode(SearchMode.HAMMING).oversample(1)));
                reranked += overlap(want, c.search(SearchRequest.of(query, 10).oversample(10)));
            }
            // 1,020 documents: a random top 10 would recall about 1%
            assertTrue(asym / nq > 0.4, "asymmetric recall@10 " + asym / nq);
            // polysemous Hamming is coarse (measured 0.097 here): the bound only says it is far from random
            assertTrue(ham / nq > 0.05, "Hamming (polysemous) recall@10 " + ham / nq);
            assertTrue(asym > ham, "asymmetric " + asym / nq + " should beat Hamming " + ham / nq);
            assertTrue(reranked / nq > 0.9, "re-ranked (top 100 by codes) recall@10 " + reranked / nq);
        }
    }

    private static double overlap(Set<String> want, List<Hit> hits) {
        int n = 0;
        for (Hit h : hits) {
            n += want.contains(h.id()) ? 1 : 0;
        }
        return n / 10.0;
    }
}
