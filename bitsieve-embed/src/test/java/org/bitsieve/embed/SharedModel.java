package org.bitsieve.embed;

/** One default-model embedder for all test classes of the JVM: loading it costs about a second each time. */
final class SharedModel {
    private static TextEmbedder embedder;

    private SharedModel() {}

    static synchronized TextEmbedder get() {
        if (embedder == null) {
            embedder = Models.open(Models.DEFAULT);
            Runtime.getRuntime().addShutdownHook(new Thread(embedder::close));
        }
        return embedder;
    }
}
