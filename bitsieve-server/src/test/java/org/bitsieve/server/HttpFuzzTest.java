package org.bitsieve.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.core.io.fuzz.FuzzLoop;
import org.bitsieve.server.fuzz.RawMutator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes HTTP request decoding through the real server on loopback: mutated raw requests (seed corpus under
 * {@code src/test/resources/fuzz/http/}), and well-framed POSTs whose bodies are mutated seeds
 * ({@code fuzz/json/}) or random JSON with odd strings and numbers. The property: no response is 5xx, and every
 * response body (errors and answers) is strict JSON; every error carries a code. Each test runs {@link #CI_TRIES}
 * seeded tries in CI; {@code -Dbitsieve.fuzz.tries=100000} runs longer, a failure prints the seed to replay it
 * ({@link FuzzLoop}, docs/server.md, "Fuzzing").
 */
class HttpFuzzTest {
    /** Tries per test in CI (a few seconds; the count the fuzz tests have always run in CI). */
    static final int CI_TRIES = 300;
    static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})");
    static TestServer server;
    static Path root;
    static List<byte[]> rawSeeds;
    static List<String[]> jsonSeeds; // path, body

    @BeforeAll
    static void start() throws IOException, URISyntaxException {
        root = Files.createTempDirectory("bitsieve-http-fuzz");
        server = new TestServer(root.resolve("data"), new ServerConfig.Limits(256 * 1024, 50, 2000, 100), c -> c);
        String v = TestServer.vec(TestServer.vectors(1).row(0));
        server.post("/v1/collections", "{\"name\": \"c\"}");
        server.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"a\", \"vector\": " + v + ", \"metadata\": {\"topic\": \"a\"}}]}");
        rawSeeds = new ArrayList<>();
        for (Path p : files("http")) {
            rawSeeds.add(Files.readString(p).replace("${KEY}", TestServer.WRITE_KEY).getBytes(StandardCharsets.UTF_8));
        }
        jsonSeeds = new ArrayList<>();
        for (Path p : files("json")) {
            String[] pb = Files.readString(p).split("\n", 2);
            jsonSeeds.add(pb);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
        try (Stream<Path> w = Files.walk(root)) {
            w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static List<Path> files(String target) throws IOException, URISyntaxException {
        Path dir = Path.of(HttpFuzzTest.class.getResource("/fuzz/" + target).toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    // ---------------------------------------------------------------- properties

    @Test
    void mutatedRawRequestsNeverGet5xxOrNonJson() {
        FuzzLoop.run("mutatedRawRequestsNeverGet5xxOrNonJson", CI_TRIES, r -> {
            byte[] request = RawMutator.mutate(rawSeeds, r);
            checkResponse(request, send(request));
        });
    }

    @Test
    void wellFramedFuzzedBodiesNeverGet5xxOrNonJson() {
        FuzzLoop.run("wellFramedFuzzedBodiesNeverGet5xxOrNonJson", CI_TRIES, r -> postBody(body(r)));
    }

    static void postBody(String[] pathAndBody) throws IOException {
        byte[] body = pathAndBody[1].getBytes(StandardCharsets.UTF_8);
        if (pathAndBody.length > 2) { // raw bytes variant: ISO-8859-1 carries every byte value
            body = pathAndBody[1].getBytes(StandardCharsets.ISO_8859_1);
        }
        byte[] head = ("POST " + pathAndBody[0] + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.WRITE_KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] req = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, req, head.length, body.length);
        String resp = send(req);
        assertTrue(resp.startsWith("HTTP/1.1 "), "no answer to a well-framed request: " + resp);
        checkResponse(req, resp);
    }

    // ---------------------------------------------------------------- inputs

    /** Path and body: a seed body with one odd value, its bytes mutated ("raw"), or random JSON. */
    static String[] body(Random r) {
        String[] seed = jsonSeeds.get(r.nextInt(jsonSeeds.size()));
        return switch (r.nextInt(3)) {
            case 0 -> new String[] {seed[0], OddJson.mutateText(seed[1], r)};
            case 1 -> new String[] {seed[0], new String(RawMutator.mutateBody(
                    seed[1].getBytes(StandardCharsets.UTF_8), r), StandardCharsets.ISO_8859_1), "raw"};
            default -> new String[] {seed[0], OddJson.value(r, 0, true)};
        };
    }

    // ---------------------------------------------------------------- checking

    static String send(byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.server.port())) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
                s.shutdownOutput();
            } catch (IOException e) {
                // the server may answer and close before reading everything
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                fail("no answer within 15 s to " + show(request));
            } catch (IOException e) {
                // reset after the answer: keep what arrived
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    static void checkResponse(byte[] request, String resp) {
        Matcher m = STATUS.matcher(resp);
        boolean first = true;
        while (m.find()) {
            if (m.start() != 0 && !resp.startsWith("\r\n", m.start() - 2)) {
                continue; // "HTTP/1.1 ..." inside a body
            }
            int status = Integer.parseInt(m.group(1));
            assertTrue(status < 500, "a " + status + " for " + show(request) + "\n-> " + resp);
            if (first) {
                first = false;
                int split = resp.indexOf("\r\n\r\n");
                String headers = split < 0 ? resp : resp.substring(0, split);
                String body = split < 0 ? "" : resp.substring(split + 4);
                if (status >= 400 || !body.isEmpty()) {
                    assertTrue(headers.toLowerCase().contains("content-type: application/json"), "not JSON: " + resp);
                    String json = body.startsWith("{") || body.startsWith("[") ? firstDocument(body) : body;
                    try {
                        JsonNode n = STRICT.readTree(json);
                        if (status >= 400) {
                            assertTrue(n.path("error").path("code").isTextual(), "an error without a code: " + resp);
                            // messages quote client values cut short (a 300 KB value was echoed whole)
                            assertTrue(json.length() < 4_000, "an error of " + json.length() + " characters for " + show(request));
                        }
                    } catch (IOException e) {
                        fail("body is not strict JSON (" + e.getMessage() + ") for " + show(request) + "\n-> " + resp);
                    }
                }
            }
        }
    }

    /** With keep-alive a second response may follow the first body: cut at the next status line. */
    private static String firstDocument(String body) {
        int next = body.indexOf("HTTP/1.1 ");
        return next > 0 ? body.substring(0, next) : body;
    }

    static String show(byte[] request) {
        String s = new String(request, StandardCharsets.ISO_8859_1);
        return s.length() > 600 ? s.substring(0, 600) + "...(" + s.length() + " bytes)" : s;
    }

    /** Random JSON with odd strings and numbers, and text-level mutations of valid bodies. */
    static final class OddJson {
        static final String[] KEYS = {"name", "id", "ids", "text", "texts", "vector", "vectors", "vectors_base64", "documents", "k",
                "mode", "oversample", "filter", "field", "value", "metadata", "label_field", "bits", "model", "floats", "encoder",
                "format", "collection", "include_vectors", "role", "label", "", "\\u0000", "__proto__"};
        static final String[] STRINGS = {"", " ", "x\\ud800", "x\\udc00", "\\udc00\\ud800", "\\ud83d\\ude00", "\\u0000", "..", "../x",
                "a/b", "c", "hamming", "asymmetric", "upsert", "add", "f16", "none", "hex", "int8", "query", "label", "topic",
                "é", "\u4e2d\u6587", "bnVsbA==", "AAAA", "%2e%2e", "x".repeat(3000), "\\\"", "\\\\", "\\n\\t",
                "z".repeat(60_000), "it's", "'" + "q".repeat(200) + "'"};
        static final String[] NUMBERS = {"0", "-0", "1", "-1", "1e400", "-1e400", "3e38", "3.5e38", "1e-45", "1e-320", "0.1",
                "99999999999999999999999", "2147483648", "-2147483649", "1.5", "1E+2", "0e0", "12345678901234567890.5",
                "9".repeat(300), "1e-400", "-0.0", "1e309", "4294967296"};

        static String value(Random r, int depth, boolean top) {
            int kind = top ? 0 : r.nextInt(depth > 3 ? 5 : 8);
            return switch (kind) {
                case 0 -> {
                    StringBuilder sb = new StringBuilder("{");
                    int n = r.nextInt(5);
                    for (int i = 0; i < n; i++) {
                        sb.append(i > 0 ? "," : "").append('"').append(KEYS[r.nextInt(KEYS.length)]).append("\":").append(value(r, depth + 1, false));
                    }
                    yield sb.append('}').toString();
                }
                case 1 -> '"' + STRINGS[r.nextInt(STRINGS.length)] + '"';
                case 2 -> NUMBERS[r.nextInt(NUMBERS.length)];
                case 3 -> r.nextBoolean() ? "true" : "null";
                case 4 -> vector(r);
                default -> {
                    StringBuilder sb = new StringBuilder("[");
                    int n = r.nextInt(4);
                    for (int i = 0; i < n; i++) {
                        sb.append(i > 0 ? "," : "").append(value(r, depth + 1, false));
                    }
                    yield sb.append(']').toString();
                }
            };
        }

        /** Usually 384 numbers (the model's dimension, so vector paths are reached), some of them odd. */
        static String vector(Random r) {
            int n = r.nextInt(4) == 0 ? r.nextInt(400) : 384;
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < n; i++) {
                sb.append(i > 0 ? "," : "");
                sb.append(r.nextInt(50) == 0 ? NUMBERS[r.nextInt(NUMBERS.length)] : Float.toString((float) (r.nextGaussian() * 0.05)));
            }
            return sb.append(']').toString();
        }

        /** Replaces one JSON value of a valid body (a string, number or bracket) with an odd one. */
        static String mutateText(String body, Random r) {
            for (int tries = 0; tries < 5; tries++) {
                int at = r.nextInt(body.length());
                char c = body.charAt(at);
                if (c == '"') {
                    int end = body.indexOf('"', at + 1);
                    if (end > at) {
                        return body.substring(0, at) + value(r, 2, false) + body.substring(end + 1);
                    }
                } else if (Character.isDigit(c) || c == '-') {
                    int end = at;
                    while (end < body.length() && "0123456789.eE+-".indexOf(body.charAt(end)) >= 0) {
                        end++;
                    }
                    return body.substring(0, at) + NUMBERS[r.nextInt(NUMBERS.length)] + body.substring(end);
                }
            }
            return body.substring(0, r.nextInt(body.length() + 1)); // truncated
        }
    }
}
