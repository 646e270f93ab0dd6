package org.bitsieve.springai.autoconfigure;

import io.micrometer.observation.ObservationRegistry;
import org.bitsieve.springai.BitsieveEmbeddingModel;
import org.bitsieve.springai.BitsieveRemoteVectorStore;
import org.bitsieve.springai.BitsieveVectorStore;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.TokenCountBatchingStrategy;
import org.springframework.ai.vectorstore.SpringAIVectorStoreTypes;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationConvention;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.nio.file.Path;

/**
 * Auto-configuration for the bitsieve vector store, in the shape of Spring AI's own store auto-configurations:
 * on unless {@code spring.ai.vectorstore.type} names another store, every bean backs off when the application
 * defines its own. Without an {@link EmbeddingModel} bean (and unless {@code spring.ai.model.embedding} names
 * another provider) the bundled model of {@code spring.ai.vectorstore.bitsieve.model} embeds, offline. With
 * {@code spring.ai.vectorstore.bitsieve.url} set the store is a server's collection ({@link BitsieveRemoteVectorStore})
 * instead of a folder.
 */
@AutoConfiguration
@ConditionalOnClass({BitsieveVectorStore.class, EmbeddingModel.class})
@EnableConfigurationProperties(BitsieveVectorStoreProperties.class)
@ConditionalOnProperty(name = SpringAIVectorStoreTypes.TYPE, havingValue = BitsieveVectorStoreAutoConfiguration.TYPE, matchIfMissing = true)
public class BitsieveVectorStoreAutoConfiguration {
    /** The value of {@code spring.ai.vectorstore.type} that selects this store. */
    public static final String TYPE = "bitsieve";

    @Bean
    @ConditionalOnMissingBean(EmbeddingModel.class)
    @ConditionalOnProperty(name = "spring.ai.model.embedding", havingValue = TYPE, matchIfMissing = true)
    public BitsieveEmbeddingModel bitsieveEmbeddingModel(BitsieveVectorStoreProperties properties) {
        return new BitsieveEmbeddingModel(properties.getModel());
    }

    @Bean
    @ConditionalOnMissingBean
    BatchingStrategy bitsieveVectorStoreBatchingStrategy() {
        return new TokenCountBatchingStrategy();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnExpression("'${spring.ai.vectorstore.bitsieve.url:}'.isBlank()")
    public BitsieveVectorStore vectorStore(EmbeddingModel embeddingModel, BitsieveVectorStoreProperties properties,
                                           ObjectProvider<ObservationRegistry> observationRegistry,
                                           ObjectProvider<VectorStoreObservationConvention> customObservationConvention,
                                           BatchingStrategy batchingStrategy) {
        String path = properties.getPath();
        if (path == null || path.isBlank()) {
            throw new IllegalStateException(BitsieveVectorStoreProperties.CONFIG_PREFIX + ".path is not set: set it to the folder"
                    + " that holds (or will hold) the bitsieve collections, set spring.ai.vectorstore.bitsieve.url to use a bitsieve server,"
                    + " or set spring.ai.vectorstore.type to another store");
        }
        String name = properties.getCollectionName();
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalStateException(BitsieveVectorStoreProperties.CONFIG_PREFIX + ".collection-name must be a plain folder name, got '" + name + "'");
        }
        return BitsieveVectorStore.builder(embeddingModel)
                .directory(Path.of(path).resolve(name))
                .collectionName(name)
                .model(properties.getModel())
                .bits(properties.getBits())
                .createIfMissing(properties.isCreateIfMissing())
                .oversample(properties.getOversample())
                .exactBelow(properties.getExactBelow())
                .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
                .customObservationConvention(customObservationConvention.getIfAvailable(() -> null))
                .batchingStrategy(batchingStrategy)
                .build();
    }

    /** With {@code url} set: the server's collection, through its HTTP API. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnExpression("!'${spring.ai.vectorstore.bitsieve.url:}'.isBlank()")
    public BitsieveRemoteVectorStore remoteVectorStore(EmbeddingModel embeddingModel, BitsieveVectorStoreProperties properties,
                                                       ObjectProvider<ObservationRegistry> observationRegistry,
                                                       ObjectProvider<VectorStoreObservationConvention> customObservationConvention,
                                                       BatchingStrategy batchingStrategy) {
        String key = properties.getApiKey();
        return BitsieveRemoteVectorStore.builder(embeddingModel)
                .baseUrl(properties.getUrl(), key == null || key.isBlank() ? null : key)
                .collection(properties.getCollectionName())
                .model(properties.getModel())
                .bits(properties.getBits())
                .createIfMissing(properties.isCreateIfMissing())
                .oversample(properties.getOversample())
                .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP))
                .customObservationConvention(customObservationConvention.getIfAvailable(() -> null))
                .batchingStrategy(batchingStrategy)
                .build();
    }
}
