package org.bitsieve.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.Models;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.bitsieve.server.TestServer.READ_KEY;
import static org.bitsieve.server.TestServer.WRITE_KEY;
import static org.bitsieve.server.TestServer.str;
import static org.bitsieve.server.TestServer.vec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint of the real server over HTTP, with the real default model and the shipped general encoder:
 * results are checked against the library (same codes as the encoder gives, same vectors as the reference
 * embeddings, same top-k as exact float search).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiServerTest {
    static final ServerConfig.Limits LIMITS = new ServerConfig.Limits(1 << 20, 200, 2000, 100);

    TestServer s;
    FloatMatrix trec;
    List<String> texts = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();

    @org.junit.jupiter.api.BeforeEach
    void needsData() {
        TestServer.shared(); // skips each test without the data (fails if it was asked for), so Surefire counts them
    }

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        if (!org.bitsieve.core.SharedData.available()) {
            return;
        }
        s = new TestServer(tmp.resolve("data"), LIMITS);
        trec = TestServer.trec(300);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(TestServer.shared().resolve("data/trec/train.jsonl.gz"))), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 300; i++) {
                JsonNode n = TestServer.JSON.readTree(r.readLine());
                texts.add(n.get("text").asText());
                labels.add(n.get("label").asInt());
            }
        }
    }

    @AfterAll
    void stop() throws IOException {
        if (s != null) {
            s.close();
        }
    }

    @Test
    void healthNeedsNoKeyEverythingElseDoes() {
        TestServer.Res h = s.call("GET", "/health", null, null);
        assertEquals(200, h.status());
        assertEquals("ok", h.json().get("status").asText());
        for (String[] r : new String[][]{{"GET", "/metrics"}, {"GET", "/openapi.json"}, {"GET", "/v1/collections"},
                {"POST", "/v1/encode"}, {"POST", "/v1/embed"}, {"GET", "/v1/collections/x"}, {"POST", "/v1/collections/x/search"}}) {
            TestServer.Res res = s.call(r[0], r[1], r[0].equals("POST") ? "{}" : null, null);
            assertEquals(401, res.status(), r[1] + ": " + res);
            assertEquals("unauthorized", res.code());
            TestServer.Res wrong = s.call(r[0], r[1], r[0].equals("POST") ? "{}" : null, WRITE_KEY + "x");
            assertEquals(401, wrong.status(), r[1] + ": " + wrong);
            assertEquals("unauthorized", wrong.code());
        }
        // the key also works as X-API-Key
        assertEquals(200, s.http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.base() + "/v1/collections"))
                .header("X-API-Key", READ_KEY).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).join().statusCode());
    }

    @Test
    void encodeVectorsGivesTheShippedEncodersCodesInEveryFormat() {
        Encoder enc = GeneralEncoders.load(Models.DEFAULT, GeneralEncoders.DEFAULT_BITS);
        String body = "{\"vectors\": [" + vec(trec.row(0)) + "," + vec(trec.row(1)) + "]";
        for (String format : List.of("base64", "hex", "int8", "uint8")) {
            TestServer.Res r = s.call("POST", "/v1/encode", body + ", \"format\": \"" + format + "\"}", READ_KEY);
            assertEquals(200, r.status(), r.toString());
            JsonNode j = r.json();
            assertEquals("all-minilm-l6-v2", j.get("model").asText());
            assertEquals(256, j.get("bits").asInt());
            for (int i = 0; i < 2; i++) {
                byte[] expected = bytes(enc.encode(trec.row(i)), 32);
                JsonNode c = j.get("codes").get(i);
                byte[] got = switch (format) {
                    case "base64" -> Base64.getDecoder().decode(c.asText());
                    case "hex" -> HexFormat.of().parseHex(c.asText());
                    default -> {
                        byte[] b = new byte[c.size()];
                        for (int k = 0; k < b.length; k++) {
                            int v = c.get(k).asInt();
                            assertTrue(format.equals("int8") ? v >= -128 && v <= 127 : v >= 0 && v <= 255);
                            b[k] = (byte) (format.equals("int8") ? v + 128 : v);
                        }
                        yield b;
                    }
                };
                assertArrayEquals(expected, got, format + " code " + i);
            }
        }
        // the same vectors as base64 float32 give the same codes
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(2 * 384 * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 2; i++) {
            for (float x : trec.row(i)) {
                bb.putFloat(x);
            }
        }
        String b64 = Base64.getEncoder().encodeToString(bb.array());
        TestServer.Res fromB64 = s.post("/v1/encode", "{\"vectors_base64\": \"" + b64 + "\", \"format\": \"hex\"}");
        assertEquals(s.post("/v1/encode", body + ", \"format\": \"hex\"}").json().get("codes"), fromB64.json().get("codes"), fromB64.toString());
        assertEquals("wrong_dimension", s.post("/v1/encode", "{\"vectors_base64\": \"" + b64.substring(0, 100) + "\"}").code());
        bb.putFloat(4 * 17, Float.NaN);
        assertEquals("non_finite_value", s.post("/v1/encode", "{\"vectors_base64\": \""
                + Base64.getEncoder().encodeToString(bb.array()) + "\"}").code());
        assertEquals("invalid_value", s.post("/v1/encode", "{\"vectors_base64\": \"" + b64 + "\", \"texts\": [\"a\"]}").code());
        TestServer.Res b128 = s.post("/v1/encode", "{\"vectors\": [" + vec(trec.row(0)) + "], \"bits\": 128, \"format\": \"hex\"}");
        assertEquals(32, b128.json().get("codes").get(0).asText().length());
        TestServer.Res bad = s.post("/v1/encode", "{\"vectors\": [" + vec(trec.row(0)) + "], \"bits\": 100}");
        assertEquals(400, bad.status());
        assertEquals("encoder_unavailable", bad.code());
        assertTrue(bad.json().get("error").get("message").asText().contains("128"), bad.toString());
        TestServer.Res model = s.post("/v1/encode", "{\"vectors\": [" + vec(trec.row(0)) + "], \"model\": \"no-such-model\"}");
        assertEquals("unknown_model", model.code());
    }

    @Test
    void embedMatchesTheReferenceEmbeddingsAndEncodeTextsMatchesEncodeVectors() {
        String arr = "[" + str(texts.get(0)) + "," + str(texts.get(1)) + "," + str(texts.get(2)) + "]";
        TestServer.Res r = s.call("POST", "/v1/embed", "{\"texts\": " + arr + "}", READ_KEY);
        assertEquals(200, r.status(), r.toString());
        assertEquals(384, r.json().get("dimension").asInt());
        JsonNode vs = r.json().get("vectors");
        float[][] got = new float[3][384];
        for (int i = 0; i < 3; i++) {
            double dot = 0;
            for (int j = 0; j < 384; j++) {
                got[i][j] = (float) vs.get(i).get(j).asDouble();
                dot += got[i][j] * trec.get(i, j);
            }
            assertTrue(dot > 0.999, "cosine to the reference embedding of text " + i + ": " + dot);
        }
        TestServer.Res fromTexts = s.post("/v1/encode", "{\"texts\": " + arr + ", \"format\": \"hex\"}");
        TestServer.Res fromVectors = s.post("/v1/encode", "{\"vectors\": [" + vec(got[0]) + "," + vec(got[1]) + "," + vec(got[2])
                + "], \"format\": \"hex\"}");
        assertEquals(200, fromTexts.status(), fromTexts.toString());
        assertEquals(fromVectors.json().get("codes"), fromTexts.json().get("codes"));
        TestServer.Res role = s.post("/v1/embed", "{\"texts\": [\"a\"], \"role\": \"answer\"}");
        assertEquals("invalid_value", role.code());
    }

    @Test
    void collectionLifecycleDocumentsSearchClassify() throws IOException {
        String c = "/v1/collections/life";
        TestServer.Res created = s.post("/v1/collections", "{\"name\": \"life\", \"floats\": \"f32\"}");
        assertEquals(201, created.status(), created.toString());
        assertEquals(256, created.json().get("bits").asInt());
        assertEquals("all-minilm-l6-v2", created.json().get("model").asText());
        assertEquals("f32", created.json().get("floats").asText());
        assertEquals("collection_exists", s.post("/v1/collections", "{\"name\": \"life\"}").code());
        assertTrue(Files.isDirectory(s.data.resolve("life")));

        // 200 documents with vectors and labels, in two batches; then 3 by text only
        for (int from = 0; from < 200; from += 100) {
            StringBuilder b = new StringBuilder("{\"mode\": \"add\", \"documents\": [");
            for (int i = from; i < from + 100; i++) {
                b.append(i > from ? "," : "").append("{\"id\": \"d").append(i).append("\", \"text\": ").append(str(texts.get(i)))
                        .append(", \"vector\": ").append(vec(trec.row(i))).append(", \"metadata\": {\"label\": ").append(labels.get(i)).append("}}");
            }
            TestServer.Res w = s.post(c + "/documents", b.append("]}").toString());
            assertEquals(200, w.status(), w.toString());
            assertEquals(100, w.json().get("written").asInt());
            assertEquals(from + 100, w.json().get("documents").asInt());
        }
        TestServer.Res byText = s.post(c + "/documents", "{\"documents\": [{\"id\": \"t0\", \"text\": " + str(texts.get(250))
                + ", \"metadata\": {\"label\": " + labels.get(250) + "}}, {\"id\": \"t1\", \"text\": " + str(texts.get(251)) + "}]}");
        assertEquals(200, byText.status(), byText.toString());
        assertEquals(202, byText.json().get("documents").asInt());
        TestServer.Res dup = s.post(c + "/documents", "{\"mode\": \"add\", \"documents\": [{\"id\": \"d5\", \"vector\": " + vec(trec.row(5)) + "}]}");
        assertEquals(409, dup.status(), dup.toString());
        assertEquals("document_exists", dup.code());
        TestServer.Res upsert = s.post(c + "/documents", "{\"documents\": [{\"id\": \"d5\", \"text\": \"replaced\", \"vector\": "
                + vec(trec.row(5)) + ", \"metadata\": {\"label\": " + labels.get(5) + "}}]}");
        assertEquals(1, upsert.json().get("replaced").asInt(), upsert.toString());
        assertEquals(202, upsert.json().get("documents").asInt());

        // get one, get many, list, info
        TestServer.Res d = s.call("GET", c + "/documents/d5?include_vector=true", null, READ_KEY);
        assertEquals(200, d.status(), d.toString());
        assertEquals("replaced", d.json().get("text").asText());
        assertEquals(labels.get(5).intValue(), d.json().get("metadata").get("label").asInt());
        assertEquals(384, d.json().get("vector").size());
        assertEquals(trec.get(5, 7), (float) d.json().get("vector").get(7).asDouble(), 0f);
        TestServer.Res many = s.call("POST", c + "/documents/get", "{\"ids\": [\"d1\", \"nope\", \"t0\"]}", READ_KEY);
        assertEquals(2, many.json().get("documents").size());
        assertEquals("nope", many.json().get("missing").get(0).asText());
        assertEquals(texts.get(250), many.json().get("documents").get(1).get("text").asText());
        assertEquals("document_not_found", s.get(c + "/documents/nope").code());
        JsonNode list = s.call("GET", "/v1/collections", null, READ_KEY).json().get("collections");
        boolean seen = false;
        for (JsonNode x : list) {
            if (x.get("name").asText().equals("life")) {
                seen = true;
                assertEquals(202, x.get("documents").asInt());
            }
        }
        assertTrue(seen, list.toString());
        JsonNode info = s.call("GET", c, null, READ_KEY).json();
        assertEquals(202, info.get("documents").asInt());
        assertEquals(384, info.get("dimension").asInt());
        assertTrue(info.get("bytes").get("wal").asLong() > 0, info.toString());

        // search by vector with full re-ranking equals exact cosine top-10 over the stored vectors
        float[] q = trec.row(42);
        TestServer.Res hits = s.call("POST", c + "/search", "{\"vector\": " + vec(q) + ", \"k\": 10, \"oversample\": 100}", READ_KEY);
        assertEquals(200, hits.status(), hits.toString());
        List<String> expected = exactTop(q, 10);
        List<String> got = new ArrayList<>();
        hits.json().get("hits").forEach(h -> got.add(h.get("id").asText()));
        assertEquals(expected, got);
        assertEquals(1.0, hits.json().get("hits").get(0).get("score").asDouble(), 1e-4);
        // by text (the collection's model embeds the query): the document with that text comes first
        TestServer.Res t = s.call("POST", c + "/search", "{\"text\": " + str(texts.get(17)) + ", \"k\": 3}", READ_KEY);
        assertEquals("d17", t.json().get("hits").get(0).get("id").asText(), t.toString());
        // hamming mode and a filter
        TestServer.Res f = s.call("POST", c + "/search", "{\"vector\": " + vec(q) + ", \"k\": 20, \"mode\": \"hamming\", \"oversample\": 1, "
                + "\"filter\": {\"field\": \"label\", \"value\": " + labels.get(42) + "}}", READ_KEY);
        assertEquals(200, f.status(), f.toString());
        assertTrue(f.json().get("hits").size() > 0);
        for (JsonNode h : f.json().get("hits")) {
            assertEquals(labels.get(42).intValue(), h.get("metadata").get("label").asInt(), h.toString());
        }
        // classify: a training document's own vector, with k = 1, votes its own label
        TestServer.Res k = s.call("POST", c + "/classify", "{\"vector\": " + vec(trec.row(99)) + ", \"k\": 1}", READ_KEY);
        assertEquals(200, k.status(), k.toString());
        assertEquals(String.valueOf(labels.get(99)), k.json().get("label").asText());
        assertEquals("d99", k.json().get("neighbours").get(0).get("id").asText());

        // deletes
        TestServer.Res del1 = s.delete(c + "/documents/d0");
        assertEquals(1, del1.json().get("deleted").asInt(), del1.toString());
        assertEquals("document_not_found", s.delete(c + "/documents/d0").code());
        TestServer.Res delMany = s.post(c + "/documents/delete", "{\"ids\": [\"d1\", \"d2\", \"gone\"]}");
        assertEquals(2, delMany.json().get("deleted").asInt(), delMany.toString());
        assertEquals(199, delMany.json().get("documents").asInt());
        assertEquals("document_not_found", s.get(c + "/documents/d1").code());

        // drop
        assertEquals(200, s.delete(c).status());
        assertEquals("collection_not_found", s.get(c).code());
        assertEquals("collection_not_found", s.post(c + "/search", "{\"vector\": " + vec(q) + "}").code());
        assertFalse(Files.exists(s.data.resolve("life")));
        assertEquals("collection_not_found", s.delete(c).code());
    }

    @Test
    void aCollectionWithAnUploadedEncoder() {
        Encoder own = org.bitsieve.core.encode.Encoders.fit("sign", trec, org.bitsieve.core.encode.FitOptions.bits(64));
        String b64 = Base64.getEncoder().encodeToString(org.bitsieve.core.io.EncoderFiles.toBytes(own));
        TestServer.Res c = s.post("/v1/collections", "{\"name\": \"own\", \"encoder\": \"" + b64 + "\", \"floats\": \"none\"}");
        assertEquals(201, c.status(), c.toString());
        assertEquals(64, c.json().get("bits").asInt());
        assertTrue(c.json().get("encoder").asText().startsWith("sign"), c.toString());
        assertEquals("invalid_value", s.post("/v1/collections", "{\"name\": \"own2\", \"encoder\": \"" + b64 + "\", \"bits\": 64}").code());
        // /v1/encode with the collection's encoder gives the uploaded encoder's codes
        TestServer.Res e = s.post("/v1/encode", "{\"collection\": \"own\", \"format\": \"hex\", \"vectors\": [" + vec(trec.row(9)) + "]}");
        assertEquals(200, e.status(), e.toString());
        assertEquals(HexFormat.of().formatHex(bytes(own.encode(trec.row(9)), 8)), e.json().get("codes").get(0).asText());
        assertEquals("invalid_value", s.post("/v1/encode", "{\"collection\": \"own\", \"bits\": 64, \"vectors\": [" + vec(trec.row(9)) + "]}").code());
        assertEquals(200, s.delete("/v1/collections/own").status());
    }

    @Test
    void readOnlyKeysCannotWriteAndNothingChanges() {
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"ro\", \"floats\": \"none\"}").status());
        assertEquals(200, s.post("/v1/collections/ro/documents", "{\"documents\": [{\"id\": \"a\", \"vector\": " + vec(trec.row(0)) + "}]}").status());
        String[][] writes = {
                {"POST", "/v1/collections", "{\"name\": \"ro2\"}"},
                {"POST", "/v1/collections/ro/documents", "{\"documents\": [{\"id\": \"b\", \"vector\": " + vec(trec.row(1)) + "}]}"},
                {"POST", "/v1/collections/ro/documents/delete", "{\"ids\": [\"a\"]}"},
                {"DELETE", "/v1/collections/ro/documents/a", null},
                {"DELETE", "/v1/collections/ro", null}};
        for (String[] w : writes) {
            TestServer.Res r = s.call(w[0], w[1], w[2], READ_KEY);
            assertEquals(403, r.status(), w[1] + ": " + r);
            assertEquals("forbidden", r.code());
        }
        assertEquals(1, s.call("GET", "/v1/collections/ro", null, READ_KEY).json().get("documents").asInt());
        assertEquals("collection_not_found", s.get("/v1/collections/ro2").code());
        assertEquals(200, s.call("POST", "/v1/collections/ro/search", "{\"vector\": " + vec(trec.row(0)) + ", \"k\": 1}", READ_KEY).status());
        // no floats kept: re-ranking is refused with a clear message
        TestServer.Res over = s.post("/v1/collections/ro/search", "{\"vector\": " + vec(trec.row(0)) + ", \"oversample\": 5}");
        assertEquals("invalid_value", over.code());
        assertTrue(over.json().get("error").get("message").asText().contains("keeps no float vectors"));
        assertEquals(200, s.delete("/v1/collections/ro").status());
    }

    @Test
    void metricsCountRequestsAndCollections() {
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"metered\", \"floats\": \"none\"}").status());
        s.post("/v1/collections/metered/documents", "{\"documents\": [{\"id\": \"a\", \"vector\": " + vec(trec.row(0)) + "}, "
                + "{\"id\": \"b\", \"vector\": " + vec(trec.row(1)) + "}]}");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, s.post("/v1/collections/metered/search", "{\"vector\": " + vec(trec.row(i)) + ", \"k\": 1}").status());
        }
        TestServer.Res m = s.call("GET", "/metrics", null, READ_KEY);
        assertEquals(200, m.status());
        assertTrue(m.contentType().startsWith("text/plain"), m.contentType());
        String t = m.body();
        long searches = sample(t, "bitsieve_http_requests_total{method=\"POST\",route=\"/v1/collections/{name}/search\",status=\"200\"}");
        assertTrue(searches >= 3, t);
        assertEquals(2, sample(t, "bitsieve_collection_documents{collection=\"metered\"}"));
        assertTrue(sample(t, "bitsieve_collection_bytes{collection=\"metered\",part=\"wal\"}") > 0);
        assertTrue(sample(t, "bitsieve_http_request_duration_seconds_count{method=\"POST\",route=\"/v1/collections/{name}/search\"}") >= 3);
        assertEquals(1, sample(t, "bitsieve_http_requests_in_flight"), "only the metrics request itself is in flight");
        assertEquals(0, sample(t, "bitsieve_searches_waiting"), "no search is waiting for a scan slot");
        assertEquals(Runtime.getRuntime().availableProcessors() + 1, sample(t, "bitsieve_search_slots"));
        assertTrue(t.contains("# TYPE bitsieve_http_request_duration_seconds histogram"));
        assertEquals(200, s.delete("/v1/collections/metered").status());
    }

    static long sample(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no sample " + series + " in\n" + exposition);
    }

    private List<String> exactTop(float[] q, int k) {
        // the collection holds d0..d199 (d5 has the same vector) plus t0/t1 (embedded texts 250, 251)
        List<double[]> scored = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double dot = 0, n = 0;
            for (int j = 0; j < 384; j++) {
                dot += q[j] * trec.get(i, j);
                n += trec.get(i, j) * trec.get(i, j);
            }
            scored.add(new double[]{dot / Math.sqrt(n), i});
        }
        for (int t = 0; t < 2; t++) {
            double dot = 0, n = 0;
            for (int j = 0; j < 384; j++) {
                dot += q[j] * trec.get(250 + t, j);
                n += trec.get(250 + t, j) * trec.get(250 + t, j);
            }
            scored.add(new double[]{dot / Math.sqrt(n) - 1e-3, 1000 + t}); // embedded, ~not identical to reference: kept out of ties
        }
        scored.sort((a, b) -> Double.compare(b[0], a[0]));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int id = (int) scored.get(i)[1];
            out.add(id >= 1000 ? "t" + (id - 1000) : "d" + id);
        }
        return out;
    }

    private static byte[] bytes(long[] words, int n) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) {
            b[k] = (byte) (words[k >>> 3] >>> ((k & 7) << 3));
        }
        return b;
    }

    @Test
    void everyRegisteredRouteIsInTheOpenApiDocumentAndBack() {
        TestServer.Res r = s.call("GET", "/openapi.json", null, READ_KEY);
        assertEquals(200, r.status());
        JsonNode doc = r.json();
        assertTrue(doc.get("openapi").asText().startsWith("3."));
        JsonNode paths = doc.get("paths");
        List<ApiServer.Route> routes = s.server.routes();
        assertTrue(routes.size() >= 16, routes.toString());
        for (ApiServer.Route rt : routes) {
            JsonNode p = paths.get(rt.path());
            assertNotNull(p, "route " + rt + " missing from openapi.json");
            assertNotNull(p.get(rt.method().toLowerCase()), "method of " + rt + " missing from openapi.json");
        }
        int documented = 0;
        for (var it = paths.fields(); it.hasNext(); ) {
            var e = it.next();
            for (var m = e.getValue().fieldNames(); m.hasNext(); ) {
                String method = m.next();
                if (method.equals("parameters")) {
                    continue;
                }
                documented++;
                assertTrue(routes.contains(new ApiServer.Route(method.toUpperCase(), e.getKey())),
                        "openapi.json documents " + method + " " + e.getKey() + " but the server has no such route");
            }
        }
        assertEquals(routes.size(), documented);
    }
}
