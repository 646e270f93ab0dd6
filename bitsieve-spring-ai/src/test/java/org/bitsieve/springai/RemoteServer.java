package org.bitsieve.springai;

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

/** One real bitsieve server on loopback for the remote store's tests (started once per test JVM). */
final class RemoteServer {
    static final String KEY = ApiKeys.newKey();
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static ApiServer server;

    private RemoteServer() {}

    static synchronized String url() {
        if (server == null) {
            try {
                Path data = Files.createTempDirectory("bitsieve-spring-remote");
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

    /** A collection name no other test uses. */
    static String freshCollection() {
        return "spring" + NEXT.incrementAndGet();
    }
}
