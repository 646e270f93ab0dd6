package org.bitsieve.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue item 3: one damaged collection used to stop the whole server from starting, and one without a MANIFEST
 * vanished from the listing (then create gave 500 and delete 404). Now the server starts, serves the healthy
 * collections, and reports the damaged ones in the listing, /health, /metrics and its log; every request to a
 * damaged one, create and delete included, gets 409 {@code collection_damaged}.
 */
class DamagedCollectionTest {
    @Test
    void theServerStartsServesTheHealthyAndReportsTheDamaged(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        String v = TestServer.vec(TestServer.vectors(1).row(0));
        try (TestServer s = new TestServer(data, ServerConfig.Limits.defaults())) {
            for (String n : new String[] {"good", "corrupt", "nomanifest"}) {
                assertEquals(201, s.post("/v1/collections", "{\"name\": \"" + n + "\"}").status());
                assertEquals(200, s.post("/v1/collections/" + n + "/documents", "{\"documents\": [{\"id\": \"a\", \"vector\": " + v + "}]}").status());
            }
        }
        // damage two of them on disk: garbage over the encoder file (a copy, encoder.bse, or a reference to a shipped
        // encoder, encoder.ref), and a lost MANIFEST
        Path enc;
        try (var files = Files.list(data.resolve("corrupt"))) {
            enc = files.filter(p -> p.getFileName().toString().startsWith("encoder.")).findFirst().orElseThrow();
        }
        Files.write(enc, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20});
        Files.delete(data.resolve("nomanifest/MANIFEST"));

