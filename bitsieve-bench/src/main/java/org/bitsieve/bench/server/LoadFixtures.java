package org.bitsieve.bench.server;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Fixtures for tools/load-test.sh (not part of the server): fills a collection over HTTP from reference
 * embeddings, and writes the request bodies the wrk Lua scripts replay.
 * Run with {@code java -cp bitsieve-bench/target/benchmarks.jar org.bitsieve.bench.server.LoadFixtures ...}.
 *
 * <pre>
 * LoadFixtures populate URL KEY COLLECTION COUNT a.npy b.npy ...   # create (floats none) and add COUNT documents
 * LoadFixtures bodies OUT_DIR queries.npy                          # search, encode and write bodies, one per line
 * LoadFixtures count URL KEY COLLECTION                            # print the collection's document count
 * </pre>
 */
public final class LoadFixtures {
    private LoadFixtures() {}

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "populate" -> populate(args[1], args[2], args[3], Integer.parseInt(args[4]), java.util.Arrays.copyOfRange(args, 5, args.length));
            case "bodies" -> bodies(Path.of(args[1]), Path.of(args[2]));
            case "count" -> System.out.println(count(args[1], args[2], args[3]));
            default -> {
                System.err.println("usage: LoadFixtures populate URL KEY COLLECTION COUNT a.npy...| bodies OUT queries.npy | count URL KEY COLLECTION");
                System.exit(2);
            }
        }
    }

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static HttpResponse<String> call(String url, String key, String method, String body) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    static void populate(String base, String key, String coll, int count, String[] files) throws Exception {
        HttpResponse<String> c = call(base + "/v1/collections", key, "POST", "{\"name\": \"" + coll + "\", \"floats\": \"none\"}");
        if (c.statusCode() != 201) {
            throw new IllegalStateException("create failed: " + c.statusCode() + " " + c.body());
        }
        int done = 0;
        long t0 = System.nanoTime();
        for (String f : files) {
            FloatMatrix m = Npy.read(Path.of(f));
            for (int from = 0; from < m.rows() && done < count; from += 1000) {
                int to = Math.min(m.rows(), Math.min(from + 1000, from + count - done));
                StringBuilder sb = new StringBuilder(to * 4200).append("{\"mode\": \"add\", \"documents\": [");
                for (int i = from; i < to; i++) {
                    sb.append(i > from ? "," : "").append("{\"id\": \"doc-").append(done + i - from).append("\", \"text\": \"")
                            .append(Path.of(f).getParent().getFileName()).append(' ').append(i).append("\", \"vector\": ");
                    vector(sb, m.row(i));
                    sb.append('}');
                }
                HttpResponse<String> r = call(base + "/v1/collections/" + coll + "/documents", key, "POST", sb.append("]}").toString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("write failed: " + r.statusCode() + " " + r.body());
                }
                done += to - from;
            }
            if (done >= count) {
                break;
            }
        }
        System.out.printf(Locale.ROOT, "populated %s with %d documents in %.1f s%n", coll, done, (System.nanoTime() - t0) / 1e9);
        if (done < count) {
            throw new IllegalStateException("only " + done + " vectors in the given files, " + count + " wanted");
        }
    }

    static int count(String base, String key, String coll) throws Exception {
        String b = call(base + "/v1/collections/" + coll, key, "GET", null).body();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(b).get("documents").asInt();
    }

    /** search.txt / search-hamming.txt: one query per line (k = 10); encode.txt / encode-base64.txt: 100 vectors per line (JSON numbers / base64 float32); vectors.txt: one vector per line. */
    static void bodies(Path out, Path queries) throws IOException {
        Files.createDirectories(out);
        FloatMatrix q = Npy.read(queries);
        try (BufferedWriter s = Files.newBufferedWriter(out.resolve("search.txt"), StandardCharsets.UTF_8);
             BufferedWriter h = Files.newBufferedWriter(out.resolve("search-hamming.txt"), StandardCharsets.UTF_8);
             BufferedWriter v = Files.newBufferedWriter(out.resolve("vectors.txt"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < q.rows(); i++) {
                StringBuilder vec = vector(new StringBuilder(), q.row(i));
                s.write("{\"vector\": " + vec + ", \"k\": 10}\n");
                h.write("{\"vector\": " + vec + ", \"k\": 10, \"mode\": \"hamming\"}\n");
                v.write(vec + "\n");
            }
        }
        try (BufferedWriter e = Files.newBufferedWriter(out.resolve("encode.txt"), StandardCharsets.UTF_8);
             BufferedWriter b = Files.newBufferedWriter(out.resolve("encode-base64.txt"), StandardCharsets.UTF_8)) {
            for (int from = 0; from + 100 <= q.rows(); from += 100) {
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(100 * q.dim() * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int i = from; i < from + 100; i++) {
                    for (float x : q.row(i)) {
                        bb.putFloat(x);
                    }
                }
                b.write("{\"vectors_base64\": \"" + java.util.Base64.getEncoder().encodeToString(bb.array()) + "\"}\n");
                StringBuilder sb = new StringBuilder("{\"vectors\": [");
                for (int i = from; i < from + 100; i++) {
                    if (i > from) {
                        sb.append(',');
                    }
                    vector(sb, q.row(i));
                }
                e.write(sb.append("]}\n").toString());
            }
        }
    }

    public static StringBuilder vector(StringBuilder sb, float[] v) {
        sb.append('[');
        for (int j = 0; j < v.length; j++) {
            if (j > 0) {
                sb.append(',');
            }
            sb.append(v[j]);
        }
        return sb.append(']');
    }
}
