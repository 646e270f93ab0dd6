package org.bitsieve.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue item 1: ids, names, texts and metadata must be valid Unicode. Lone surrogates sent as JSON escapes and
 * malformed UTF-8 bytes (overlong, encoded surrogates, bad continuations) get 400 {@code invalid_unicode} and
 * write nothing; astral characters (emoji) round-trip byte for byte, also across a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnicodeInputTest {
    /** JSON-escape probes: as they appear in the request text. */
    static final List<String> ESCAPES = List.of("x\\ud800", "x\\udc00", "dup\\udbff", "\\udc00\\ud800");
    /** Raw byte probes placed inside a JSON string. */
    static final List<byte[]> BYTES = List.of(
            new byte[] {'x', (byte) 0xC0, (byte) 0xAE},                 // overlong '.'
            new byte[] {'x', (byte) 0xE0, (byte) 0x80, (byte) 0xAE},    // overlong, 3 bytes
            new byte[] {'x', (byte) 0xED, (byte) 0xA0, (byte) 0x80},    // a surrogate encoded as UTF-8
            new byte[] {'x', (byte) 0xC3, (byte) 0x28},                 // bad continuation
            new byte[] {'x', (byte) 0x80},                              // stray continuation
            new byte[] {'x', (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}); // 5-byte form

    TestServer s;
    Path data;
    String good;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        data = tmp.resolve("data");
        s = new TestServer(data, ServerConfig.Limits.defaults());
        good = TestServer.vec(TestServer.vectors(1).row(0));
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"u\"}").status());
    }

    @AfterAll
    void stop() throws IOException {
        s.close();
    }

    private static byte[] concat(String a, byte[] mid, String b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(a.getBytes(StandardCharsets.UTF_8));
        o.writeBytes(mid);
        o.writeBytes(b.getBytes(StandardCharsets.UTF_8));
        return o.toByteArray();
    }

    private void refused(TestServer.Res r) {
        assertEquals(400, r.status(), r.toString());
        assertEquals("invalid_unicode", r.code(), r.toString());
        assertTrue(r.json().path("error").path("message").asText().contains("Unicode")
                || r.json().path("error").path("message").asText().contains("UTF-8"), r.toString());
        assertEquals(0, s.get("/v1/collections/u").json().get("documents").asInt(), "nothing was written");
    }

    /** Each position a string can take in a write: id, text, metadata key, metadata value (also nested). */
    private List<String[]> writeTemplates() {
        return List.of(
                new String[] {"{\"documents\": [{\"id\": \"", "\", \"vector\": " + good + "}]}"},
                new String[] {"{\"documents\": [{\"id\": \"a\", \"text\": \"", "\", \"vector\": " + good + "}]}"},
                new String[] {"{\"documents\": [{\"id\": \"a\", \"vector\": " + good + ", \"metadata\": {\"", "\": 1}}]}"},
                new String[] {"{\"documents\": [{\"id\": \"a\", \"vector\": " + good + ", \"metadata\": {\"k\": \"", "\"}}]}"},
                new String[] {"{\"documents\": [{\"id\": \"a\", \"vector\": " + good + ", \"metadata\": {\"k\": [{\"j\": \"", "\"}]}}]}"});
    }

    @Test
    void loneSurrogateEscapesAreRefusedEverywhere() {
        for (String p : ESCAPES) {
            for (String[] t : writeTemplates()) {
                refused(s.post("/v1/collections/u/documents", t[0] + p + t[1]));
            }
            refused(s.post("/v1/collections", "{\"name\": \"" + p + "\"}"));
            refused(s.post("/v1/collections/u/documents/get", "{\"ids\": [\"" + p + "\"]}"));
            refused(s.post("/v1/collections/u/documents/delete", "{\"ids\": [\"" + p + "\"]}"));
            refused(s.post("/v1/collections/u/search", "{\"vector\": " + good + ", \"filter\": {\"field\": \"k\", \"value\": \"" + p + "\"}}"));
            refused(s.post("/v1/collections/u/classify", "{\"vector\": " + good + ", \"label_field\": \"" + p + "\"}"));
            refused(s.post("/v1/embed", "{\"texts\": [\"" + p + "\"]}"));
        }
    }

    @Test
    void malformedUtf8IsRefusedEverywhere() {
        for (byte[] p : BYTES) {
            for (String[] t : writeTemplates()) {
                refused(s.postBytes("/v1/collections/u/documents", concat(t[0], p, t[1]), "application/json", TestServer.WRITE_KEY));
            }
            refused(s.postBytes("/v1/collections", concat("{\"name\": \"", p, "\"}"), "application/json", TestServer.WRITE_KEY));
            refused(s.postBytes("/v1/embed", concat("{\"texts\": [\"", p, "\"]}"), "application/json", TestServer.WRITE_KEY));
        }
    }

    /** Ids in URLs: invalid UTF-8 percent-escapes and encoded surrogates never reach the store, and never a 5xx. */
    @Test
    void malformedPercentEncodedIdsInUrlsAreRefusedOrNotFound() throws IOException {
        for (String id : List.of("x%C0%AE", "x%ED%A0%80", "x%80", "x%C3%28", "x%F8%88%80%80%80", "%FF")) {
            for (String method : List.of("GET", "DELETE")) {
                String resp = s.raw(method + " /v1/collections/u/documents/" + id + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + TestServer.WRITE_KEY + "\r\nConnection: close\r\n\r\n");
                int status = Integer.parseInt(resp.substring(9, 12));
                assertTrue(status == 400 || status == 404, id + ": " + resp);
                assertTrue(resp.contains("\"error\""), resp);
            }
        }
        // a number that overflows a double in metadata would be stored as the token Infinity: refused at decode
        TestServer.Res r = s.post("/v1/collections/u/documents", "{\"documents\": [{\"id\": \"n\", \"vector\": " + good
                + ", \"metadata\": {\"x\": [1e400]}}]}");
        assertEquals(400, r.status(), r.toString());
        assertEquals("non_finite_value", r.code(), r.toString());
        assertEquals(0, s.get("/v1/collections/u").json().get("documents").asInt());
    }

    @Test
    void astralCharactersRoundTripByteForByteAcrossARestart() throws IOException {
        String id = "emoji-\ud83d\ude00-\ud834\udd1e";          // U+1F600 and U+1D11E
        String text = "t\ud83c\udf89 é \u4e2d";
        String body = "{\"documents\": [{\"id\": " + TestServer.str(id) + ", \"text\": " + TestServer.str(text) + ", \"vector\": "
                + good + ", \"metadata\": {\"k\ud83d\ude00\": " + TestServer.str(text) + "}}]}";
        // the same document once as raw UTF-8 and once as \\u escape pairs: both are well-formed
        assertEquals(200, s.post("/v1/collections/u/documents", body).status());
        TestServer.Res esc = s.post("/v1/collections/u/documents", "{\"documents\": [{\"id\": \"e\\ud83d\\ude00\", \"vector\": " + good + "}]}");
        assertEquals(200, esc.status(), esc.toString());
        check(id, text);
        s.close();
        s = new TestServer(data, ServerConfig.Limits.defaults());
        check(id, text);
        assertEquals(1, s.post("/v1/collections/u/documents/get", "{\"ids\": [\"e\ud83d\ude00\"]}").json().get("documents").size());
        // leave the collection as the other tests expect it
        assertEquals(200, s.post("/v1/collections/u/documents/delete", "{\"ids\": [" + TestServer.str(id) + ", \"e\ud83d\ude00\"]}").status());
    }

    private void check(String id, String text) {
        TestServer.Res r = s.post("/v1/collections/u/documents/get", "{\"ids\": [" + TestServer.str(id) + "]}");
        JsonNode d = r.json().get("documents").get(0);
        assertEquals(id, d.get("id").asText(), r.toString());
        assertEquals(text, d.get("text").asText());
        assertEquals(text, d.get("metadata").get("k\ud83d\ude00").asText());
        assertTrue(java.util.Arrays.equals(id.getBytes(StandardCharsets.UTF_8), d.get("id").asText().getBytes(StandardCharsets.UTF_8)));
    }
}
