package org.bitsieve.springai.autoconfigure;

import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.bitsieve.springai.BitsieveEmbeddingModel;
import org.bitsieve.springai.BitsieveVectorStore;
import org.bitsieve.springai.HashEmbeddings;
import org.bitsieve.store.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.TokenCountBatchingStrategy;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.SimpleVectorStore;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.observation.DefaultVectorStoreObservationConvention;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationContext;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration, tested as Spring AI tests its store auto-configurations ({@code
 * PgVectorStoreAutoConfigurationIT}): an {@link ApplicationContextRunner} with only this auto-configuration, the
 * bundled model as the embedding model (no EmbeddingModel bean given), observations checked on a
 * {@link TestObservationRegistry}, the {@code spring.ai.vectorstore.type} switch, backing off for the
 * application's own beans, and the properties.
 */
class BitsieveVectorStoreAutoConfigurationTest {
    @TempDir
    Path dir;

    private ApplicationContextRunner contextRunner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BitsieveVectorStoreAutoConfiguration.class))
                .withUserConfiguration(Config.class)
                .withPropertyValues("spring.ai.vectorstore.bitsieve.path=" + dir);
    }

    private final List<Document> documents = List.of(
            new Document("Spring AI brings portable AI abstractions to Spring applications.", Map.of("spring", "great")),
            new Document("Time Shelter is a novel about a clinic for the past."),
            new Document("The Great Depression was a worldwide economic downturn in the 1930s.", Map.of("depression", "bad")));

    private static void assertObserved(TestObservationRegistry registry, VectorStoreObservationContext.Operation op) {
        TestObservationRegistryAssert.assertThat(registry)
                .doesNotHaveAnyRemainingCurrentObservation()
                .hasObservationWithNameEqualTo(DefaultVectorStoreObservationConvention.DEFAULT_NAME)
                .that()
                .hasContextualNameEqualTo(BitsieveVectorStore.PROVIDER + " " + op.value())
                .hasBeenStarted()
                .hasBeenStopped();
    }

    @Test
    void addAndSearch() {
        contextRunner().run(context -> {
            assertThat(context).hasNotFailed();
            BitsieveVectorStore vectorStore = context.getBean(BitsieveVectorStore.class);
            TestObservationRegistry observationRegistry = context.getBean(TestObservationRegistry.class);
            // no EmbeddingModel bean was given: the bundled model embeds
            assertThat(context.getBean(EmbeddingModel.class)).isInstanceOf(BitsieveEmbeddingModel.class);
            assertThat(Collection.exists(dir.resolve("vector_store"))).isTrue();

            vectorStore.add(documents);
            assertObserved(observationRegistry, VectorStoreObservationContext.Operation.ADD);
            observationRegistry.clear();

            List<Document> results = vectorStore.similaritySearch(SearchRequest.builder().query("What is Great Depression?").topK(1).build());
            assertThat(results).hasSize(1);
            assertThat(results.get(0).getId()).isEqualTo(documents.get(2).getId());
            assertThat(results.get(0).getMetadata()).containsKeys("depression", "distance");
            assertObserved(observationRegistry, VectorStoreObservationContext.Operation.QUERY);
            observationRegistry.clear();

            vectorStore.delete(documents.stream().map(Document::getId).toList());
            assertObserved(observationRegistry, VectorStoreObservationContext.Operation.DELETE);
            assertThat(vectorStore.similaritySearch(SearchRequest.builder().query("Great Depression").topK(1).build())).isEmpty();
        });
    }

    @Test
    void autoConfigurationDisabledWhenTypeIsNone() {
        contextRunner().withPropertyValues("spring.ai.vectorstore.type=none").run(context -> {
            assertThat(context.getBeansOfType(BitsieveVectorStoreProperties.class)).isEmpty();
            assertThat(context.getBeansOfType(BitsieveVectorStore.class)).isEmpty();
            assertThat(context.getBeansOfType(VectorStore.class)).isEmpty();
            assertThat(context.getBeansOfType(EmbeddingModel.class)).isEmpty();
        });
    }

    @Test
    void autoConfigurationEnabledByDefault() {
        contextRunner().withBean(EmbeddingModel.class, HashEmbeddings::new).run(context -> {
            assertThat(context.getBeansOfType(BitsieveVectorStoreProperties.class)).isNotEmpty();
            assertThat(context.getBean(VectorStore.class)).isInstanceOf(BitsieveVectorStore.class);
            assertThat(context.getBean(BatchingStrategy.class)).isInstanceOf(TokenCountBatchingStrategy.class);
        });
    }

    @Test
    void autoConfigurationEnabledWhenTypeIsBitsieve() {
        contextRunner().withBean(EmbeddingModel.class, HashEmbeddings::new).withPropertyValues("spring.ai.vectorstore.type=bitsieve").run(context -> {
            assertThat(context.getBeansOfType(BitsieveVectorStoreProperties.class)).isNotEmpty();
            assertThat(context.getBean(VectorStore.class)).isInstanceOf(BitsieveVectorStore.class);
        });
    }

    @Test
    void registeredInTheAutoConfigurationImports() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
                .contains(BitsieveVectorStoreAutoConfiguration.class.getName());
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnStore() {
        // as Spring AI's store auto-configurations do: the bean backs off for one of its own type
        Path mine = dir.resolve("mine");
        contextRunner().withBean(EmbeddingModel.class, HashEmbeddings::new)
                .withBean("myStore", BitsieveVectorStore.class, () -> BitsieveVectorStore.builder(new HashEmbeddings()).directory(mine).build())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBeansOfType(VectorStore.class)).hasSize(1);
                    assertThat(context.getBean(BitsieveVectorStore.class).collection().dir()).isEqualTo(mine);
                    assertThat(Files.exists(dir.resolve("vector_store"))).isFalse();
                });
    }

    @Test
    void otherStoresAreLeftAlone() {
        // another store type beside it (SimpleVectorStore here): both exist, spring.ai.vectorstore.type picks
        contextRunner().withBean(EmbeddingModel.class, HashEmbeddings::new)
                .withBean("simple", SimpleVectorStore.class, () -> SimpleVectorStore.builder(new HashEmbeddings()).build())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBeansOfType(VectorStore.class)).hasSize(2);
                    assertThat(context.getBeansOfType(BitsieveVectorStore.class)).hasSize(1);
                });
    }

    @Test
    void usesTheApplicationsEmbeddingModel() {
        HashEmbeddings mine = new HashEmbeddings();
        contextRunner().withBean(EmbeddingModel.class, () -> mine).run(context -> {
            assertThat(context.getBeansOfType(BitsieveEmbeddingModel.class)).isEmpty();
            BitsieveVectorStore store = context.getBean(BitsieveVectorStore.class);
            Document d = new Document("stored with the application's model");
            store.add(List.of(d));
            assertThat(store.collection().get(d.getId()).vector()).containsExactly(mine.vector(d.getText()));
        });
    }

    @Test
    void noBundledModelWhenAnotherEmbeddingProviderIsNamed() {
        // spring.ai.model.embedding names another provider and there is none: the store cannot start, and says why
        contextRunner().withPropertyValues("spring.ai.model.embedding=openai").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(EmbeddingModel.class.getName());
        });
    }

    @Test
    void propertiesShapeANewCollection() {
        contextRunner().withBean(EmbeddingModel.class, HashEmbeddings::new)
                .withPropertyValues("spring.ai.vectorstore.bitsieve.collection-name=kb", "spring.ai.vectorstore.bitsieve.bits=128",
                        "spring.ai.vectorstore.bitsieve.oversample=4", "spring.ai.vectorstore.bitsieve.exact-below=0")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BitsieveVectorStoreProperties p = context.getBean(BitsieveVectorStoreProperties.class);
                    assertThat(p.getCollectionName()).isEqualTo("kb");
                    assertThat(p.getBits()).isEqualTo(128);
                    assertThat(p.getOversample()).isEqualTo(4);
                    assertThat(p.getExactBelow()).isZero();
                    assertThat(p.isCreateIfMissing()).isTrue();
                    BitsieveVectorStore store = context.getBean(BitsieveVectorStore.class);
                    assertThat(store.collection().dir()).isEqualTo(dir.resolve("kb"));
                    assertThat(store.collection().encoder().bits()).isEqualTo(128);
                });
    }

    @Test
    void missingPathFailsStartupWithTheProperty() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BitsieveVectorStoreAutoConfiguration.class))
                .withBean(EmbeddingModel.class, HashEmbeddings::new)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("spring.ai.vectorstore.bitsieve.path is not set");
                });
    }

    @Test
    void missingCollectionFailsWhenCreateIfMissingIsOff() {
        contextRunner().withBean(EmbeddingModel.class, HashEmbeddings::new)
                .withPropertyValues("spring.ai.vectorstore.bitsieve.create-if-missing=false").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("create-if-missing is off");
                    assertThat(Files.exists(dir.resolve("vector_store"))).isFalse();
                });
    }

    @Test
    void badCollectionNameFailsStartup() {
        contextRunner().withBean(EmbeddingModel.class, HashEmbeddings::new)
                .withPropertyValues("spring.ai.vectorstore.bitsieve.collection-name=../elsewhere").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("collection-name must be a plain folder name");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }
    }
}
