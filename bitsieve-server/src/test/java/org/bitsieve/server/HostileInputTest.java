package org.bitsieve.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.embed.GeneralEncoders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue items 6, 7 and 9: 500s on valid input, non-finite numbers in responses, unchecked Content-Type, Java class
 * names in messages, 431 labelled as a body problem, HTTP/0.9. Every response here must parse as strict JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    TestServer s;
    float[] v;
    String good;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        s = new TestServer(tmp.resolve("data"), ServerConfig.Limits.defaults());
        v = TestServer.vectors(1).row(0);
        good = TestServer.vec(v);
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"c\"}").status());
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"empty\"}").status());
        assertEquals(200, s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"a\", \"vector\": " + good
                + ", \"metadata\": {\"topic\": \"x\"}}, {\"id\": \"b\", \"vector\": " + good + "}]}").status());
    }

    @AfterAll
    void stop() throws IOException {
        s.close();
        assertFalse(s.log.toString().contains("incident"), s.log.toString());
    }

    private static void strictJson(TestServer.Res r) {
        assertTrue(r.contentType().startsWith("application/json"), r.toString());
        r.json(); // strict: NaN, Infinity and trailing garbage are refused by the default parser
        assertTrue(r.status() < 500, r.toString());
    }

    private static void expect(int status, String code, TestServer.Res r) {
        strictJson(r);
        assertEquals(status, r.status(), r.toString());
        assertEquals(code, r.code(), r.toString());
    }

    // ---------------------------------------------------------------- item 6

    @Test
    void classifyWithoutAnyLabelledNeighbourIs200WithLabelNull() {
        TestServer.Res r = s.post("/v1/collections/c/classify", "{\"vector\": " + good + ", \"k\": 2, \"label_field\": \"nope\"}");
        strictJson(r);
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.json().has("label") && r.json().get("label").isNull(), r.toString());
        assertEquals(0, r.json().get("votes").size());
        assertEquals(2, r.json().get("neighbours").size());
        TestServer.Res e = s.post("/v1/collections/empty/classify", "{\"vector\": " + good + "}");
        assertEquals(200, e.status(), e.toString());
        assertTrue(e.json().get("label").isNull());
        // with a label present the vote still happens
        TestServer.Res t = s.post("/v1/collections/c/classify", "{\"vector\": " + good + ", \"k\": 2, \"label_field\": \"topic\"}");
        assertEquals("x", t.json().get("label").asText(), t.toString());
    }

    @Test
    void uploadedEncodersWithNaNOrHugeParametersAreRefused() {
        Encoder shipped = GeneralEncoders.load("all-minilm-l6-v2", 128);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, 3e38f, -1e20f}) {
            Map<String, float[]> arrays = new HashMap<>();
            boolean first = true;
            for (Map.Entry<String, float[]> a : shipped.arrays().entrySet()) {
                float[] copy = a.getValue().clone();
                if (first && copy.length > 0) {
                    Arrays.fill(copy, bad);
                    first = false;
                }
                arrays.put(a.getKey(), copy);
            }
            Encoder poisoned = Encoders.kind(shipped.kind()).restore(shipped.dimension(), shipped.bits(), shipped.params(), arrays);
            String b64 = Base64.getEncoder().encodeToString(EncoderFiles.toBytes(poisoned));
            TestServer.Res r = s.post("/v1/collections", "{\"name\": \"poison\", \"encoder\": \"" + b64 + "\"}");
            expect(400, "invalid_value", r);
            assertTrue(r.body().contains("finite"), r.toString());
        }
        expect(404, "collection_not_found", s.get("/v1/collections/poison"));
    }

    // ---------------------------------------------------------------- item 7

    @Test
    void vectorsWithExtremeNormsAreRefusedAndScoresAreAlwaysFinite() {
        float[] tiny = new float[v.length];
        Arrays.fill(tiny, 1e-45f);
        float[] huge = new float[v.length];
        Arrays.fill(huge, 3e38f);
        float[] zero = new float[v.length];
        for (float[] bad : List.of(tiny, huge, zero)) {
            String q = TestServer.vec(bad);
            for (String mode : List.of("asymmetric", "hamming")) {
                expect(400, "invalid_vector", s.post("/v1/collections/c/search", "{\"vector\": " + q + ", \"mode\": \"" + mode + "\"}"));
                expect(400, "invalid_vector", s.post("/v1/collections/c/classify", "{\"vector\": " + q + ", \"mode\": \"" + mode + "\"}"));
            }
            expect(400, "invalid_vector", s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"z\", \"vector\": " + q + "}]}"));
            expect(400, "invalid_vector", s.post("/v1/encode", "{\"vectors\": [" + q + "]}"));
        }
        // near the bounds, still finite everywhere
        float[] small = v.clone();
        float[] big = v.clone();
        for (int i = 0; i < v.length; i++) {
            small[i] *= 1e-11f;
            big[i] *= 1e11f;
        }
        for (float[] q : List.of(small, big)) {
            for (String mode : List.of("asymmetric", "hamming")) {
                TestServer.Res r = s.post("/v1/collections/c/search", "{\"vector\": " + TestServer.vec(q) + ", \"mode\": \"" + mode + "\"}");
                strictJson(r);
                assertEquals(200, r.status(), r.toString());
                for (JsonNode h : r.json().get("hits")) {
                    assertTrue(h.get("score").isNumber() && Double.isFinite(h.get("score").asDouble()), r.toString());
                }
            }
        }
    }

    @Test
    void nonFiniteFloatsAreWrittenAsNull() {
        String out = new String(Json.write(new Bodies.HitOut("x", Float.POSITIVE_INFINITY, null, null)), StandardCharsets.UTF_8);
        assertEquals("{\"id\":\"x\",\"score\":null}", out);
        assertEquals("{\"model\":\"m\",\"dimension\":2,\"vectors\":[[null,1.0]]}",
                new String(Json.write(new Bodies.EmbedResponse("m", 2, new float[][] {{Float.NaN, 1f}})), StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- item 9

    @Test
    void contentTypeIsChecked() {
        byte[] body = ("{\"vector\": " + good + ", \"k\": 1}").getBytes(StandardCharsets.UTF_8);
        for (String ok : new String[] {null, "application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8",
                "application/vnd.api+json", "application/x-www-form-urlencoded"}) {
            TestServer.Res r = s.postBytes("/v1/collections/c/search", body, ok, TestServer.READ_KEY);
            assertEquals(200, r.status(), ok + ": " + r);
        }
        for (String bad : new String[] {"text/plain", "multipart/form-data; boundary=x", "application/xml", "image/png", "json"}) {
            expect(415, "unsupported_media_type", s.postBytes("/v1/collections/c/search", body, bad, TestServer.READ_KEY));
        }
        // authentication comes first: no key, no hint about types
        expect(401, "unauthorized", s.postBytes("/v1/collections/c/search", body, "text/plain", null));
    }

    @Test
    void messagesNeverNameJavaClasses() {
        List<String> probes = new ArrayList<>();
        String[] values = {"5", "\"s\"", "true", "[1]", "{\"a\":1}", "null", "1.5", "-1", "99999999999999999999", "[[1]]", "[\"x\"]"};
        Map<String, String[]> fields = Map.of(
                "/v1/collections/c/search", new String[] {"vector", "text", "k", "mode", "oversample", "filter"},
                "/v1/collections/c/classify", new String[] {"vector", "label_field", "k", "filter"},
                "/v1/collections/c/documents", new String[] {"documents", "mode"},
                "/v1/collections/c/documents/get", new String[] {"ids", "include_vectors"},
                "/v1/collections", new String[] {"name", "bits", "floats", "encoder", "model"},
                "/v1/encode", new String[] {"vectors", "texts", "vectors_base64", "bits", "format", "collection"},
                "/v1/embed", new String[] {"texts", "role", "model"});
        for (Map.Entry<String, String[]> e : fields.entrySet()) {
            for (String f : e.getValue()) {
                for (String val : values) {
                    probes.add(e.getKey() + "\u0000{\"" + f + "\": " + val + "}");
                }
            }
        }
        probes.add("/v1/collections/c/documents\u0000{\"documents\": [{\"id\": 5}]}");
        probes.add("/v1/collections/c/documents\u0000{\"documents\": [{\"id\": \"q\", \"vector\": {\"x\": 1}}]}");
        probes.add("/v1/collections/c/search\u0000{\"vector\": " + good + ", \"filter\": {\"field\": 1, \"value\": \"x\"}}");
        probes.add("/v1/collections/c/search\u0000{\"vector\": " + good + ", \"filter\": {\"field\": \"t\", \"value\": [1]}}");
        for (String p : probes) {
            String[] pb = p.split("\u0000", 2);
            TestServer.Res r = s.post(pb[0], pb[1]);
            strictJson(r);
            String m = r.json().path("error").path("message").asText("");
            assertFalse(m.contains("java.") || m.contains("class ") || m.matches("(?s).*`[a-z]+(\\[\\])+`.*") || m.contains("Exception")
                    || m.contains("org.bitsieve") || m.contains("com.fasterxml"), pb[0] + " " + pb[1] + " -> " + r);
        }
    }

    @Test
    void oversizedHeadersAre431AndHttp09IsNotAnInternalError() throws IOException {
        String resp = s.raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\nConnection: close\r\n\r\n");
        assertTrue(resp.startsWith("HTTP/1.1 431"), resp);
        assertTrue(resp.contains("\"headers_too_large\""), resp);
        for (String req : new String[] {"GET /health\r\n\r\n", "GET /\r\n", "GET /health HTTP/0.9\r\n\r\n", "GET /health HTTP/2.0\r\n\r\n",
                "GET /health HTTP/1.7\r\nHost: x\r\n\r\n"}) {
            String r = s.raw(req);
            assertFalse(r.contains("internal_error"), req + " -> " + r);
            assertTrue(r.isEmpty() || r.matches("(?s)HTTP/1\\.[01] 4\\d\\d.*"), req + " -> " + r);
        }
        assertEquals(200, s.call("GET", "/health", null, null).status());
    }
}
