package org.bitsieve.server;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real bitsieve server on loopback for other modules' remote-client tests (the langchain4j and Spring AI remote
 * stores; published in this module's test-jar): started on first use, once per test JVM, closed when the JVM exits.
 * Each test takes a fresh collection name, so no test sees another's documents.
 */
public final class RemoteServer {
    /** The key of the server's one writer. */
    public static final String KEY = ApiKeys.newKey();
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static ApiServer server;

    private RemoteServer() {}

    /** The server's base URL, {@code http://127.0.0.1:<port>} (starts it on first use). */
    public static synchronized String url() {
        if (server == null) {
            try {
                Path data = Files.createTempDirectory("bitsieve-remote");
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

    /** A collection name no other test in this JVM uses: {@code prefix} and a counter. */
    public static String freshCollection(String prefix) {
        return prefix + NEXT.incrementAndGet();
    }
}
