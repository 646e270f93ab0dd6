package org.bitsieve.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreIT;

/** LangChain4j's {@code EmbeddingStoreIT}, unmodified, against the remote store and a server in this JVM. */
class RemoteStoreTest extends EmbeddingStoreIT {
    private BitsieveRemoteEmbeddingStore store;

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        // created on first use (the suite's own @BeforeEach asks for it): a fresh collection per test
        if (store == null) {
            store = TestStores.remote();
        }
        return store;
    }

    @Override
    protected EmbeddingModel embeddingModel() { return TestStores.MODEL; }
}
