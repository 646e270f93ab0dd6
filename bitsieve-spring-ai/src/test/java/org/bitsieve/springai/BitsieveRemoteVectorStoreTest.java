package org.bitsieve.springai;

import org.bitsieve.server.RemoteServer;
import org.bitsieve.springai.autoconfigure.BitsieveVectorStoreAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.DocumentMetadata;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.test.vectorstore.BaseVectorStoreTests;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The remote store against a real bitsieve server on loopback, auto-configured by {@code url}: Spring AI's
 * {@link BaseVectorStoreTests} unmodified, plus add / search / filters / threshold / scores and bad input.
 */
class BitsieveRemoteVectorStoreTest extends BaseVectorStoreTests {
    private final List<Document> documents = List.of(
            new Document(TestModels.text("spring.ai.txt"), Map.of("meta1", "meta1")),
            new Document(TestModels.text("time.shelter.txt")),
            new Document(TestModels.text("great.depression.txt"), Map.of("meta2", "meta2")));

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BitsieveVectorStoreAutoConfiguration.class))
                .withBean(EmbeddingModel.class, TestModels::shared)
                .withPropertyValues("spring.ai.vectorstore.bitsieve.url=" + RemoteServer.url(),
                        "spring.ai.vectorstore.bitsieve.api-key=" + RemoteServer.KEY,
                        "spring.ai.vectorstore.bitsieve.collection-name=" + RemoteServer.freshCollection("spring"));
    }

    @Override
    protected void executeTest(Consumer<VectorStore> testFunction) {
        contextRunner().run(context -> {
            assertThat(context.getBeansOfType(BitsieveVectorStore.class)).isEmpty();
            testFunction.accept(context.getBean(BitsieveRemoteVectorStore.class));
        });
    }

    @Test
    void addSearchFilterThresholdAndScores() {
        executeTest(store -> {
            store.add(documents);
            List<Document> results = store.similaritySearch(SearchRequest.builder().query("What is Great Depression").topK(1).build());
            assertThat(results).extracting(Document::getId).containsExactly(documents.get(2).getId());
            assertThat(results.get(0).getMetadata()).containsKeys("meta2", DocumentMetadata.DISTANCE.value());

            List<Document> all = store.similaritySearch(SearchRequest.builder().query("Time Shelter").topK(5).similarityThresholdAll().build());
            assertThat(all).hasSize(3);
            float[] q = TestModels.shared().embed("Time Shelter");
            for (Document d : all) {
                double cos = TestModels.cosine(q, TestModels.shared().embed(d.getText()));
                assertThat(d.getScore()).isCloseTo(cos, within(Math.abs(cos) * 0.01));
            }
            double threshold = (all.get(0).getScore() + all.get(1).getScore()) / 2;
            assertThat(store.similaritySearch(SearchRequest.builder().query("Time Shelter").topK(5).similarityThreshold(threshold).build()))
                    .extracting(Document::getId).containsExactly(documents.get(1).getId());

            FilterExpressionBuilder b = new FilterExpressionBuilder();
            assertThat(store.similaritySearch(SearchRequest.builder().query("x").topK(5).similarityThresholdAll()
                    .filterExpression(b.eq("meta1", "meta1").build()).build())).extracting(Document::getId).containsExactly(documents.get(0).getId());
            assertThat(store.similaritySearch(SearchRequest.builder().query("Time Shelter").topK(5).similarityThresholdAll()
                    .filterExpression("meta2 nin ['meta2']").build())).extracting(Document::getId)
                    .containsExactlyInAnyOrder(documents.get(0).getId(), documents.get(1).getId());
        });
    }

    @Test
    void badInputIsAnErrorAndWritesNothing() {
        executeTest(store -> {
            store.add(List.of(new Document("a", "The World is Big", Map.of("year", 2020)), new Document("b", "Salvation Lurks", Map.of("year", 2023))));
            assertThatThrownBy(() -> store.delete("year == 'x'")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("year");
            assertThatThrownBy(() -> store.similaritySearch(SearchRequest.builder().query("World").filterExpression("year > 'x'").build()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.delete("year == true")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("year");
            assertThatThrownBy(() -> store.delete("year is null")).isInstanceOf(UnsupportedOperationException.class);
            store.delete(List.of("no-such-id"));
            assertThat(store.similaritySearch(SearchRequest.builder().query("World").topK(5).similarityThresholdAll().build())).hasSize(2);
        });
    }

    @Test
    void aMissingCollectionFailsWhenCreateIfMissingIsOff() {
        contextRunner().withPropertyValues("spring.ai.vectorstore.bitsieve.create-if-missing=false").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("create-if-missing is off");
        });
    }
}
