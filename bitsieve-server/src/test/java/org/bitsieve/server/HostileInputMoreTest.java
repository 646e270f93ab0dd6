package org.bitsieve.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The second round of outside probes (after HostileInputTest, UnicodeInputTest, HttpFuzzTest): each test here
 * failed before its fix. Every response must be strict JSON, below 500, with a stable code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputMoreTest {
    TestServer s;
    String good;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        s = new TestServer(tmp.resolve("data"), ServerConfig.Limits.defaults());
        good = TestServer.vec(TestServer.trec(1).row(0));
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"c\"}").status());
        assertEquals(200, s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"a\", \"vector\": " + good
                + "}, {\"id\": \"\\ufffd\", \"vector\": " + good + "}, {\"id\": \"p+q\", \"vector\": " + good + "}]}").status());
    }

    @AfterAll
    void stop() throws IOException {
        s.close();
        assertFalse(s.log.toString().contains("incident"), s.log.toString());
    }

    private static void expect(int status, String code, TestServer.Res r) {
        assertTrue(r.contentType() != null && r.contentType().startsWith("application/json"), r.toString());
        assertEquals(status, r.status(), r.toString());
        assertEquals(code, r.code(), r.toString());
    }

    private static int status(String rawResponse) {
        return Integer.parseInt(rawResponse.substring(9, 12));
    }

    private static String body(String rawResponse) {
        return rawResponse.substring(rawResponse.indexOf("\r\n\r\n") + 4);
    }

    /** Probe: a 300,000-character mode, model, format, role or floats value was quoted back whole in the error. */
    @Test
    void errorMessagesDoNotEchoHugeClientValues() {
        String big = TestServer.str("z".repeat(300_000));
        List<String[]> cases = List.of(
                new String[]{"/v1/collections/c/search", "{\"vector\": " + good + ", \"mode\": " + big + "}", "invalid_value"},
                new String[]{"/v1/collections/c/documents", "{\"documents\": [{\"id\": \"x\", \"vector\": " + good + "}], \"mode\": " + big + "}", "invalid_value"},
                new String[]{"/v1/collections", "{\"name\": \"n\", \"model\": " + big + "}", "unknown_model"},
                new String[]{"/v1/collections", "{\"name\": \"n\", \"floats\": " + big + "}", "invalid_value"},
                new String[]{"/v1/encode", "{\"vectors\": [" + good + "], \"format\": " + big + "}", "invalid_value"},
                new String[]{"/v1/encode", "{\"vectors\": [" + good + "], \"model\": " + big + "}", "unknown_model"},
                new String[]{"/v1/embed", "{\"texts\": [\"a\"], \"role\": " + big + "}", "invalid_value"});
        for (String[] c : cases) {
            TestServer.Res r = s.post(c[0], c[1]);
            expect(400, c[2], r);
            assertTrue(r.body().length() < 2_500, c[0] + ": the error is " + r.body().length() + " bytes");
            assertTrue(r.json().path("error").path("message").asText().contains("300000 characters"), r.toString());
        }
        assertEquals("say 'abc' and '" + "y".repeat(80) + "...' (201 characters) now", ErrorReplies.bounded("say 'abc' and '" + "y".repeat(201) + "' now"));
        String mid = "a '" + "y".repeat(200) + "' b";
        assertEquals(mid, ErrorReplies.bounded(mid));
        // Jackson's own prose between apostrophes ("token 'null', 'true' or 'false'") is not cut
        TestServer.Res j = s.post("/v1/collections/c/search", "{\"vector\": [.5], \"k\": 1}");
        expect(400, "invalid_json", j);
        assertFalse(j.body().contains("characters)"), j.toString());
        assertTrue(j.body().contains("'null', 'true' or 'false'"), j.toString());
    }

    /** Probe: a chunked body whose chunk size is not hex, negative or absurd was answered 408 request_timeout. */
    @Test
    void malformedChunkedBodiesAre400NotTimeouts() throws IOException {
        for (String size : List.of("ZZ", "-5", "FFFFFFFFFFFFFFFFFFFF", "1;x=\"")) {
            String resp = s.raw("POST /v1/collections/c/search HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.WRITE_KEY
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n{\"k\r\n0\r\n\r\n");
            assertEquals(400, status(resp), size + ": " + resp);
            assertEquals("bad_request", TestServer.JSON.readTree(body(resp)).path("error").path("code").asText(), resp);
        }
        // a well-formed chunked body still works
        String b = "{\"vector\": " + good + ", \"k\": 1}";
        String ok = s.raw("POST /v1/collections/c/search HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.WRITE_KEY
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + Integer.toHexString(b.length()) + "\r\n" + b + "\r\n0\r\n\r\n");
        assertEquals(200, status(ok), ok);
    }

    /**
     * Probe: URL ids with invalid UTF-8 escapes were decoded to U+FFFD, so DELETE .../documents/%FF deleted the
     * document whose id is "\ufffd" (and GET found it).
     */
    @Test
    void urlIdsThatAreNotUtf8AreRefusedAndTouchNothing() throws IOException {
        for (String id : List.of("%FF", "%C0%AE", "%ED%A0%80", "%80", "x%F8%88%80%80%80")) {
            for (String method : List.of("GET", "DELETE")) {
                String resp = s.raw(method + " /v1/collections/c/documents/" + id + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + TestServer.WRITE_KEY + "\r\nConnection: close\r\n\r\n");
                assertEquals(400, status(resp), method + " " + id + ": " + resp);
                assertEquals("invalid_unicode", TestServer.JSON.readTree(body(resp)).path("error").path("code").asText(), resp);
            }
        }
        assertEquals(200, s.get("/v1/collections/c/documents/%EF%BF%BD").status(), "the U+FFFD document is still there");
        assertEquals(200, s.get("/v1/collections/c/documents/p+q").status(), "'+' in a path stays '+'");
        assertEquals(200, s.get("/v1/collections/c/documents/p%2Bq").status());
        assertEquals(3, s.get("/v1/collections/c").json().get("documents").asInt());
    }

    /** Probe: DELETE of a name racing its create closed the new collection before the create described it: 500. */
    @Test
    void aDropRacingACreateNeverMakesTheCreateFail() {
        try {
            CollectionRegistry.afterCreate = () -> assertEquals(200, s.delete("/v1/collections/racy").status());
            TestServer.Res r = s.post("/v1/collections", "{\"name\": \"racy\"}");
            assertEquals(201, r.status(), r.toString());
            assertEquals("racy", r.json().get("name").asText());
            assertEquals(0, r.json().get("documents").asInt());
        } finally {
            CollectionRegistry.afterCreate = null;
        }
        expect(404, "collection_not_found", s.get("/v1/collections/racy"));
    }

    /**
     * Probe: creates and drops of one name from 10 clients: a create during a drop wrote files into the folder
     * the drop was deleting (500s on both sides, and a folder left with a MANIFEST but no encoder: damaged at
     * the next start while the API said the name did not exist). A create now waits for the drop.
     */
    @Test
    void aCreateDuringADropOfTheSameNameWaitsForIt() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            assertEquals(201, s.post("/v1/collections", "{\"name\": \"flip\"}").status());
            java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Future<TestServer.Res>> created = new java.util.concurrent.atomic.AtomicReference<>();
            CollectionRegistry.dropHook = () -> {
                created.set(pool.submit(() -> s.post("/v1/collections", "{\"name\": \"flip\"}")));
                try {
                    Thread.sleep(500); // the create arrives while this drop is under way
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            assertEquals(200, s.delete("/v1/collections/flip").status());
            CollectionRegistry.dropHook = null;
            TestServer.Res r = created.get().get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(201, r.status(), "a create racing a drop: " + r);
            assertEquals(200, s.get("/v1/collections/flip").status());
            assertEquals(200, s.post("/v1/collections/flip/documents", "{\"documents\": [{\"id\": \"a\", \"vector\": " + good + "}]}").status());
            assertTrue(java.nio.file.Files.exists(s.data.resolve("flip").resolve("encoder.bse"))
                    || java.nio.file.Files.exists(s.data.resolve("flip").resolve("encoder.ref")), "the collection's encoder (a copy or a reference)");
            // and a bounded storm of creates and drops of one name: never a 5xx, and the disk agrees with the API
            long until = System.currentTimeMillis() + 4_000;
            List<java.util.concurrent.Future<String>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                fs.add(pool.submit(() -> {
                    StringBuilder bad = new StringBuilder();
                    for (int i = 0; i < 400 && System.currentTimeMillis() < until; i++) {
                        TestServer.Res x = i % 2 == 0 ? s.post("/v1/collections", "{\"name\": \"storm\"}") : s.delete("/v1/collections/storm");
                        if (x.status() >= 500) {
                            bad.append(x).append('\n');
                        }
                    }
                    return bad.toString();
                }));
            }
            for (java.util.concurrent.Future<String> f : fs) {
                assertEquals("", f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            boolean listed = s.get("/v1/collections/storm").status() == 200;
            boolean onDisk = java.nio.file.Files.exists(s.data.resolve("storm").resolve("MANIFEST"));
            assertEquals(listed, onDisk, "the API and the data folder disagree about 'storm'");
            if (listed) {
                assertTrue(java.nio.file.Files.exists(s.data.resolve("storm").resolve("encoder.bse"))
                        || java.nio.file.Files.exists(s.data.resolve("storm").resolve("encoder.ref")));
            }
        } finally {
            CollectionRegistry.dropHook = null;
            pool.shutdownNow();
        }
    }

    /** Probe (follow-up of the create-waits-for-drop fix): a create that waited through a shutdown opened a collection after it. */
    @Test
    void aCreateWaitingForADropDoesNotOpenAfterShutdown(@TempDir Path tmp) throws Exception {
        org.bitsieve.core.encode.Encoder enc = org.bitsieve.embed.GeneralEncoders.load("all-minilm-l6-v2", 128);
        CollectionRegistry reg = CollectionRegistry.open(tmp.resolve("data"), 10);
        reg.create("w", enc, org.bitsieve.store.FloatFormat.NONE, "all-minilm-l6-v2", 128, "shipped", h -> h.name);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Future<String>> created = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            CollectionRegistry.dropHook = () -> {
                created.set(pool.submit(() -> reg.create("w", enc, org.bitsieve.store.FloatFormat.NONE, "all-minilm-l6-v2", 128,
                        "shipped", h -> h.name)));
                try {
                    Thread.sleep(300); // the create is waiting for this drop
                    reg.close();      // and the server shuts down meanwhile
                } catch (InterruptedException | IOException e) {
                    throw new AssertionError(e);
                }
            };
            reg.drop("w");
        } finally {
            CollectionRegistry.dropHook = null;
        }
        try {
            String got = created.get().get(30, java.util.concurrent.TimeUnit.SECONDS);
            throw new AssertionError("a create finished after the registry closed: " + got);
        } catch (java.util.concurrent.ExecutionException e) {
            assertTrue(e.getCause() instanceof ApiError a && a.code() == ApiError.Code.UNAVAILABLE, String.valueOf(e.getCause()));
        } finally {
            pool.shutdownNow();
        }
        assertFalse(java.nio.file.Files.exists(tmp.resolve("data").resolve("w").resolve("MANIFEST")));
    }

    /** Probe: valid JSON with a huge integer was invalid_json; '{...}{}' and a blank body were wrong_type. */
    @Test
    void jsonCodesMatchTheDocs() {
        for (String k : List.of("2147483648", "-2147483649", "9".repeat(300))) {
            TestServer.Res r = s.post("/v1/collections/c/search", "{\"vector\": " + good + ", \"k\": " + k + "}");
            expect(400, "invalid_value", r);
            assertTrue(r.json().path("error").path("message").asText().contains("'k'"), r.toString());
            assertFalse(r.body().contains("999999999"), r.toString());
        }
        expect(400, "invalid_value", s.post("/v1/collections", "{\"name\": \"n\", \"bits\": 99999999999}"));
        expect(400, "invalid_json", s.post("/v1/collections/c/search", "{\"vector\": " + good + "}{}"));
        expect(400, "invalid_json", s.post("/v1/collections/c/search", "{\"vector\": " + good + "} []"));
        expect(400, "invalid_json", s.post("/v1/collections/c/search", " \r\n\t "));
    }

    /**
     * Probe: "Content-Encoding: gzip" and "Transfer-Encoding: gzip, chunked" were ignored, so a plain body
     * labelled gzip was accepted (200) and a real one would be parsed as garbage.
     */
    @Test
    void compressedBodiesAre415() throws IOException {
        String b = "{\"vector\": " + good + ", \"k\": 1}";
        for (String coding : List.of("gzip", "br", "deflate", "gzip, identity")) {
            String resp = s.raw("POST /v1/collections/c/search HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.WRITE_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Encoding: " + coding + "\r\nContent-Length: " + b.length()
                    + "\r\nConnection: close\r\n\r\n" + b);
            assertEquals(415, status(resp), coding + ": " + resp);
            assertEquals("unsupported_media_type", TestServer.JSON.readTree(body(resp)).path("error").path("code").asText(), resp);
        }
        // a transfer coding other than chunked ("gzip, chunked") was ignored the same way
        for (String te : List.of("gzip, chunked", "deflate, chunked", "br, chunked")) {
            String resp = s.raw("POST /v1/collections/c/search HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.WRITE_KEY
                    + "\r\nTransfer-Encoding: " + te + "\r\nConnection: close\r\n\r\n" + Integer.toHexString(b.length()) + "\r\n" + b
                    + "\r\n0\r\n\r\n");
            assertEquals(400, status(resp), te + ": " + resp);
            assertEquals("bad_request", TestServer.JSON.readTree(body(resp)).path("error").path("code").asText(), resp);
        }
        String plain = s.raw("POST /v1/collections/c/search HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.WRITE_KEY
                + "\r\nContent-Encoding: identity\r\nContent-Length: " + b.length() + "\r\nConnection: close\r\n\r\n" + b);
        assertEquals(200, status(plain), plain);
    }

    /** Probe: with two Authorization headers the first won, so "Bearer good" + "Bearer bad" was let in. */
    @Test
    void twoKeyHeadersAreRefused() throws IOException {
        for (String headers : List.of(
                "Authorization: Bearer " + TestServer.WRITE_KEY + "\r\nAuthorization: Bearer nope",
                "Authorization: Bearer nope\r\nAuthorization: Bearer " + TestServer.WRITE_KEY,
                "Authorization: Bearer " + TestServer.WRITE_KEY + "\r\nAuthorization: Bearer " + TestServer.WRITE_KEY,
                "X-API-Key: " + TestServer.READ_KEY + "\r\nX-API-Key: " + TestServer.WRITE_KEY)) {
            String resp = s.raw("GET /v1/collections HTTP/1.1\r\nHost: x\r\n" + headers + "\r\nConnection: close\r\n\r\n");
            assertEquals(401, status(resp), headers + ": " + resp);
            assertEquals("unauthorized", TestServer.JSON.readTree(body(resp)).path("error").path("code").asText(), resp);
        }
        String one = s.raw("GET /v1/collections HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.WRITE_KEY
                + "\r\nConnection: close\r\n\r\n");
        assertEquals(200, status(one), one);
    }
}