        try (TestServer s = new TestServer(data, ServerConfig.Limits.defaults())) {
            assertEquals(1, s.server.collections(), "only the healthy collection is served");
            // the healthy one is served
            TestServer.Res r = s.post("/v1/collections/good/search", "{\"vector\": " + v + ", \"k\": 1}");
            assertEquals(200, r.status(), r.toString());
            // the listing names all three, with state and error
            Map<String, JsonNode> listed = new HashMap<>();
            for (JsonNode c : s.get("/v1/collections").json().get("collections")) {
                listed.put(c.get("name").asText(), c);
            }
            assertEquals(3, listed.size(), listed.toString());
            assertEquals("ok", listed.get("good").get("state").asText());
            for (String bad : new String[] {"corrupt", "nomanifest"}) {
                assertEquals("damaged", listed.get(bad).get("state").asText(), listed.toString());
                assertTrue(listed.get(bad).get("error").asText().length() > 5, listed.toString());
                assertTrue(!listed.get(bad).get("error").asText().contains(data.toString()), "no server paths: " + listed);
            }
            assertTrue(listed.get("nomanifest").get("error").asText().contains("MANIFEST"), listed.toString());
            // health: degraded, names them, still 200 (the healthy collections are served)
            TestServer.Res h = s.call("GET", "/health", null, null);
            assertEquals(200, h.status());
            assertEquals("degraded", h.json().get("status").asText());
            assertEquals("[\"corrupt\",\"nomanifest\"]", h.json().get("damaged").toString());
            // metrics and log
            String m = s.get("/metrics").body();
            assertEquals(2, ApiServerTest.sample(m, "bitsieve_collections_damaged"), m);
            assertTrue(m.contains("bitsieve_collection_damaged{collection=\"nomanifest\"} 1"), m);
            assertTrue(s.log.toString().contains("collection 'corrupt' is damaged"), s.log.toString());
            // every request to a damaged collection: 409 collection_damaged with advice
            for (String bad : new String[] {"corrupt", "nomanifest"}) {
                for (TestServer.Res x : new TestServer.Res[] {
                        s.get("/v1/collections/" + bad),
                        s.post("/v1/collections/" + bad + "/search", "{\"vector\": " + v + "}"),
                        s.post("/v1/collections/" + bad + "/documents", "{\"documents\": [{\"id\": \"b\", \"vector\": " + v + "}]}"),
                        s.get("/v1/collections/" + bad + "/documents/a"),
                        s.post("/v1/collections", "{\"name\": \"" + bad + "\"}"),
                        s.delete("/v1/collections/" + bad),
                        s.post("/v1/encode", "{\"collection\": \"" + bad + "\", \"vectors\": [" + v + "]}")}) {
                    assertEquals(409, x.status(), x.toString());
                    assertEquals("collection_damaged", x.code(), x.toString());
                    assertTrue(x.json().get("error").get("message").asText().contains("bitsieve verify"), x.toString());
                }
            }
            // delete refused: the files are still there for verify/repair
            assertTrue(Files.exists(enc));
            assertTrue(Files.isDirectory(data.resolve("nomanifest")));
        }
    }

    @Test
    void anEmptyFolderIsNotACollection(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("empty"));
        try (TestServer s = new TestServer(data, ServerConfig.Limits.defaults())) {
            assertEquals(0, s.get("/v1/collections").json().get("collections").size());
            assertEquals("ok", s.call("GET", "/health", null, null).json().get("status").asText());
            assertEquals(201, s.post("/v1/collections", "{\"name\": \"empty\"}").status());
        }
    }

    /**
     * The server's sidecar (bitsieve-server.json, which names the model) has no checksum: a flipped byte that breaks
     * its JSON or changes the model's name used to look like "no model recorded". Now the collection is still served
     * for vectors, the log names the problem at start, and a text request says what is wrong and how to mend it.
     */
    @Test
    void aDamagedSidecarKeepsVectorsServedAndSaysWhyTextsAreNot(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        String v = TestServer.vec(TestServer.vectors(1).row(0));
        try (TestServer s = new TestServer(data, ServerConfig.Limits.defaults())) {
            for (String n : new String[] {"brokenjson", "renamed"}) {
                assertEquals(201, s.post("/v1/collections", "{\"name\": \"" + n + "\"}").status());
                assertEquals(200, s.post("/v1/collections/" + n + "/documents", "{\"documents\": [{\"id\": \"a\", \"vector\": " + v + "}]}").status());
            }
        }
        Path broken = data.resolve("brokenjson/bitsieve-server.json");
        byte[] b = Files.readAllBytes(broken);
        b[0] ^= 0x01; // '{' becomes 'z'
        Files.write(broken, b);
        Path renamed = data.resolve("renamed/bitsieve-server.json");
        Files.writeString(renamed, Files.readString(renamed).replace("all-minilm-l6-v2", "all-minilm-l6-w2"));
        try (TestServer s = new TestServer(data, ServerConfig.Limits.defaults())) {
            assertEquals(2, s.server.collections(), "both are served");
            for (String n : new String[] {"brokenjson", "renamed"}) {
                TestServer.Res r = s.post("/v1/collections/" + n + "/search", "{\"vector\": " + v + ", \"k\": 1}");
                assertEquals(200, r.status(), r.toString());
                assertEquals("a", r.json().get("hits").get(0).get("id").asText());
                TestServer.Res t = s.post("/v1/collections/" + n + "/search", "{\"text\": \"hello\", \"k\": 1}");
                assertEquals(400, t.status(), t.toString());
                String m = t.json().get("error").get("message").asText();
                assertTrue(m.contains("bitsieve-server.json") && m.contains("send vectors"), m);
                assertTrue(s.log.toString().contains("collection '" + n + "' is served for vectors only"), s.log.toString());
            }
            String m = s.post("/v1/collections/renamed/search", "{\"text\": \"hello\"}").json().get("error").get("message").asText();
            assertTrue(m.contains("'all-minilm-l6-w2', which is not bundled"), m);
            m = s.post("/v1/collections/brokenjson/search", "{\"text\": \"hello\"}").json().get("error").get("message").asText();
            assertTrue(m.contains("is not readable"), m);
        }
    }
}
