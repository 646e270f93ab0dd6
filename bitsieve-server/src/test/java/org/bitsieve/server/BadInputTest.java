package org.bitsieve.server;

import org.bitsieve.core.FloatMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.bitsieve.server.TestServer.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each class of bad input gets its status and stable code, a JSON body without a stack trace, writes nothing,
 * and leaves the server serving. Path traversal attempts never reach outside the data folder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    static final ServerConfig.Limits LIMITS = new ServerConfig.Limits(64 * 1024, 5, 100, 50);

    TestServer s;
    Path root;
    float[] v;
    String good;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        root = tmp;
        s = new TestServer(tmp.resolve("data"), LIMITS);
        FloatMatrix m = TestServer.vectors(10);
        v = m.row(0);
        good = vec(v);
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"c\"}").status());
        assertEquals(200, s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"a\", \"vector\": " + good + "}]}").status());
    }

    @AfterAll
    void stop() throws IOException {
        s.close();
        // nothing the requests did produced a stack trace in the server's log either: all were expected errors
        assertFalse(s.log.toString().contains("incident"), s.log.toString());
    }

    private void expect(int status, String code, TestServer.Res r) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(code, r.code(), r.toString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), "stack trace leaked: " + r.body());
        String msg = r.json().get("error").get("message").asText();
        assertTrue(msg.length() > 10, "a message that says what is wrong: " + msg);
    }

    /** The server is up and the collection unchanged (one document) after each bad request. */
    private void stillServing() {
        assertEquals(200, s.call("GET", "/health", null, null).status());
        TestServer.Res r = s.post("/v1/collections/c/search", "{\"vector\": " + good + ", \"k\": 1}");
        assertEquals(200, r.status(), r.toString());
        assertEquals("a", r.json().get("hits").get(0).get("id").asText());
        assertEquals(1, s.get("/v1/collections/c").json().get("documents").asInt());
        // refused requests are all accounted for: only this metrics request is in flight
        assertEquals(1, ApiServerTest.sample(s.get("/metrics").body(), "bitsieve_http_requests_in_flight"));
    }

    private String withValue(int at, String value) {
        String[] parts = new String[v.length];
        for (int i = 0; i < v.length; i++) {
            parts[i] = i == at ? value : Float.toString(v[i]);
        }
        return "[" + String.join(",", parts) + "]";
    }

    @Test
    void vectorsWrongDimensionNaNAndInfinity() {
        String shortVec = vec(Arrays.copyOf(v, 383));
        String longVec = vec(Arrays.copyOf(v, 385));
        expect(400, "wrong_dimension", s.post("/v1/encode", "{\"vectors\": [" + shortVec + "]}"));
        expect(400, "wrong_dimension", s.post("/v1/encode", "{\"vectors\": [" + good + "," + longVec + "]}"));
        expect(400, "wrong_dimension", s.post("/v1/collections/c/search", "{\"vector\": " + shortVec + "}"));
        expect(400, "wrong_dimension", s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"b\", \"vector\": " + longVec + "}]}"));
        expect(400, "wrong_dimension", s.post("/v1/encode", "{\"vectors\": [[]]}"));
        // the NaN / Infinity tokens are not JSON
        for (String tok : List.of("NaN", "Infinity", "-Infinity")) {
            expect(400, "non_finite_value", s.post("/v1/encode", "{\"vectors\": [" + withValue(3, tok) + "]}"));
            expect(400, "non_finite_value", s.post("/v1/collections/c/search", "{\"vector\": " + withValue(3, tok) + "}"));
            expect(400, "non_finite_value", s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"b\", \"vector\": "
                    + withValue(0, tok) + "}]}"));
        }
        // numbers that are valid JSON but overflow a 32-bit float
        for (String big : List.of("1e400", "-1e400", "3.5e38", "1e39")) {
            TestServer.Res r = s.post("/v1/encode", "{\"vectors\": [" + withValue(7, big) + "]}");
            expect(400, "non_finite_value", r);
            assertTrue(r.body().contains("vectors[0][7]"), r.body());
            expect(400, "non_finite_value", s.post("/v1/collections/c/search", "{\"vector\": " + withValue(7, big) + "}"));
            expect(400, "non_finite_value", s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"b\", \"vector\": "
                    + withValue(7, big) + "}]}"));
        }
        stillServing();
    }

    @Test
    void unknownFieldsWrongTypesMissingFields() {
        expect(400, "unknown_field", s.post("/v1/encode", "{\"vectors\": [" + good + "], \"vectorz\": 1}"));
        expect(400, "unknown_field", s.post("/v1/collections/c/search", "{\"vector\": " + good + ", \"top_k\": 3}"));
        expect(400, "unknown_field", s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"b\", \"vector\": " + good + ", \"meta\": {}}]}"));
        expect(400, "unknown_field", s.post("/v1/collections", "{\"name\": \"x\", \"dims\": 3}"));
        expect(400, "unknown_field", s.post("/v1/collections/c/documents/delete", "{\"ids\": [\"a\"], \"include_vectors\": true}"));
        expect(400, "wrong_type", s.post("/v1/collections/c/search", "{\"vector\": " + good + ", \"k\": \"10\"}"));
        expect(400, "wrong_type", s.post("/v1/collections/c/search", "{\"vector\": " + good + ", \"k\": 1.5}"));
        expect(400, "wrong_type", s.post("/v1/collections/c/search", "{\"vector\": " + good + ", \"k\": true}"));
        expect(400, "wrong_type", s.post("/v1/collections/c/search", "{\"vector\": \"" + good + "\"}"));
        expect(400, "wrong_type", s.post("/v1/collections/c/search", "{\"vector\": " + withValue(2, "\"0.5\"") + "}"));
        expect(400, "wrong_type", s.post("/v1/collections/c/search", "{\"vector\": " + withValue(2, "null") + "}"));
        expect(400, "wrong_type", s.post("/v1/collections/c/search", "{\"vector\": " + withValue(2, "[1]") + "}"));
        expect(400, "wrong_type", s.post("/v1/collections/c/search", "{\"text\": 42}"));
        expect(400, "wrong_type", s.post("/v1/embed", "{\"texts\": \"one string\"}"));
        expect(400, "wrong_type", s.post("/v1/embed", "{\"texts\": [1, 2]}"));
        expect(400, "wrong_type", s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": 5, \"vector\": " + good + "}]}"));
        expect(400, "wrong_type", s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"b\", \"vector\": " + good + ", \"metadata\": [1]}]}"));
        expect(400, "wrong_type", s.post("/v1/collections/c/documents", "{\"documents\": {\"id\": \"b\"}}"));
        expect(400, "wrong_type", s.post("/v1/encode", "[1, 2]"));
        expect(400, "missing_field", s.post("/v1/encode", "{}"));
        expect(400, "missing_field", s.post("/v1/embed", "{}"));
        expect(400, "missing_field", s.post("/v1/collections/c/search", "{\"k\": 3}"));
        expect(400, "missing_field", s.post("/v1/collections", "{\"model\": \"all-minilm-l6-v2\"}"));
        expect(400, "missing_field", s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"b\"}]}"));
        expect(400, "invalid_value", s.post("/v1/collections/c/search", "{\"vector\": " + good + ", \"k\": 0}"));
        expect(400, "invalid_value", s.post("/v1/collections/c/search", "{\"vector\": " + good + ", \"k\": 51}"));
        expect(400, "invalid_value", s.post("/v1/collections/c/search", "{\"vector\": " + good + ", \"mode\": \"cosine\"}"));
        expect(400, "invalid_value", s.post("/v1/collections/c/search", "{\"vector\": " + good + ", \"text\": \"both\"}"));
        expect(400, "invalid_value", s.post("/v1/encode", "{\"vectors\": [" + good + "], \"format\": \"binary\"}"));
        expect(400, "invalid_value", s.post("/v1/collections/c/documents", "{\"mode\": \"merge\", \"documents\": []}"));
        expect(400, "invalid_value", s.post("/v1/collections", "{\"name\": \"x\", \"floats\": \"f64\"}"));
        expect(400, "invalid_value", s.post("/v1/collections", "{\"name\": \"x\", \"encoder\": \"bm90IGFuIGVuY29kZXI=\"}"));
        expect(400, "duplicate_id", s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"b\", \"vector\": " + good
                + "}, {\"id\": \"b\", \"vector\": " + good + "}]}"));
        expect(400, "invalid_value", s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"\", \"vector\": " + good + "}]}"));
        expect(400, "invalid_value", s.call("GET", "/v1/collections/c/documents/a?include_vector=yes", null, TestServer.READ_KEY));
        stillServing();
    }

    @Test
    void malformedJson() {
        expect(400, "invalid_json", s.post("/v1/encode", ""));
        expect(400, "invalid_json", s.post("/v1/encode", "{\"vectors\": [" + good));
        expect(400, "invalid_json", s.post("/v1/encode", "{\"vectors\": [" + good + "]} trailing"));
        expect(400, "invalid_json", s.post("/v1/encode", "{'vectors': 1}"));
        expect(400, "invalid_json", s.post("/v1/encode", "{\"format\": \"hex\", \"format\": \"hex\", \"vectors\": [" + good + "]}"));
        expect(400, "invalid_json", s.post("/v1/encode", "null"));
        expect(400, "invalid_json", s.post("/v1/encode", "\u0000\u0001binary"));
        expect(400, "invalid_json", s.post("/v1/collections/c/search", "{\"vector\": " + good + ", \"k\": 1" + "}".repeat(0)));
        stillServing();
    }

    @Test
    void limitsBodyBatchText() {
        // body: 64 KiB limit; about 120 KiB of vectors
        StringBuilder big = new StringBuilder("{\"vectors\": [");
        for (int i = 0; i < 30; i++) {
            big.append(i > 0 ? "," : "").append(good);
        }
        TestServer.Res r = s.post("/v1/encode", big.append("]}").toString());
        expect(413, "body_too_large", r);
        // batch: 5 per request
        String six = String.join(",", java.util.Collections.nCopies(6, good));
        expect(413, "batch_too_large", s.post("/v1/encode", "{\"vectors\": [" + six + "]}"));
        expect(413, "batch_too_large", s.post("/v1/embed", "{\"texts\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]}"));
        expect(413, "batch_too_large", s.post("/v1/collections/c/documents/get", "{\"ids\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"]}"));
        StringBuilder docs = new StringBuilder("{\"documents\": [");
        for (int i = 0; i < 6; i++) {
            docs.append(i > 0 ? "," : "").append("{\"id\": \"n").append(i).append("\", \"vector\": ").append(good).append("}");
        }
        expect(413, "batch_too_large", s.post("/v1/collections/c/documents", docs.append("]}").toString()));
        // text: 100 characters
        String longText = "word ".repeat(25);
        expect(413, "text_too_long", s.post("/v1/embed", "{\"texts\": [\"" + longText + "\"]}"));
        expect(413, "text_too_long", s.post("/v1/encode", "{\"texts\": [\"" + longText + "\"]}"));
        expect(413, "text_too_long", s.post("/v1/collections/c/search", "{\"text\": \"" + longText + "\"}"));
        expect(413, "text_too_long", s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"z\", \"text\": \"" + longText + "\"}]}"));
        // empty and blank texts
        expect(400, "empty_text", s.post("/v1/embed", "{\"texts\": [\"fine\", \"\"]}"));
        expect(400, "empty_text", s.post("/v1/embed", "{\"texts\": [\"   \\n\"]}"));
        expect(400, "empty_text", s.post("/v1/encode", "{\"texts\": [\"\"]}"));
        expect(400, "empty_text", s.post("/v1/collections/c/search", "{\"text\": \"\"}"));
        expect(400, "empty_text", s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"z\", \"text\": \" \"}]}"));
        stillServing();
    }

    @Test
    void pathTraversalNeverLeavesTheDataFolder() throws IOException {
        Path outside = root.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("keep.txt"), "keep");
        List<String> before = listing(root);
        // names in the body of a create
        for (String name : List.of("..", "../outside", "a/b", "/tmp/x", ".hidden", "UPPER", "", "a".repeat(65), "a\u0000b", "c/../d", "%2e%2e")) {
            TestServer.Res r = s.post("/v1/collections", "{\"name\": " + TestServer.str(name) + "}");
            expect(400, "invalid_collection_name", r);
        }
        // names in the URL, through HttpClient (percent-encoded) and raw over a socket (as sent)
        for (String p : List.of("/v1/collections/%2e%2e", "/v1/collections/%2E%2E/documents/a", "/v1/collections/..%2foutside",
                "/v1/collections/%2e%2e%2foutside/search", "/v1/collections/.hidden", "/v1/collections/%2Ftmp",
                "/v1/collections/a%5cb", "/v1/collections/%00")) {
            TestServer.Res r = s.call(p.endsWith("/search") ? "POST" : "GET", p, p.endsWith("/search") ? "{}" : null, TestServer.WRITE_KEY);
            assertTrue(r.status() == 400 || r.status() == 404, p + ": " + r);
            assertTrue(r.contentType().startsWith("application/json"), p + ": " + r.contentType());
            assertTrue(List.of("invalid_collection_name", "bad_request", "not_found").contains(r.code()), p + ": " + r);
            TestServer.Res d = s.call("DELETE", p, null, TestServer.WRITE_KEY);
            assertTrue(d.status() == 400 || d.status() == 404 || d.status() == 405, p + ": " + d);
        }
        for (String p : List.of("/v1/collections/../../outside", "/v1/collections/..", "//v1/collections/../../../etc/passwd",
                "/v1/collections/c/../../../outside/keep.txt", "/../../etc/passwd", "/v1/collections/%2e%2e/%2e%2e/outside")) {
            for (String method : List.of("GET", "DELETE")) {
                String resp = s.raw(method + " " + p + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.WRITE_KEY
                        + "\r\nConnection: close\r\n\r\n");
                int status = Integer.parseInt(resp.substring(9, 12));
                assertTrue(status == 400 || status == 404, p + ": " + resp);
                assertTrue(resp.contains("\"error\"") && resp.toLowerCase().contains("content-type: application/json"), p + ": " + resp);
            }
        }
        assertEquals(before, listing(root));
        assertEquals("keep", Files.readString(outside.resolve("keep.txt")));
        stillServing();
    }

    @Test
    void garbageOnTheWireLeavesTheServerUp() throws IOException {
        String r1 = s.raw("THIS IS NOT HTTP\r\n\r\n");
        assertTrue(r1.startsWith("HTTP/1.1 400"), r1);
        // a body shorter than its Content-Length, then the client goes away
        String r2 = s.raw("POST /v1/encode HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.WRITE_KEY
                + "\r\nContent-Length: 5000\r\n\r\n{\"vectors\": [[1,2");
        assertTrue(r2.isEmpty() || r2.startsWith("HTTP/1.1 4"), r2);
        // a declared length over the limit is refused before reading
        String r3 = s.raw("POST /v1/encode HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.WRITE_KEY
                + "\r\nContent-Length: 99999999\r\nConnection: close\r\n\r\n{}");
        assertTrue(r3.startsWith("HTTP/1.1 413") && r3.contains("body_too_large"), r3);
        // unknown routes and methods
        expect(404, "not_found", s.get("/v2/nothing-8c1f"));
        // unmatched paths share one metrics label, so random paths cannot blow up the label set
        String metrics = s.get("/metrics").body();
        assertFalse(metrics.contains("nothing-8c1f"), metrics);
        assertTrue(metrics.contains("route=\"unmatched\",status=\"404\""), metrics);
        expect(405, "method_not_allowed", s.call("PUT", "/v1/encode", "{}", TestServer.WRITE_KEY));
        expect(405, "method_not_allowed", s.call("PUT", "/v1/collections/c-7f3a", "{}", TestServer.WRITE_KEY));
        assertFalse(s.get("/metrics").body().contains("c-7f3a"));
        stillServing();
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> w = Files.walk(root)) {
            return w.map(p -> root.relativize(p).toString()).filter(x -> !x.startsWith("data/c/")).sorted().toList();
        }
    }
}
