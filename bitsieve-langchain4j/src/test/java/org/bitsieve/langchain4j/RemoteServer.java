package org.bitsieve.langchain4j;

import org.bitsieve.server.ApiKeys;
import org.bitsieve.server.ApiServer;
import org.bitsieve.server.Role;
import org.bitsieve.server.ServerConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** One bitsieve server for the remote suites (started once per test JVM); each test gets its own collection. */
final class RemoteServer {
    private static final String KEY = ApiKeys.newKey();
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static ApiServer server;

    private RemoteServer() {}

    static synchronized String url() {
        if (server == null) {
            try {
                Path data = Files.createTempDirectory("bitsieve-lc4j-remote");
                ServerConfig cfg = ServerConfig.defaults(data).withPort(0).withHost("127.0.0.1")
                        .withKeys(List.of(ApiKeys.parse("writer", Role.WRITE, ApiKeys.hash(KEY))));
                server = ApiServer.start(cfg, new PrintStream(OutputStream.nullOutputStream()));
                ApiServer s = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // the JVM is going away
                    }
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return "http://127.0.0.1:" + server.port();
    }

    /** A store over a fresh collection. */
    static BitsieveRemoteEmbeddingStore store() {
        return BitsieveRemoteEmbeddingStore.builder().baseUrl(url(), KEY).collection("lc4j" + NEXT.incrementAndGet()).build();
    }

    static BitsieveClient client() { return new BitsieveClient(url(), KEY); }
}
