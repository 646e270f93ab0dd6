package org.bitsieve.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The typed filter ("where") in search, classify and documents/delete: results, errors, nothing written on error. */
class WhereFilterTest {
    @TempDir
    static Path tmp;

    static TestServer s;
    static final String C = "/v1/collections/w";

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(tmp.resolve("data"), ServerConfig.Limits.defaults());
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"w\", \"floats\": \"f32\"}").status());
        Random r = new Random(7);
        StringBuilder b = new StringBuilder("{\"documents\": [");
        for (int i = 0; i < 200; i++) {
            b.append(i > 0 ? "," : "").append("{\"id\": \"d").append(i).append("\", \"vector\": ").append(vec(r))
                    .append(", \"metadata\": {\"n\": ").append(i).append(", \"kind\": \"").append(i % 4 == 0 ? "four" : "other")
                    .append("\"}}");
        }
        TestServer.Res w = s.post(C + "/documents", b.append("]}").toString());
        assertEquals(200, w.status(), w.toString());
    }

    @AfterAll
    static void stop() throws Exception { s.close(); }

    private static String vec(Random r) {
        StringBuilder b = new StringBuilder("[");
        for (int j = 0; j < 384; j++) {
            b.append(j > 0 ? "," : "").append((float) r.nextGaussian());
        }
        return b.append("]").toString();
    }

    private static List<String> search(String where) {
        TestServer.Res res = s.post(C + "/search", "{\"vector\": " + vec(new Random(99)) + ", \"k\": 200, \"where\": " + where + "}");
        assertEquals(200, res.status(), res.toString());
        List<String> ids = new ArrayList<>();
        for (JsonNode h : res.json().get("hits")) {
            ids.add(h.get("id").asText());
        }
        return ids;
    }

    @Test
    void searchKeepsOnlyMatchingDocuments() {
        List<String> got = search("{\"and\": [{\"field\": \"n\", \"op\": \"lt\", \"value\": 40}, {\"field\": \"kind\", \"in\": [\"four\"]}]}");
        assertEquals(10, got.size(), got.toString());
        for (String id : got) {
            int n = Integer.parseInt(id.substring(1));
            assertTrue(n < 40 && n % 4 == 0, id);
        }
        assertEquals(List.of("d7"), search("{\"not\": {\"field\": \"n\", \"op\": \"ne\", \"value\": 7}}"));
    }

    @Test
    void badFiltersAreClearErrors() {
        String v = vec(new Random(1));
        for (String where : List.of("{\"field\": \"n\", \"op\": \"like\", \"value\": 1}", "{\"field\": \"n\", \"op\": \"eq\", \"value\": \"7\"}",
                "{\"field\": \"n\", \"op\": \"eq\", \"value\": true}", "[]", "{\"and\": []}")) {
            TestServer.Res res = s.post(C + "/search", "{\"vector\": " + v + ", \"where\": " + where + "}");
            assertEquals(400, res.status(), where + " -> " + res);
            assertEquals("invalid_value", res.code(), res.toString());
            assertTrue(res.json().get("error").get("message").asText().contains("where"), res.toString());
        }
        assertEquals("unknown_field", s.post(C + "/documents/get", "{\"ids\": [\"d1\"], \"where\": {\"field\": \"n\", \"op\": \"eq\", \"value\": 1}}").code());
    }

    @Test
    void classifyVotesOnlyAmongMatchingDocuments() {
        String v = vec(new Random(99));
        TestServer.Res all = s.post(C + "/classify", "{\"vector\": " + v + ", \"k\": 15, \"label_field\": \"kind\"}");
        assertEquals(200, all.status(), all.toString());
        assertEquals("other", all.json().get("label").asText(), "three of four documents are 'other'");
        TestServer.Res four = s.post(C + "/classify", "{\"vector\": " + v + ", \"k\": 15, \"label_field\": \"kind\", "
                + "\"where\": {\"or\": [{\"field\": \"kind\", \"op\": \"eq\", \"value\": \"four\"}, {\"field\": \"n\", \"in\": [1, 2]}]}}");
        assertEquals(200, four.status(), four.toString());
        assertEquals(15, four.json().get("neighbours").size());
        for (JsonNode h : four.json().get("neighbours")) {
            int n = Integer.parseInt(h.get("id").asText().substring(1));
            assertTrue(n % 4 == 0 || n == 1 || n == 2, h.toString());
        }
        assertTrue(four.json().get("votes").get("four").asDouble() >= 13, four.toString());
        TestServer.Res none = s.post(C + "/classify", "{\"vector\": " + v + ", \"label_field\": \"kind\", \"where\": {\"field\": \"n\", \"op\": \"lt\", \"value\": -1}}");
        assertEquals(200, none.status(), none.toString());
        assertTrue(none.json().get("label").isNull(), "no matching neighbour, no vote: " + none);
        for (String where : List.of("{\"field\": \"kind\", \"op\": \"gt\", \"value\": 3}", "{\"field\": \"n\", \"op\": \"like\", \"value\": 1}")) {
            TestServer.Res bad = s.post(C + "/classify", "{\"vector\": " + v + ", \"label_field\": \"kind\", \"where\": " + where + "}");
            assertEquals(400, bad.status(), bad.toString());
            assertEquals("invalid_value", bad.code(), bad.toString());
            assertTrue(bad.json().get("error").get("message").asText().startsWith("field 'where'"), bad.toString());
        }
    }

    @Test
    void deleteByFilterDeletesMatchesOrNothing() {
        TestServer.Res bad = s.post(C + "/documents/delete", "{\"where\": {\"field\": \"kind\", \"op\": \"gt\", \"value\": 3}}");
        assertEquals(400, bad.status(), bad.toString());
        assertEquals(200, s.get(C).json().get("documents").asInt(), "a type mismatch deletes nothing");
        assertEquals("invalid_value", s.post(C + "/documents/delete", "{\"ids\": [\"d1\"], \"where\": {\"field\": \"n\", \"op\": \"eq\", \"value\": 1}}").code());
        TestServer.Res ok = s.post(C + "/documents/delete", "{\"where\": {\"field\": \"n\", \"op\": \"gte\", \"value\": 190}}");
        assertEquals(200, ok.status(), ok.toString());
        assertEquals(10, ok.json().get("deleted").asInt());
        assertEquals(190, ok.json().get("documents").asInt());
        assertEquals(List.of(), search("{\"field\": \"n\", \"op\": \"gte\", \"value\": 190}"));
    }
}
