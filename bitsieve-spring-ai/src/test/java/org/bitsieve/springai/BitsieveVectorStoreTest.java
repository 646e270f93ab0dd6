package org.bitsieve.springai;

import org.bitsieve.springai.autoconfigure.BitsieveVectorStoreAutoConfiguration;
import org.bitsieve.store.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.DocumentMetadata;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.test.vectorstore.BaseVectorStoreTests;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;
import org.springframework.ai.vectorstore.filter.FilterExpressionTextParser;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The store tested the way Spring AI tests its stores: Spring AI's own {@link BaseVectorStoreTests} (delete by
 * id, by filter, by filter text), plus the scenarios of its {@code PgVectorStoreIT} (add and search, in / not in
 * filters, filter expressions in text and builder form, update by id, similarity threshold, native client), each
 * in a fresh application context built by the auto-configuration over a collection in a temp dir, with the
 * real bundled all-MiniLM-L6-v2.
 */
class BitsieveVectorStoreTest extends BaseVectorStoreTests {
    @TempDir
    Path dir;

    private final List<Document> documents = List.of(
            new Document(TestModels.text("spring.ai.txt"), Map.of("meta1", "meta1")),
            new Document(TestModels.text("time.shelter.txt")),
            new Document(TestModels.text("great.depression.txt"), Map.of("meta2", "meta2")));

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BitsieveVectorStoreAutoConfiguration.class))
                .withBean(EmbeddingModel.class, TestModels::shared)
                .withPropertyValues("spring.ai.vectorstore.bitsieve.path=" + dir);
    }

    @Override
    protected void executeTest(Consumer<VectorStore> testFunction) {
        contextRunner().run(context -> testFunction.accept(context.getBean(VectorStore.class)));
    }

    static Stream<Arguments> provideFilters() {
        return Stream.of(Arguments.of("country in ['BG','NL']", 3),
                Arguments.of("year in [2020]", 1),
                Arguments.of("country not in ['BG']", 1),
                Arguments.of("year not in [2020]", 2));
    }

    private static boolean isSortedBySimilarity(List<Document> docs) {
        for (int i = 1; i < docs.size(); i++) {
            if (docs.get(i - 1).getScore() < docs.get(i).getScore()) {
                return false;
            }
        }
        return true;
    }

    @Test
    void addAndSearch() {
        executeTest(vectorStore -> {
            vectorStore.add(documents);
            List<Document> results = vectorStore.similaritySearch(SearchRequest.builder().query("What is Great Depression").topK(1).build());
            assertThat(results).hasSize(1);
            Document resultDoc = results.get(0);
            assertThat(resultDoc.getId()).isEqualTo(documents.get(2).getId());
            assertThat(resultDoc.getText()).isEqualTo(documents.get(2).getText());
            assertThat(resultDoc.getMetadata()).containsKeys("meta2", DocumentMetadata.DISTANCE.value());

            vectorStore.delete(documents.stream().map(Document::getId).toList());
            assertThat(vectorStore.similaritySearch(SearchRequest.builder().query("Great Depression").topK(1).build())).isEmpty();
        });
    }

    @ParameterizedTest(name = "Filter expression {0} should return {1} records ")
    @MethodSource("provideFilters")
    void searchWithInFilter(String expression, Integer expectedRecords) {
        executeTest(vectorStore -> {
            vectorStore.add(worldDocuments());
            List<Document> results = vectorStore.similaritySearch(SearchRequest.builder().query("The World")
                    .filterExpression(expression).topK(5).similarityThresholdAll().build());
            assertThat(results).hasSize(expectedRecords);
        });
    }

    private static List<Document> worldDocuments() {
        return List.of(
                new Document("The World is Big and Salvation Lurks Around the Corner", Map.of("country", "BG", "year", 2020, "foo bar 1", "bar.foo")),
                new Document("The World is Big and Salvation Lurks Around the Corner", Map.of("country", "NL")),
                new Document("The World is Big and Salvation Lurks Around the Corner", Map.of("country", "BG", "year", 2023)));
    }

    @Test
    void searchWithFilters() {
        executeTest(vectorStore -> {
            List<Document> docs = worldDocuments();
            Document bgDocument = docs.get(0);
            Document nlDocument = docs.get(1);
            Document bgDocument2 = docs.get(2);
            vectorStore.add(docs);

            SearchRequest searchRequest = SearchRequest.builder().query("The World").topK(5).similarityThresholdAll().build();
            assertThat(vectorStore.similaritySearch(searchRequest)).hasSize(3);

            List<Document> results = vectorStore.similaritySearch(SearchRequest.from(searchRequest).filterExpression("country == 'NL'").build());
            assertThat(results).extracting(Document::getId).containsExactly(nlDocument.getId());

            results = vectorStore.similaritySearch(SearchRequest.from(searchRequest).filterExpression("country == 'BG'").build());
            assertThat(results).extracting(Document::getId).containsExactlyInAnyOrder(bgDocument.getId(), bgDocument2.getId());

            results = vectorStore.similaritySearch(SearchRequest.from(searchRequest).filterExpression("country == 'BG' && year == 2020").build());
            assertThat(results).extracting(Document::getId).containsExactly(bgDocument.getId());

            results = vectorStore.similaritySearch(SearchRequest.from(searchRequest)
                    .filterExpression("(country == 'BG' && year == 2020) || (country == 'NL')").build());
            assertThat(results).extracting(Document::getId).containsExactlyInAnyOrder(bgDocument.getId(), nlDocument.getId());

            results = vectorStore.similaritySearch(SearchRequest.from(searchRequest)
                    .filterExpression("NOT((country == 'BG' && year == 2020) || (country == 'NL'))").build());
            assertThat(results).extracting(Document::getId).containsExactly(bgDocument2.getId());

            results = vectorStore.similaritySearch(SearchRequest.from(searchRequest).filterExpression("\"foo bar 1\" == 'bar.foo'").build());
            assertThat(results).extracting(Document::getId).containsExactly(bgDocument.getId());

            // the builder form of the same filters
            FilterExpressionBuilder b = new FilterExpressionBuilder();
            results = vectorStore.similaritySearch(SearchRequest.from(searchRequest)
                    .filterExpression(b.and(b.eq("country", "BG"), b.gte("year", 2021)).build()).build());
            assertThat(results).extracting(Document::getId).containsExactly(bgDocument2.getId());
            results = vectorStore.similaritySearch(SearchRequest.from(searchRequest)
                    .filterExpression(b.or(b.lt("year", 2021), b.nin("country", "BG")).build()).build());
            assertThat(results).extracting(Document::getId).containsExactlyInAnyOrder(bgDocument.getId(), nlDocument.getId());
            results = vectorStore.similaritySearch(SearchRequest.from(searchRequest)
                    .filterExpression(b.not(b.group(b.or(b.ne("country", "BG"), b.lte("year", 2020)))).build()).build());
            assertThat(results).extracting(Document::getId).containsExactly(bgDocument2.getId());
            results = vectorStore.similaritySearch(SearchRequest.from(searchRequest)
                    .filterExpression(b.and(b.in("country", "BG", "NL"), b.gt("year", 2020.5)).build()).build());
            assertThat(results).extracting(Document::getId).containsExactly(bgDocument2.getId());

            assertThatExceptionOfType(FilterExpressionTextParser.FilterExpressionParseException.class)
                    .isThrownBy(() -> vectorStore.similaritySearch(SearchRequest.from(searchRequest).filterExpression("country == NL").build()))
                    .withMessageContaining("Line: 1:17, Error: no viable alternative at input 'NL'");
        });
    }

    @Test
    void searchWithBooleanFilter() {
        executeTest(vectorStore -> {
            Document open = new Document("The shop on the corner is open late.", Map.of("isOpen", true, "city", "Sofia"));
            Document closed = new Document("The shop by the river is closed on Sundays.", Map.of("isOpen", false, "city", "Varna"));
            vectorStore.add(List.of(open, closed));
            SearchRequest all = SearchRequest.builder().query("shop").topK(5).similarityThresholdAll().build();
            assertThat(vectorStore.similaritySearch(SearchRequest.from(all).filterExpression("isOpen == true").build()))
                    .extracting(Document::getId).containsExactly(open.getId());
            assertThat(vectorStore.similaritySearch(SearchRequest.from(all).filterExpression(new FilterExpressionBuilder()
                    .and(new FilterExpressionBuilder().ne("isOpen", true), new FilterExpressionBuilder().eq("city", "Varna")).build()).build()))
                    .extracting(Document::getId).containsExactly(closed.getId());
            assertThat(vectorStore.similaritySearch(SearchRequest.from(all).filterExpression("isOpen == true").build()).get(0).getMetadata())
                    .containsEntry("isOpen", true);
            vectorStore.delete("isOpen == false");
            assertThat(vectorStore.similaritySearch(all)).extracting(Document::getId).containsExactly(open.getId());
        });
    }

    @Test
    void documentUpdate() {
        executeTest(vectorStore -> {
            Document document = new Document(UUID.randomUUID().toString(), "Spring AI rocks!!", Collections.singletonMap("meta1", "meta1"));
            vectorStore.add(List.of(document));
            List<Document> results = vectorStore.similaritySearch(SearchRequest.builder().query("Spring").topK(5).build());
            assertThat(results).hasSize(1);
            assertThat(results.get(0).getId()).isEqualTo(document.getId());
            assertThat(results.get(0).getText()).isEqualTo("Spring AI rocks!!");
            assertThat(results.get(0).getMetadata()).containsKeys("meta1", DocumentMetadata.DISTANCE.value());

            Document sameIdDocument = new Document(document.getId(), "The World is Big and Salvation Lurks Around the Corner",
                    Collections.singletonMap("meta2", "meta2"));
            vectorStore.add(List.of(sameIdDocument));
            results = vectorStore.similaritySearch(SearchRequest.builder().query("FooBar").topK(5).similarityThresholdAll().build());
            assertThat(results).hasSize(1);
            assertThat(results.get(0).getId()).isEqualTo(document.getId());
            assertThat(results.get(0).getText()).isEqualTo("The World is Big and Salvation Lurks Around the Corner");
            assertThat(results.get(0).getMetadata()).containsKeys("meta2", DocumentMetadata.DISTANCE.value()).doesNotContainKey("meta1");
        });
    }

    @Test
    void searchWithThreshold() {
        executeTest(vectorStore -> {
            vectorStore.add(documents);
            List<Document> fullResult = vectorStore.similaritySearch(SearchRequest.builder().query("Time Shelter").topK(5).similarityThresholdAll().build());
            assertThat(fullResult).hasSize(3);
            assertThat(isSortedBySimilarity(fullResult)).isTrue();
            List<Double> scores = fullResult.stream().map(Document::getScore).toList();
            double similarityThreshold = (scores.get(0) + scores.get(1)) / 2;

            List<Document> results = vectorStore.similaritySearch(SearchRequest.builder().query("Time Shelter").topK(5)
                    .similarityThreshold(similarityThreshold).build());
            assertThat(results).hasSize(1);
            assertThat(results.get(0).getId()).isEqualTo(documents.get(1).getId());
            assertThat(results.get(0).getScore()).isGreaterThanOrEqualTo(similarityThreshold);
        });
    }

    @Test
    void persistsAcrossApplicationContexts() {
        // the first context's close (Spring infers close() on the bean) releases the collection for the second
        executeTest(vectorStore -> vectorStore.add(documents));
        executeTest(vectorStore -> {
            List<Document> results = vectorStore.similaritySearch(SearchRequest.builder().query("What is Great Depression").topK(3).build());
            assertThat(results).extracting(Document::getId).contains(documents.get(2).getId());
            assertThat(results.get(0).getId()).isEqualTo(documents.get(2).getId());
            assertThat(results.get(0).getMetadata()).containsEntry("meta2", "meta2");
            vectorStore.delete(List.of(documents.get(2).getId()));
        });
        executeTest(vectorStore -> {
            BitsieveVectorStore store = (BitsieveVectorStore) vectorStore;
            assertThat(store.count()).isEqualTo(2);
            assertThat(store.collection().get(documents.get(2).getId())).isNull();
            assertThat(store.collection().get(documents.get(1).getId()).text()).isEqualTo(documents.get(1).getText());
        });
    }

    @Test
    void getNativeClientTest() {
        contextRunner().run(context -> {
            BitsieveVectorStore vectorStore = context.getBean(BitsieveVectorStore.class);
            Optional<Collection> nativeClient = vectorStore.getNativeClient();
            assertThat(nativeClient).isPresent();
            assertThat(nativeClient.get().dir()).isEqualTo(dir.resolve("vector_store"));
        });
    }
}
