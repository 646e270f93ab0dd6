package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.store.filter.MetaFilter;
import org.bitsieve.store.filter.MetaFilterText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The filter bitsets ({@link FilterBits}): searches through them (sparse and dense) equal an exact search filtered
 * afterwards, and equal the per-candidate filter, over segments, the memtable and deletions, in both modes.
 */
class FilterBitsTest {
    static Encoder enc;

    @BeforeAll
    static void fit() { enc = TestVectors.encoder("pcaq", 64); }

    @AfterEach
    void restore() { System.clearProperty(FilterBits.PROPERTY); }

    private static final List<String> FILTERS = List.of(
            "tenant == 42",                                  // 1%: sparse
            "tenant in [1, 2, 3] && kind != 'k3'",           // ~2.6%: sparse
            "kind == 'k3'",                                  // ~14%: dense, a bit test per candidate
            "!(tenant < 50) || name contains '7'",           // most rows
            "tenant == 1000");                               // none

    @Test
    void equalsExactSearchFilteredAfterwardsAndThePerCandidateFilter(@TempDir Path dir) throws Exception {
        int n = 7000;
        try (Collection c = Collection.create(dir.resolve("c"), enc, new CollectionOptions(FloatFormat.NONE, 2000))) {
            List<Doc> docs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                docs.add(new Doc("d" + i, TestVectors.vector(i), "t",
                        "{\"tenant\":" + (i % 100) + ",\"kind\":\"k" + (i % 7) + "\",\"name\":\"n" + i + "\"}"));
            }
            c.add(docs); // 3 segments of 2000 and 1000 rows in the memtable
            List<String> gone = new ArrayList<>();
            for (int i = 42; i < n; i += 300) {
                gone.add("d" + i);
            }
            c.delete(gone);
            for (String text : FILTERS) {
                MetaFilter f = MetaFilterText.parse(text);
                for (SearchMode mode : SearchMode.values()) {
                    for (int q = 0; q < 2; q++) {
                        SearchRequest all = SearchRequest.of(TestVectors.vector(500_000 + q), n).mode(mode);
                        List<Hit> expected = new ArrayList<>();
                        for (Hit h : c.search(all)) {
                            if (f.testJson(h.metadataJson()) && expected.size() < 10) {
                                expected.add(h);
                            }
                        }
                        SearchRequest filtered = all.k(10).where(f);
                        List<Hit> got = c.search(filtered);
                        assertEquals(hits(expected), hits(got), text + ", " + mode + ", query " + q);
                        System.setProperty(FilterBits.PROPERTY, "false");
                        assertEquals(hits(got), hits(c.search(filtered)), "per-candidate filter: " + text);
                        System.clearProperty(FilterBits.PROPERTY);
                        assertEquals(hits(got), hits(c.searchBatch(List.of(filtered, all.k(3))).get(0)), "in a batch: " + text);
                    }
                }
            }
        }
    }

    @Test
    void followsAGrowingMemtableAndFallsBackOnTypeMismatches(@TempDir Path dir) throws Exception {
        try (Collection c = Collection.create(dir.resolve("c"), enc, new CollectionOptions(FloatFormat.NONE, 1000))) {
            List<Doc> docs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                docs.add(new Doc("d" + i, TestVectors.vector(i), "t", "{\"g\":" + (i % 50) + "}"));
            }
            c.add(docs);
            SearchRequest q = SearchRequest.of(TestVectors.vector(7), 10).where(MetaFilter.eq("g", 7));
            assertEquals(4, c.search(q).size());
            c.add(List.of(new Doc("late", TestVectors.vector(7), "t", "{\"g\":7}")));
            assertEquals(List.of("d7", "late"), c.search(q).stream().limit(2).map(Hit::id).toList(),
                    "a row added after the bitset was built is found (tied with d7, the older row first)");
            // one document holds a string where the others hold numbers: no bitset, the filter is asked per candidate
            c.add(List.of(new Doc("odd", TestVectors.vector(100_000), "t", "{\"g\":\"seven\"}")));
            assertEquals(List.of("d7", "late"), c.search(q.k(2)).stream().map(Hit::id).toList(),
                    "the odd document never beats the best two, so it is not asked: no error, as before");
            MemTable m = null;
            for (View v : c.snapshot().views()) {
                if (v.part() instanceof MemTable mt) {
                    m = mt;
                }
            }
            assertNotNull(m);
            assertNull(FilterBits.of(m, MetaFilter.eq("g", 7), 203), "not indexable");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.search(SearchRequest.of(TestVectors.vector(100_000), 3).where(MetaFilter.eq("g", 7))));
            assertTrue(e.getMessage().contains("type mismatch"), e.getMessage());
        }
    }

    private static List<String> hits(List<Hit> hs) {
        return hs.stream().map(h -> h.id() + "@" + h.score()).toList();
    }
}
