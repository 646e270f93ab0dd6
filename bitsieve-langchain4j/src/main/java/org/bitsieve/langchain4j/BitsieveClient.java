package org.bitsieve.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small Java client for the parts of bitsieve's HTTP API (docs/server.md) a vector store needs: create / drop
 * a collection, write documents (upsert), get them with their vectors, search with a typed {@code where}
 * filter, delete by ids or by filter. JDK HTTP client and Jackson only.
 *
 * <pre>
 * BitsieveClient c = new BitsieveClient("http://127.0.0.1:8080", System.getenv("BITSIEVE_KEY"));
 * c.createCollection("kb", "all-minilm-l6-v2", 256, "f32");
 * c.upsert("kb", List.of(new BitsieveClient.Document("a", "text", vector, "{\"year\": 2026}")));
 * List&lt;BitsieveClient.Hit&gt; hits = c.search("kb", query, 10, 10, null);
 * </pre>
 *
 * Errors come back as {@link ApiException} with the API's stable code ({@code invalid_value}, ...) and message.
 */
public final class BitsieveClient {
    /** A document as written and read ({@code vector} null when not asked for; {@code metadataJson} a JSON object or null). */
    public record Document(String id, String text, float[] vector, String metadataJson) {}

    /** One search hit: higher scores are better (cosine after re-ranking). */
    public record Hit(String id, float score, String text, String metadataJson) {}

    /** An error answer of the API. */
    public static final class ApiException extends RuntimeException {
        private final int status;
        private final String code;

        ApiException(int status, String code, String message) {
            super(status + " " + code + ": " + message);
            this.status = status;
            this.code = code;
        }

        public int status() { return status; }

        public String code() { return code; }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The API's default batch limit is 1,000 documents; stay well under it. */
    private static final int BATCH = 500;

    private final String base;
    private final String key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public BitsieveClient(String baseUrl, String apiKey) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.key = apiKey;
    }

    public void createCollection(String name, String model, int bits, String floats) {
        ObjectNode b = JSON.createObjectNode().put("name", name).put("model", model).put("bits", bits).put("floats", floats);
        call("POST", "/v1/collections", b);
    }

    /** The collection's info (model, bits, floats, documents, ...), or null when it does not exist. */
    public JsonNode info(String name) {
        try {
            return call("GET", path(name), null);
        } catch (ApiException e) {
            if ("collection_not_found".equals(e.code())) {
                return null;
            }
            throw e;
        }
    }

    public void dropCollection(String name) { call("DELETE", path(name), null); }

    /** Adds or replaces documents, in batches (each batch atomic on the server). */
    public void upsert(String name, List<Document> docs) {
        for (int from = 0; from < docs.size(); from += BATCH) {
            ObjectNode b = JSON.createObjectNode().put("mode", "upsert");
            ArrayNode arr = b.putArray("documents");
            for (Document d : docs.subList(from, Math.min(docs.size(), from + BATCH))) {
                ObjectNode o = arr.addObject().put("id", d.id());
                if (d.text() != null) {
                    o.put("text", d.text());
                }
                ArrayNode v = o.putArray("vector");
                for (float x : d.vector()) {
                    v.add(x);
                }
                if (d.metadataJson() != null) {
                    o.set("metadata", parse(d.metadataJson()));
                }
            }
            call("POST", path(name) + "/documents", b);
        }
    }

    /** The documents that exist among {@code ids}, with their vectors when asked. */
    public List<Document> get(String name, List<String> ids, boolean vectors) {
        List<Document> out = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += BATCH) {
            ObjectNode b = JSON.createObjectNode().put("include_vectors", vectors);
            ids.subList(from, Math.min(ids.size(), from + BATCH)).forEach(b.putArray("ids")::add);
            for (JsonNode d : call("POST", path(name) + "/documents/get", b).get("documents")) {
                float[] v = null;
                if (d.hasNonNull("vector")) {
                    v = new float[d.get("vector").size()];
                    for (int j = 0; j < v.length; j++) {
                        v[j] = (float) d.get("vector").get(j).asDouble();
                    }
                }
                out.add(new Document(d.get("id").asText(), d.path("text").asText(null), v, metadata(d)));
            }
        }
        return out;
    }

    /**
     * Top k by the codes, re-ranked by exact cosine of the best {@code k * oversample} ({@code k * oversample} must
     * stay within the server's {@code max_k}); {@code where} is the JSON form of a filter (docs/server.md), or null.
     */
    public List<Hit> search(String name, float[] vector, int k, int oversample, JsonNode where) {
        ObjectNode b = JSON.createObjectNode().put("k", k).put("oversample", oversample);
        ArrayNode v = b.putArray("vector");
        for (float x : vector) {
            v.add(x);
        }
        if (where != null) {
            b.set("where", where);
        }
        List<Hit> out = new ArrayList<>();
        for (JsonNode h : call("POST", path(name) + "/search", b).get("hits")) {
            out.add(new Hit(h.get("id").asText(), (float) h.get("score").asDouble(), h.path("text").asText(null), metadata(h)));
        }
        return out;
    }

    public int delete(String name, List<String> ids) {
        int n = 0;
        for (int from = 0; from < ids.size(); from += BATCH) {
            ObjectNode b = JSON.createObjectNode();
            ids.subList(from, Math.min(ids.size(), from + BATCH)).forEach(b.putArray("ids")::add);
            n += call("POST", path(name) + "/documents/delete", b).get("deleted").asInt();
        }
        return n;
    }

    /** Deletes every document passing the filter, in one batch on the server; an error deletes nothing. */
    public int deleteWhere(String name, JsonNode where) {
        ObjectNode b = JSON.createObjectNode();
        b.set("where", where);
        return call("POST", path(name) + "/documents/delete", b).get("deleted").asInt();
    }

    private static String metadata(JsonNode n) {
        JsonNode m = n.get("metadata");
        return m == null || m.isNull() ? null : m.toString();
    }

    private static String path(String name) { return "/v1/collections/" + name; }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
    }

    private JsonNode call(String method, String path, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        JsonNode j = r.body() == null || r.body().isEmpty() ? JSON.nullNode() : parse(r.body());
        if (r.statusCode() >= 400) {
            JsonNode err = j.path("error");
            throw new ApiException(r.statusCode(), err.path("code").asText("http_" + r.statusCode()), err.path("message").asText(r.body()));
        }
        return j;
    }
}
