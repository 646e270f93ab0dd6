package org.bitsieve.langchain4j;

import org.bitsieve.server.RemoteServer;

import java.nio.file.Path;

/** What the suite subclasses share: one bundled model (loading it per test would dominate), fresh stores. */
final class TestStores {
    static final BitsieveEmbeddingModel MODEL = BitsieveEmbeddingModel.builder().build();

    private TestStores() {}

    /** A new embedded store in its own folder, so no test sees another's documents. */
    static BitsieveEmbeddingStore embedded(Path dir) {
        return BitsieveEmbeddingStore.builder().directory(dir.resolve("store")).build();
    }

    /** A remote store over a fresh collection of the test JVM's one server. */
    static BitsieveRemoteEmbeddingStore remote() {
        return BitsieveRemoteEmbeddingStore.builder().baseUrl(RemoteServer.url(), RemoteServer.KEY)
                .collection(RemoteServer.freshCollection("lc4j")).build();
    }
}
