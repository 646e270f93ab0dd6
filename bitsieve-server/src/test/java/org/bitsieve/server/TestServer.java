package org.bitsieve.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** A real server on an ephemeral loopback port with a temporary data folder, and a small HTTP client for it. */
final class TestServer implements AutoCloseable {
    static final String WRITE_KEY = ApiKeys.newKey();
    static final String READ_KEY = ApiKeys.newKey();
    static final ObjectMapper JSON = new ObjectMapper();

    final Path data;
    final ApiServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    record Res(int status, String body, String contentType) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response is not JSON (status " + status + "): " + body, e);
            }
        }

        /** The stable error code of an error response. */
        String code() { return json().path("error").path("code").asText(null); }

        @Override
        public String toString() { return status + " " + (body.length() > 400 ? body.substring(0, 400) + "..." : body); }
    }

    TestServer(Path data, ServerConfig.Limits limits) throws IOException {
        this(data, limits, ServerConfig.defaults(data).concurrentSearches());
    }

    TestServer(Path data, ServerConfig.Limits limits, int concurrentSearches) throws IOException {
        this(data, limits, c -> c.withConcurrentSearches(concurrentSearches));
    }

    /** {@code tweak} adjusts the test config (threads, timeouts) before the server starts. */
    TestServer(Path data, ServerConfig.Limits limits, java.util.function.UnaryOperator<ServerConfig> tweak) throws IOException {
        this.data = data;
        ServerConfig cfg = ServerConfig.defaults(data).withPort(0).withThreads(24).withShutdownSeconds(20).withLimits(limits)
                .withKeys(List.of(ApiKeys.parse("writer", Role.WRITE, ApiKeys.hash(WRITE_KEY)),
                        ApiKeys.parse("reader", Role.READ, ApiKeys.hash(READ_KEY))));
        this.server = ApiServer.start(tweak.apply(cfg), new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    String base() { return "http://127.0.0.1:" + server.port(); }

    Res call(String method, String path, String body, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Res(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    /** A POST with exact body bytes (for malformed UTF-8) and a chosen Content-Type (null: none). */
    Res postBytes(String path, byte[] body, String contentType, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Res(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("POST " + path + " failed: " + e, e);
        }
    }

    Res get(String path) { return call("GET", path, null, WRITE_KEY); }

    Res post(String path, String body) { return call("POST", path, body, WRITE_KEY); }

    Res delete(String path) { return call("DELETE", path, null, WRITE_KEY); }

    /** Sends raw bytes over a socket (for requests HttpClient would refuse to send) and returns the raw response. */
    String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException { server.close(); }

    // ---------------------------------------------------------------- data

    static Path shared() {
        return org.bitsieve.core.SharedData.dir(); // skips without the data folder unless it was asked for
    }

    /**
     * Valid 384-d input vectors for tests that check the server, not search quality: the first TREC rows when the
     * shared data is there (or required, see SharedData), else seeded synthetic unit vectors with structure.
     */
    static FloatMatrix vectors(int rows) throws IOException {
        if (org.bitsieve.core.SharedData.available() || Boolean.getBoolean("bitsieve.sharedRequired")) {
            return trec(rows);
        }
        return org.bitsieve.core.TestData.clustered(rows, 384, 7);
    }

    /** The first rows of the reference TREC train embeddings (all-MiniLM-L6-v2, float16 on disk). */
    static FloatMatrix trec(int rows) throws IOException {
        FloatMatrix m = Npy.read(shared().resolve("embeddings/all-minilm-l6-v2/trec/train.npy"));
        return m.slice(0, Math.min(rows, m.rows()));
    }

    static String vec(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(String.format(Locale.ROOT, "%s", v[i]));
        }
        return sb.append(']').toString();
    }

    static String str(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
