package org.bitsieve.server;

import org.bitsieve.core.FloatMatrix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.bitsieve.server.TestServer.vec;
import static org.junit.jupiter.api.Assertions.*;

/** {@code POST /v1/collections/{name}/refit}: the switch, what search and encode answer after it, and refusals. */
class RefitEndpointTest {
    @TempDir
    Path tmp;
    TestServer s;

    @BeforeEach
    void start() throws IOException {
        s = new TestServer(tmp.resolve("data"), new ServerConfig.Limits(16 << 20, 1000, 2000, 100, 16, 30, 1));
    }

    @AfterEach
    void stop() throws IOException {
        s.close();
    }

    /** Posts every row of {@code m} as documents d0, d1, ... in batches of 500. */
    void postAll(String c, FloatMatrix m) throws IOException {
        for (int from = 0; from < m.rows(); from += 500) {
            StringBuilder b = new StringBuilder("{\"documents\": [");
            for (int i = from; i < Math.min(m.rows(), from + 500); i++) {
                b.append(i > from ? "," : "").append("{\"id\": \"d").append(i).append("\", \"vector\": ").append(vec(m.row(i))).append('}');
            }
            TestServer.Res w = s.post(c + "/documents", b.append("]}").toString());
            assertEquals(200, w.status(), w.toString());
        }
    }

    /** The collection's encoder once it satisfies {@code done} (a background switch), or as it is after 5 minutes. */
    String awaitEncoder(String c, java.util.function.Predicate<String> done) throws Exception {
        String e = encoder(c);
        for (long until = System.nanoTime() + 300_000_000_000L; !done.test(e) && System.nanoTime() < until; ) {
            Thread.sleep(100);
            e = encoder(c);
        }
        return e;
    }

    /** Creates collection {@code name} with the other body fields given; returns its path. */
    String create(String name, String fields) throws IOException {
        TestServer.Res r = s.post("/v1/collections", "{\"name\": \"" + name + "\", " + fields + "}");
        assertEquals(201, r.status(), r.toString());
        return "/v1/collections/" + name;
    }

    String encoder(String c) throws IOException { return s.get(c).json().get("encoder").asText(); }

    /** Codes-only search for row {@code i}'s vector finds document d{@code i} first. */
    void assertFindsItself(String c, FloatMatrix m, int i) throws IOException {
        String query = "{\"vector\": " + vec(m.row(i)) + ", \"k\": 3, \"oversample\": 1}";
        assertEquals("d" + i, s.post(c + "/search", query).json().get("hits").get(0).get("id").asText());
    }

