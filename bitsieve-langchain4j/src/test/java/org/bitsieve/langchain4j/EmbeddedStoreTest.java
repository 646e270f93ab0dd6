package org.bitsieve.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreIT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** LangChain4j's {@code EmbeddingStoreIT}, unmodified, against the embedded store. */
class EmbeddedStoreTest extends EmbeddingStoreIT {
    @TempDir
    Path dir;

    private BitsieveEmbeddingStore store;

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        // created on first use: the suite's own @BeforeEach already asks for it
        if (store == null) {
            store = TestStores.embedded(dir);
        }
        return store;
    }

    @Override
    protected EmbeddingModel embeddingModel() { return TestStores.MODEL; }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }
}
