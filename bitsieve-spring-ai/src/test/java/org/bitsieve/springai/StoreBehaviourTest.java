package org.bitsieve.springai;

import org.bitsieve.core.io.fuzz.FuzzLoop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.SimpleVectorStore;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * What the store promises beyond Spring AI's suites: scores are the float cosine (as {@link SimpleVectorStore}
 * reports it) within 1%, also on the approximate path; a reopened collection answers as before; filters select
 * exactly the documents a plain evaluation of the expression selects (random expressions, plain JUnit loop).
 * Real model (the bundled all-MiniLM-L6-v2), real files in a temp dir.
 */
class StoreBehaviourTest {
    private static final EmbeddingModel MODEL = TestModels.shared();
    private static final List<String> SOURCES = List.of("spring.ai.txt", "time.shelter.txt", "great.depression.txt");
    private static final String[] QUERIES = {"What is Great Depression?", "Time Shelter", "portable AI abstractions",
            "unemployment and bank failures", "a clinic for the past"};
    private static List<Document> docs;

    @TempDir
    static Path dir;
    private static BitsieveVectorStore store;

    /** The sentences of Spring AI's three test texts, each with typed metadata to filter on. */
    @BeforeAll
    static void setUp() {
        docs = new ArrayList<>();
        String[] tags = {"alpha", "beta", "gamma", "delta"};
        for (String src : SOURCES) {
            for (String s : TestModels.text(src).split("(?<=[.!?])\\s+")) {
                if (s.strip().length() <= 20) {
                    continue;
                }
                int n = docs.size();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("source", src.substring(0, src.indexOf('.')));
                m.put("n", n);
                m.put("weight", n * 0.5);
                m.put("tag", tags[n % tags.length]);
                docs.add(new Document("doc-" + n, s.strip(), m));
            }
        }
        store = BitsieveVectorStore.builder(MODEL).directory(dir.resolve("kb")).build();
        store.add(docs);
    }

    @AfterAll
    static void tearDown() {
        store.close();
    }

    @Test
    void scoresAreTheFloatCosineAsSimpleVectorStoreReportsThem() {
        SimpleVectorStore simple = SimpleVectorStore.builder(MODEL).build();
        simple.add(docs);
        Map<String, String> text = docs.stream().collect(Collectors.toMap(Document::getId, Document::getText));
        for (String q : QUERIES) {
            float[] qv = MODEL.embed(q);
            SearchRequest req = SearchRequest.builder().query(q).topK(5).build();
            List<Document> ours = store.similaritySearch(req);
            List<Document> theirs = simple.similaritySearch(req);
            assertThat(ours).hasSize(5);
            assertThat(ours).extracting(Document::getId).isEqualTo(theirs.stream().map(Document::getId).toList());
            for (int i = 0; i < ours.size(); i++) {
                Document d = ours.get(i);
                double cos = TestModels.cosine(qv, MODEL.embed(text.get(d.getId())));
                assertThat(d.getScore()).as("score of %s for '%s'", d.getId(), q).isCloseTo(cos, within(Math.abs(cos) * 0.01));
                assertThat(d.getScore()).isCloseTo(theirs.get(i).getScore(), within(1e-5));
                assertThat(((Number) d.getMetadata().get("distance")).doubleValue()).isCloseTo(1 - d.getScore(), within(1e-6));
            }
        }
    }

    @Test
    void approximatePathStillReportsExactCosines() {
        // exactBelow 0: only topK x oversample candidates from the bit codes are re-ranked, as in a large collection
        try (BitsieveVectorStore approx = BitsieveVectorStore.builder(MODEL).collection(store.collection()).exactBelow(0).oversample(3).build()) {
            for (String q : QUERIES) {
                float[] qv = MODEL.embed(q);
                List<Document> got = approx.similaritySearch(SearchRequest.builder().query(q).topK(3).build());
                assertThat(got).hasSize(3);
                for (Document d : got) {
                    double cos = TestModels.cosine(qv, MODEL.embed(d.getText()));
                    assertThat(d.getScore()).isCloseTo(cos, within(Math.abs(cos) * 0.01));
                }
                assertThat(got.get(0).getScore()).isGreaterThanOrEqualTo(got.get(1).getScore());
            }
        }
    }

    @Test
    void reopenedCollectionAnswersAsBefore() {
        Path kb = dir.resolve("reopen");
        SearchRequest req = SearchRequest.builder().query("economic downturn").topK(4).build();
        Map<String, Object> meta = new HashMap<>(Map.of("country", "BG", "year", 2023, "price", 19.5, "big", 1746714878034235396L,
                "tags", List.of("a", "b")));
        List<Document> before;
        try (BitsieveVectorStore s = BitsieveVectorStore.builder(MODEL).directory(kb).build()) {
            s.add(docs);
            s.add(List.of(new Document("typed", "An economic downturn with typed metadata.", meta)));
            s.delete(List.of("doc-0", "doc-1"));
            s.delete(new FilterExpressionBuilder().eq("tag", "gamma").build());
            before = s.similaritySearch(req);
        }
        try (BitsieveVectorStore s = BitsieveVectorStore.builder(MODEL).directory(kb).createIfMissing(false).build()) {
            int gammas = (int) docs.stream().filter(d -> d.getMetadata().get("tag").equals("gamma")).count();
            assertThat(s.count()).isEqualTo(docs.size() + 1 - 2 - gammas);
            List<Document> after = s.similaritySearch(req);
            assertThat(after).extracting(Document::getId).isEqualTo(before.stream().map(Document::getId).toList());
            assertThat(after).extracting(Document::getScore).isEqualTo(before.stream().map(Document::getScore).toList());
            Document typed = s.similaritySearch(SearchRequest.builder().query("economic downturn").topK(1)
                    .similarityThresholdAll().filterExpression("country == 'BG'").build()).get(0);
            assertThat(typed.getMetadata()).containsEntry("year", 2023).containsEntry("price", 19.5)
                    .containsEntry("big", 1746714878034235396L).containsEntry("tags", List.of("a", "b"));
            assertThat(s.collection().snapshot().count()).isEqualTo(s.count());
            assertThat(s.similaritySearch(SearchRequest.builder().query("economic downturn").topK(50)
                    .similarityThresholdAll().filterExpression("tag == 'gamma'").build())).isEmpty();
        }
    }