    @Test
    void refitSwitchesTheEncoderAndSearchUsesIt() throws IOException {
        FloatMatrix m = TestServer.trec(1500);
        // auto_refit 0: no adaptation in the background (from 1,000 documents) to race the requests below
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"own\", \"floats\": \"f16\", \"auto_refit\": 0}").status());
        String c = "/v1/collections/own";
        postAll(c, m);
        String before = s.get(c).json().get("encoder").asText();
        assertFindsItself(c, m, 42);

        TestServer.Res dry = s.post(c + "/refit", "{\"kinds\": [\"pcaq\"], \"force\": true, \"dry_run\": true}");
        assertEquals(200, dry.status(), dry.toString());
        assertFalse(dry.json().get("changed").asBoolean());
        assertEquals(before, s.get(c).json().get("encoder").asText());

        TestServer.Res r = s.post(c + "/refit", "{\"kinds\": [\"pcaq\"], \"force\": true, \"rank\": \"asymmetric\"}");
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.json().get("changed").asBoolean(), r.toString());
        assertEquals(1500, r.json().get("documents").asInt());
        assertEquals(150 * 2, r.json().get("held_out").asInt()); // 10% is 150, below the 300 minimum
        assertTrue(r.json().get("recall_after").asDouble() > 0);
        String after = s.get(c).json().get("encoder").asText();
        assertTrue(after.startsWith("pcaq"), after);
        assertFindsItself(c, m, 42);
        // encode with the collection's encoder gives the code the refit stored
        TestServer.Res enc = s.post("/v1/encode", "{\"collection\": \"own\", \"vectors\": [" + vec(m.row(7)) + "]}");
        assertEquals(200, enc.status(), enc.toString());
        assertTrue(enc.json().get("encoder").asText().startsWith("pcaq"), enc.toString());
        assertEquals(1500, s.get(c).json().get("documents").asInt());
    }

    @Test
    void refusesWhatARefitCannotDo() throws IOException {
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"codes\", \"floats\": \"none\"}").status());
        TestServer.Res r = s.post("/v1/collections/codes/refit", "");
        assertEquals(400, r.status(), r.toString());
        assertEquals("invalid_value", r.code());
        assertTrue(r.body().contains("keeps no float vectors"), r.toString());
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"few\", \"floats\": \"f16\"}").status());
        TestServer.Res few = s.post("/v1/collections/few/refit", "{}");
        assertEquals(400, few.status(), few.toString());
        assertEquals("invalid_value", s.post("/v1/collections/few/refit", "{\"kinds\": [\"nope\"]}").code());
        assertEquals("invalid_value", s.post("/v1/collections/few/refit", "{\"margin\": 200}").code());
        TestServer.Res rank = s.post("/v1/collections/few/refit", "{\"rank\": \"fastest\"}");
        assertEquals("invalid_value", rank.code(), rank.toString());
        assertTrue(rank.body().contains("asymmetric or balanced"), rank.toString());
        assertEquals("unknown_field", s.post("/v1/collections/few/refit", "{\"bogus\": 1}").code());
        assertEquals(404, s.post("/v1/collections/none/refit", "{}").status());
        assertEquals(403, s.call("POST", "/v1/collections/few/refit", "{}", TestServer.READ_KEY).status());
    }

    /** {@code auto_refit}: a collection fed through the API refits by itself once it holds that many documents, no flush needed. */
    @Test
    void refitsByItselfPastAutoRefit() throws Exception {
        FloatMatrix m = TestServer.trec(1500);
        String c = create("auto", "\"floats\": \"f16\", \"auto_refit\": 1000");
        String before = encoder(c);
        assertEquals(1000, s.get(c).json().get("auto_refit").asInt());
        postAll(c, m);
        // the refit runs on a background thread (minutes at 20,000 documents, seconds here): wait for its switch
        String after = awaitEncoder(c, e -> !e.equals(before));
        assertNotEquals(before, after, "the shipped encoder was refitted on the collection's own 1,500 documents");
        assertEquals(1500, s.get(c).json().get("documents").asInt());
        assertFindsItself(c, m, 42);

        TestServer.Res neg = s.post("/v1/collections", "{\"name\": \"neg\", \"auto_refit\": -1}");
        assertEquals("invalid_value", neg.code(), neg.toString());
        TestServer.Res none = s.post("/v1/collections", "{\"name\": \"none\", \"floats\": \"none\", \"auto_refit\": 1000}");
        assertEquals("invalid_value", none.code(), none.toString());
        assertTrue(none.body().contains("cannot refit"), none.toString());
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"none\", \"floats\": \"none\", \"auto_refit\": 0}").status());
        assertEquals(0, s.get("/v1/collections/none").json().get("auto_refit").asInt());
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"dflt\"}").status());
        assertEquals(20_000, s.get("/v1/collections/dflt").json().get("auto_refit").asInt());
        assertEquals("wrong_type", s.post("/v1/collections", "{\"name\": \"t\", \"auto_refit\": \"many\"}").code());
    }

    /** Below the refit size, a collection on the shipped encoder adapts its thresholds once it holds 1,000 documents. */
    @Test
    void adaptsTheShippedThresholdsFromAThousandDocuments() throws Exception {
        FloatMatrix m = TestServer.trec(1500);
        String c = create("grow", "\"floats\": \"f16\"");
        String shipped = encoder(c);
        assertFalse(shipped.contains("adaptedTo"), shipped);
        postAll(c, m);
        String now = awaitEncoder(c, e -> e.contains("adaptedTo"));
        assertTrue(now.contains("adaptedTo=1000 vectors") || now.contains("adaptedTo=1500 vectors"), now);
        assertEquals(20_000, s.get(c).json().get("auto_refit").asInt(), "the refit itself still waits for its size");
        assertFindsItself(c, m, 42);
    }
}
