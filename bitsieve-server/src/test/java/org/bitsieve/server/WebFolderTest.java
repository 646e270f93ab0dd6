package org.bitsieve.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** `bitsieve serve --web DIR`: the folder's files are public under /web/, nothing outside it is, the API still needs a key. */
class WebFolderTest {
    @TempDir
    Path tmp;

    @Test
    void servesTheFolderAndNothingElse() throws Exception {
        Path web = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(web.resolve("index.html"), "<!doctype html><title>demo</title>");
        Files.createDirectories(web.resolve("bundles/b"));
        Files.write(web.resolve("bundles/b/codes.bin"), new byte[] {1, 2, 3, 4});
        Files.writeString(tmp.resolve("secret.txt"), "do-not-serve");
        ServerConfig cfg = ServerConfig.defaults(Files.createDirectories(tmp.resolve("data"))).withPort(0)
                .withKeys(List.of(ApiKeys.parse("w", Role.WRITE, ApiKeys.hash("k-1234567890123456789012345"))));
        ApiServer s = ApiServer.start(cfg, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), web);
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + s.port();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/web/index.html")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertEquals("<!doctype html><title>demo</title>", page.body());
            HttpResponse<byte[]> bin = http.send(HttpRequest.newBuilder(URI.create(base + "/web/bundles/b/codes.bin")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, bin.statusCode());
            assertEquals(4, bin.body().length);
            // the API itself still needs a key
            assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + "/v1/collections")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            // traversal out of the folder, sent as raw request lines so no client normalises them
            for (String path : List.of("/web/../secret.txt", "/web/..%2fsecret.txt", "/web/%2e%2e/secret.txt", "/web//../secret.txt", "/web/bundles/../../secret.txt")) {
                String reply = raw(s.port(), path);
                assertFalse(reply.contains("do-not-serve"), path + " leaked: " + reply);
            }
        } finally {
            s.close();
        }
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ApiServer.start(cfg, System.err, tmp.resolve("missing")));
    }

    static String raw(int port, String path) throws Exception {
        try (Socket so = new Socket("127.0.0.1", port)) {
            so.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(so.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