    @Test
    void filtersSelectWhatTheExpressionSays() {
        Map<String, float[]> vec = new HashMap<>();
        for (Document d : docs) {
            vec.put(d.getId(), MODEL.embed(d.getText()));
        }
        FuzzLoop.run("spring-ai filters", 150, r -> {
            Filter.Expression f = randomFilter(r, 3);
            String q = QUERIES[r.nextInt(QUERIES.length)];
            float[] qv = MODEL.embed(q);
            List<Document> got = store.similaritySearch(SearchRequest.builder().query(q).topK(docs.size()).similarityThresholdAll()
                    .filterExpression(f).build());
            Set<String> want = new HashSet<>();
            Set<String> borderline = new HashSet<>();
            for (Document d : docs) {
                if (matches(f, d.getMetadata())) {
                    double cos = TestModels.cosine(qv, vec.get(d.getId()));
                    if (Math.abs(cos) < 1e-4) {
                        borderline.add(d.getId()); // either side of the 0 threshold is right
                    } else if (cos >= 0) {
                        want.add(d.getId());
                    }
                }
            }
            Set<String> ids = got.stream().map(Document::getId).collect(Collectors.toSet());
            ids.removeAll(borderline);
            assertThat(ids).as("filter %s", f).isEqualTo(want);
        });
    }

    private static Filter.Expression randomFilter(Random r, int depth) {
        FilterExpressionBuilder b = new FilterExpressionBuilder();
        int kind = r.nextInt(depth > 0 ? 9 : 6);
        String[] sources = {"spring", "time", "great", "zzz"};
        String[] tags = {"alpha", "beta", "gamma", "delta", "omega"};
        return switch (kind) {
            case 0 -> b.eq("source", sources[r.nextInt(sources.length)]).build();
            case 1 -> b.ne("tag", tags[r.nextInt(tags.length)]).build();
            case 2 -> switch (r.nextInt(4)) {
                case 0 -> b.gt("n", r.nextInt(30)).build();
                case 1 -> b.gte("n", r.nextInt(30)).build();
                case 2 -> b.lt("weight", r.nextInt(30) * 0.5 + (r.nextBoolean() ? 0.25 : 0)).build();
                default -> b.lte("weight", r.nextInt(30) * 0.5).build();
            };
            case 3 -> b.in("tag", (Object[]) pick(r, tags)).build();
            case 4 -> b.nin("source", (Object[]) pick(r, sources)).build();
            case 5 -> b.lt("source", sources[r.nextInt(sources.length)]).build();
            case 6 -> b.and(new FilterExpressionBuilder.Op(randomFilter(r, depth - 1)), new FilterExpressionBuilder.Op(randomFilter(r, depth - 1))).build();
            case 7 -> b.or(new FilterExpressionBuilder.Op(randomFilter(r, depth - 1)), new FilterExpressionBuilder.Op(randomFilter(r, depth - 1))).build();
            default -> b.not(new FilterExpressionBuilder.Op(randomFilter(r, depth - 1))).build();
        };
    }

    private static String[] pick(Random r, String[] from) {
        List<String> out = new ArrayList<>();
        for (String s : from) {
            if (r.nextBoolean()) {
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            out.add(from[r.nextInt(from.length)]);
        }
        return out.toArray(String[]::new);
    }

    /** The reference: the expression evaluated directly on a document's metadata (every field present). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static boolean matches(Filter.Expression e, Map<String, Object> m) {
        return switch (e.type()) {
            case AND -> matches(expr(e.left()), m) && matches(expr(e.right()), m);
            case OR -> matches(expr(e.left()), m) || matches(expr(e.right()), m);
            case NOT -> !matches(expr(e.left()), m);
            case IN, NIN -> {
                Object v = m.get(((Filter.Key) e.left()).key());
                boolean in = ((List<?>) ((Filter.Value) e.right()).value()).stream().anyMatch(x -> compare(v, x) == 0);
                yield e.type() == Filter.ExpressionType.IN ? in : !in;
            }
            default -> {
                int c = compare(m.get(((Filter.Key) e.left()).key()), ((Filter.Value) e.right()).value());
                yield switch (e.type()) {
                    case EQ -> c == 0;
                    case NE -> c != 0;
                    case GT -> c > 0;
                    case GTE -> c >= 0;
                    case LT -> c < 0;
                    case LTE -> c <= 0;
                    default -> throw new AssertionError(e);
                };
            }
        };
    }

    private static Filter.Expression expr(Filter.Operand o) {
        return o instanceof Filter.Group g ? g.content() : (Filter.Expression) o;
    }

    private static int compare(Object stored, Object wanted) {
        if (stored instanceof Number a && wanted instanceof Number b) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        return ((String) stored).compareTo((String) wanted);
    }
}
