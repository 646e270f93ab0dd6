package org.bitsieve.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.store.filter.MetaFilter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.bitsieve.store.filter.MetaFilter.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaFilterTest {
    static Encoder enc;

    @BeforeAll
    static void fit() { enc = TestVectors.encoder("pcaq", 64); }

    private static final UUID U = UUID.fromString("11111111-2222-3333-4444-555555555555");
    private static final String META = "{\"s\":\"apple pie\",\"i\":7,\"l\":1746714878034235396,\"f\":0.1,\"d\":2.5,\"u\":\"" + U + "\"}";

    private static JsonNode m() throws Exception { return new ObjectMapper().readTree(META); }

    @Test
    void comparisonsOnEveryType() throws Exception {
        JsonNode m = m();
        assertTrue(eq("s", "apple pie").test(m));
        assertFalse(eq("s", "apple").test(m));
        assertTrue(ne("s", "apple").test(m));
        assertTrue(eq("i", 7).test(m) && eq("i", 7L).test(m) && eq("i", 7.0).test(m));
        assertTrue(eq("l", 1746714878034235396L).test(m));
        assertFalse(eq("l", 1746714878034235397L).test(m), "longs compare exactly, not through double");
        assertTrue(eq("f", 0.1f).test(m), "0.1f equals the 0.1 it was written as");
        assertTrue(gt("d", 2.4).test(m) && gte("d", 2.5).test(m) && !gt("d", 2.5).test(m));
        assertTrue(lt("i", 8).test(m) && lte("i", 7).test(m) && !lt("i", 7).test(m));
        assertTrue(eq("u", U).test(m));
        assertTrue(gt("s", "apple").test(m), "strings order lexicographically");
        assertTrue(in("i", List.of(1, 7)).test(m) && !in("i", List.of(1, 2)).test(m));
        assertTrue(notIn("s", List.of("x", "y")).test(m) && !notIn("s", List.of("apple pie")).test(m));
        assertTrue(contains("s", "le p").test(m) && !contains("s", "pear").test(m));
        assertTrue(new And(eq("i", 7), eq("s", "apple pie")).test(m));
        assertFalse(new And(eq("i", 7), eq("s", "x")).test(m));
        assertTrue(new Or(eq("i", 8), eq("s", "apple pie")).test(m));
        assertTrue(new Not(eq("i", 8)).test(m));
    }

    @Test
    void missingFieldsFailPositiveTestsAndPassNegativeOnes() throws Exception {
        JsonNode m = m();
        assertFalse(eq("zz", 1).test(m) || gt("zz", 1).test(m) || lt("zz", 1).test(m) || in("zz", List.of(1)).test(m)
                || contains("zz", "a").test(m));
        assertTrue(ne("zz", 1).test(m) && notIn("zz", List.of(1)).test(m));
        assertFalse(eq("i", 7).test((JsonNode) null), "a document without metadata");
    }

    @Test
    void typeMismatchesAreErrors() throws Exception {
        JsonNode m = m();
        assertThrows(IllegalArgumentException.class, () -> eq("s", 1).test(m));
        assertThrows(IllegalArgumentException.class, () -> eq("i", "7").test(m));
        assertThrows(IllegalArgumentException.class, () -> contains("i", "7").test(m));
        assertThrows(IllegalArgumentException.class, () -> eq("s", U).test(m));
        assertThrows(IllegalArgumentException.class, () -> eq("s", true).test(m), "a boolean against a string field");
        assertThrows(IllegalArgumentException.class, () -> eq("s", new Object()));
        assertThrows(IllegalArgumentException.class, () -> eq("s", null));
        assertThrows(IllegalArgumentException.class, () -> eq(" ", 1));
        assertThrows(IllegalArgumentException.class, () -> in("s", List.of()));
        assertThrows(IllegalArgumentException.class, () -> eq("d", Double.NaN));
    }

    /** Filtered top-k equals an unfiltered search over everything, filtered afterwards (same scores, same ties). */
    @Test
    void filteredTopKEqualsFilterAfterSearch(@TempDir Path dir) throws Exception {
        int n = 3000;
        try (Collection c = Collection.create(dir.resolve("c"), enc, new CollectionOptions(FloatFormat.F16, 1000))) {
            List<Doc> docs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                docs.add(new Doc("d" + i, TestVectors.vector(i), "t", "{\"n\":" + i + ",\"p\":\"" + (i % 3 == 0 ? "three" : "other") + "\"}"));
            }
            c.add(docs);
            c.delete(List.of("d3", "d6"));
            MetaFilter f = new Or(new And(lt("n", 1500), eq("p", "three")), in("n", List.of(2001, 2002, 2999)));
            for (SearchMode mode : SearchMode.values()) {
                for (int q = 0; q < 5; q++) {
                    SearchRequest all = SearchRequest.of(TestVectors.vector(900_000 + q), n).mode(mode);
                    List<Hit> expected = new ArrayList<>();
                    for (Hit h : c.search(all)) {
                        if (f.testJson(h.metadataJson()) && expected.size() < 10) {
                            expected.add(h);
                        }
                    }
                    List<Hit> got = c.search(all.k(10).where(f));
                    assertEquals(ids(expected), ids(got), mode + " query " + q);
                }
            }
            assertThrows(IllegalArgumentException.class, () -> c.search(SearchRequest.of(TestVectors.vector(1), 5).where(eq("p", 3))));
        }
    }

    /** The scan reads cached per-field columns: documents added after a filtered search must still be found. */
    @Test
    void columnsFollowAGrowingMemtable(@TempDir Path dir) throws Exception {
        try (Collection c = Collection.create(dir.resolve("c"), enc, new CollectionOptions(FloatFormat.NONE, 1000))) {
            c.add(List.of(new Doc("a", TestVectors.vector(1), "t", "{\"g\":1}")));
            SearchRequest q = SearchRequest.of(TestVectors.vector(2), 5).where(eq("g", 2));
            assertEquals(List.of(), ids(c.search(q)));
            c.add(List.of(new Doc("b", TestVectors.vector(2), "t", "{\"g\":2}")));
            assertEquals(List.of("b"), ids(c.search(q)));
            c.upsert(List.of(new Doc("b", TestVectors.vector(2), "t", "{\"g\":3}")));
            assertEquals(List.of(), ids(c.search(q)), "the replaced row is deleted, the new one does not match");
        }
    }

    @Test
    void deleteWhereDeletesMatchesOnlyAndNothingOnError(@TempDir Path dir) throws Exception {
        try (Collection c = Collection.create(dir.resolve("c"), enc, new CollectionOptions(FloatFormat.NONE, 1000))) {
            List<Doc> docs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                docs.add(new Doc("d" + i, TestVectors.vector(i), "t", i == 99 ? "{\"m\":\"text\"}" : "{\"n\":" + i + "}"));
            }
            c.add(docs);
            assertThrows(IllegalArgumentException.class, () -> c.deleteWhere(new Or(lt("n", 10), lt("m", 1))), "d99 holds a string in m");
            assertEquals(100, c.count(), "a failed filter deletes nothing");
            assertEquals(10, c.deleteWhere(new And(gte("n", 0), lt("n", 10))) );
            assertEquals(90, c.count());
            assertEquals(0, c.deleteWhere(eq("n", -1)));
        }
    }

    @Test
    void jsonFormParsesRoundTripsAndNamesErrors() throws Exception {
        JsonNode m = m();
        MetaFilter f = org.bitsieve.store.filter.MetaFilterJson.parse("""
                {"and": [{"field": "i", "op": "gte", "value": 7},
                         {"or": [{"field": "s", "contains": "pie"}, {"field": "d", "in": [1, 2.5]}]},
                         {"not": {"field": "u", "notIn": ["%s"]}}]}""".formatted(U));
        assertTrue(f.test(m));
        MetaFilter back = org.bitsieve.store.filter.MetaFilterJson.parse(org.bitsieve.store.filter.MetaFilterJson.toJson(f));
        assertEquals(org.bitsieve.store.filter.MetaFilterJson.toJson(f), org.bitsieve.store.filter.MetaFilterJson.toJson(back));
        assertTrue(back.test(m));
        assertFalse(org.bitsieve.store.filter.MetaFilterJson.parse("{\"field\":\"f\",\"op\":\"gt\",\"value\":0.1}").test(m));
        for (String bad : List.of("[]", "{}", "{\"field\":\"a\",\"op\":\"like\",\"value\":1}",
                "{\"field\":\"a\",\"op\":\"eq\",\"value\":null}", "{\"field\":\"a\",\"in\":[]}",
                "{\"and\":[{\"field\":\"a\",\"op\":\"eq\",\"value\":1}]}", "{\"field\":\"a\",\"contains\":3}",
                "{\"field\":\"a\",\"op\":\"eq\",\"value\":1,\"extra\":2}", "{\"not\":[]}", "{nope")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> org.bitsieve.store.filter.MetaFilterJson.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("filter"), e.getMessage());
        }
    }

    private static List<String> ids(List<Hit> hs) { return hs.stream().map(Hit::id).toList(); }
}
