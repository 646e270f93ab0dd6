package org.bitsieve.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** LangChain4j's {@code EmbeddingStoreWithFilteringIT}, unmodified, against the embedded store. */
class EmbeddedWithFilteringTest extends EmbeddingStoreWithFilteringIT {
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

    /**
     * The suite's switch for stores that implement ContainsString (off by default upstream). On, it runs the two
     * contains tests and disables the one that checks a store without contains refuses it.
     */
    @Override
    protected boolean supportsContains() { return true; }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }
}
