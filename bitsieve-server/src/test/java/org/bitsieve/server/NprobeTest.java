package org.bitsieve.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.encode.Progress;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.Doc;
import org.bitsieve.store.FloatFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** {@code nprobe} in search and classify bodies: a partitioned collection made with the store API, and a plain one. */
class NprobeTest {
    @TempDir
    static Path tmp;

    static TestServer s;
    static final int CELLS = 8;
    static float[] query;

    @BeforeAll
    static void start() throws Exception {
        Random r = new Random(11);
        int n = 400;
        int dim = 384;
        float[] d = new float[n * dim];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian() + (i / dim % 4 == (i % dim) % 4 ? 2f : 0f);
        }
        FloatMatrix x = new FloatMatrix(d, n, dim);
        query = x.row(17);
        CoarseQuantizer q = CoarseQuantizer.fit(x, CELLS, 16, 5, 1, Progress.NONE);
        try (Collection c = Collection.create(tmp.resolve("data").resolve("p"), Encoders.fit("pcaq", x, FitOptions.bits(64)),
                new CollectionOptions(FloatFormat.F32, 1000).withCoarse(q))) {
            List<Doc> docs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                docs.add(new Doc("d" + i, x.row(i), "t" + i, "{\"label\": \"" + (i % 4) + "\"}"));
            }
            c.add(docs);
        }
        s = new TestServer(tmp.resolve("data"), ServerConfig.Limits.defaults());
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"plain\", \"floats\": \"f32\"}").status());
        assertEquals(200, s.post("/v1/collections/plain/documents", "{\"documents\": [{\"id\": \"a\", \"vector\": " + TestServer.vec(query)
                + "}]}").status());
    }

    @AfterAll
    static void stop() throws Exception { s.close(); }

    private static TestServer.Res search(String coll, String extra) {
        return s.post("/v1/collections/" + coll + "/search", "{\"vector\": " + TestServer.vec(query) + ", \"k\": 5" + extra + "}");
    }

    @Test
    void nprobeZeroAndAllCellsGiveTheExactAnswer() {
        TestServer.Res exact = search("p", ", \"nprobe\": 0");
        assertEquals(200, exact.status(), exact.toString());
        assertEquals(exact.json().get("hits"), search("p", ", \"nprobe\": " + CELLS).json().get("hits"));
        assertEquals(exact.json().get("hits"), search("p", "").json().get("hits"), "400 documents: exact by default");
        TestServer.Res one = search("p", ", \"nprobe\": 1");
        assertEquals(200, one.status(), one.toString());
        JsonNode top = one.json().get("hits").get(0);
        assertEquals("d17", top.get("id").asText(), "the query's own row is in its own cell");
        TestServer.Res cl = s.post("/v1/collections/p/classify", "{\"vector\": " + TestServer.vec(query) + ", \"k\": 5, \"nprobe\": 2}");
        assertEquals(200, cl.status(), cl.toString());
    }

    /** {@code "coarse": "general"} at create: partitioned by the model's shipped quantiser, searched with nprobe. */
    @Test
    void createWithTheShippedCoarseQuantiser() {
        for (String model : List.of("all-minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2")) {
            String name = "g-" + model.replace('.', '-');
            TestServer.Res made = s.post("/v1/collections", "{\"name\": \"" + name + "\", \"model\": \"" + model + "\", \"coarse\": \"general\"}");
            assertEquals(201, made.status(), model + ": " + made);
            assertEquals(1024, made.json().get("partitioning").get("cells").asInt(), made.toString());
            assertEquals(200, s.post("/v1/collections/" + name + "/documents", "{\"documents\": [{\"id\": \"a\", \"vector\": "
                    + TestServer.vec(query) + "}]}").status());
            TestServer.Res hit = s.post("/v1/collections/" + name + "/search", "{\"vector\": " + TestServer.vec(query) + ", \"nprobe\": 1}");
            assertEquals(200, hit.status(), hit.toString());
            assertEquals("a", hit.json().get("hits").get(0).get("id").asText(), "a one-document collection finds it in its own cell");
            assertEquals(400, s.post("/v1/collections/" + name + "/search", "{\"vector\": " + TestServer.vec(query) + ", \"nprobe\": 1025}").status());
        }
        TestServer.Res other = s.post("/v1/collections", "{\"name\": \"g-file\", \"coarse\": \"/tmp/q.bsq\"}");
        assertEquals(400, other.status(), other.toString());
        assertEquals("invalid_value", other.code(), other.toString());
        assertTrue(other.json().get("error").get("message").asText().contains("\"general\""), other.toString());
        assertEquals(404, s.get("/v1/collections/g-file").status(), "a refused create leaves no collection");
        TestServer.Res type = s.post("/v1/collections", "{\"name\": \"g-type\", \"coarse\": true}");
        assertEquals(400, type.status(), type.toString());
    }

    @Test
    void badNprobeIsA400NamingTheRange() {
        for (String v : List.of("-1", "9", "100000")) {
            TestServer.Res res = search("p", ", \"nprobe\": " + v);
            assertEquals(400, res.status(), v + " -> " + res);
            assertEquals("invalid_value", res.code(), res.toString());
            assertTrue(res.json().get("error").get("message").asText().contains("0.." + CELLS), res.toString());
        }
        TestServer.Res res = search("plain", ", \"nprobe\": 4");
        assertEquals(400, res.status(), res.toString());
        assertTrue(res.json().get("error").get("message").asText().contains("not partitioned"), res.toString());
        assertEquals(200, search("plain", ", \"nprobe\": 0").status());
        TestServer.Res type = search("p", ", \"nprobe\": \"four\"");
        assertEquals(400, type.status(), type.toString());
        TestServer.Res cl = s.post("/v1/collections/p/classify", "{\"vector\": " + TestServer.vec(query) + ", \"nprobe\": 9}");
        assertEquals(400, cl.status(), cl.toString());
    }

    @Test
    void calibrateMeasuresKeepsAndShowsTheDefaultNprobe() {
        TestServer.Res cal = s.post("/v1/collections/p/calibrate", "{\"target\": 0.9, \"queries\": 50}");
        assertEquals(200, cal.status(), cal.toString());
        JsonNode c = cal.json();
        int nprobe = c.get("nprobe").asInt();
        assertTrue(nprobe >= 1 && nprobe <= CELLS, c.toString());
        assertTrue(c.get("recall").asDouble() >= 0.9, c.toString());
        assertEquals(50, c.get("queries").asInt());
        assertEquals(nprobe, c.get("curve").get(c.get("curve").size() - 1).get("nprobe").asInt());
        JsonNode info = s.get("/v1/collections/p").json().get("partitioning");
        assertEquals(CELLS, info.get("cells").asInt(), info.toString());
        assertEquals(0, info.get("default_nprobe").asInt(), "400 documents: exact by default whatever was measured");
        assertEquals(c, info.get("calibration"));
        assertNull(s.get("/v1/collections/plain").json().get("partitioning"));
        // sample vectors instead of stored documents; an empty body keeps the last target
        TestServer.Res vec = s.post("/v1/collections/p/calibrate", "{\"vectors\": [" + TestServer.vec(query) + "]}");
        assertEquals(200, vec.status(), vec.toString());
        assertEquals(1, vec.json().get("queries").asInt());
        assertEquals(0.9, vec.json().get("target").asDouble());
        assertEquals(200, s.post("/v1/collections/p/calibrate", "").status());
    }

    @Test
    void calibrateRefusesBadBodiesWithInvalidValue() {
        String[] bad = {"{\"target\": 2}", "{\"target\": 0}", "{\"queries\": 0}", "{\"queries\": 5, \"vectors\": [[1]]}",
                "{\"vectors\": [[1, 2, 3]]}", "{\"vectors\": []}", "{\"vectors\": [null]}", "{\"sample\": 5}", "{\"target\": \"high\"}", "[1]"};
        for (String b : bad) {
            TestServer.Res r = s.post("/v1/collections/p/calibrate", b);
            assertEquals(400, r.status(), b + ": " + r);
        }
        TestServer.Res plain = s.post("/v1/collections/plain/calibrate", "");
        assertEquals(400, plain.status(), plain.toString());
        assertTrue(plain.json().get("error").get("message").asText().contains("not partitioned"), plain.toString());
        assertEquals(404, s.post("/v1/collections/nope/calibrate", "").status());
    }
}
