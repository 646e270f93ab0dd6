package org.bitsieve.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.cli.Main;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bitsieve keys} in-process, and {@code bitsieve serve} as a child JVM: acknowledged writes survive
 * kill -9, and SIGTERM stops it gracefully.
 */
class ServeCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Run(int code, String out, String err) {}

    static Run run(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    @Test
    void keysNewAndHash() throws IOException {
        Run n = run("", "keys", "new", "--role", "write", "--name", "app");
        assertEquals(0, n.code(), n.err());
        Matcher k = Pattern.compile("key: +(bsk_\\S+)").matcher(n.out());
        assertTrue(k.find(), n.out());
        JsonNode entry = JSON.readTree(n.out().substring(n.out().indexOf("entry: ") + 7));
        assertEquals("write", entry.get("role").asText());
        assertEquals("app", entry.get("name").asText());
        assertTrue(entry.get("hash").asText().startsWith("sha256:"));
        assertTrue(!n.out().substring(n.out().indexOf("entry:")).contains(k.group(1)), "the entry must not hold the key");
        Run h = run(k.group(1) + "\n", "keys", "hash", "--role", "read");
        assertEquals(0, h.code(), h.err());
        JsonNode e2 = JSON.readTree(h.out());
        assertEquals("read", e2.get("role").asText());
        assertTrue(!e2.get("hash").asText().equals(entry.get("hash").asText()), "a fresh salt per hash");
        Run weak = run("short\n", "keys", "hash");
        assertEquals(2, weak.code());
        assertTrue(weak.err().contains("at least 24 characters"), weak.err());
        Run noKeys = run("", "serve", "--data", Files.createTempDirectory("nokeys").toString(), "--port", "0");
        assertEquals(2, noKeys.code());
        assertTrue(noKeys.err().contains("no API keys configured"), noKeys.err());
        Path file = Files.createTempFile("data", ".txt");
        Run notAFolder = run("", "serve", "--data", file.toString(), "--port", "0", "--key", "write:" + entry.get("hash").asText());
        assertEquals(2, notAFolder.code());
        assertTrue(notAFolder.err().contains("is a file, not a folder"), notAFolder.err()); // was "bitsieve: error: /path" alone
    }

    private Process serve(Path data, String keyEntry) throws IOException {
        return serve(data, keyEntry, 0);
    }

    /** {@code bitsieve serve} as a child JVM; with {@code fileKiB > 0} under {@code ulimit -f} (no file may grow past it). */
    private Process serve(Path data, String keyEntry, int fileKiB) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--data", data.toString(), "--port", "0", "--key", keyEntry));
        if (fileKiB > 0) {
            cmd.addAll(0, List.of("bash", "-c", "ulimit -f " + fileKiB + " && exec \"$0\" \"$@\""));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DJL_OFFLINE", "true");
        pb.redirectError(ProcessBuilder.Redirect.appendTo(data.resolveSibling("serve.err").toFile()));
        return pb.start();
    }

    private static int port(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertTrue(line != null && line.contains("listening on"), "serve printed: " + line);
        Matcher m = Pattern.compile(":(\\d+) ").matcher(line);
        assertTrue(m.find(), line);
        return Integer.parseInt(m.group(1));
    }

    private HttpResponse<String> call(int port, String method, String path, String body, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void acknowledgedWritesSurviveKill9AndSigtermStopsGracefully(@TempDir Path tmp) throws Exception {
        Path shared = org.bitsieve.core.SharedData.dir();
        FloatMatrix m = Npy.read(shared.resolve("embeddings/all-minilm-l6-v2/sst2/train.npy"));
        Run n = run("", "keys", "new", "--role", "write");
        String key = n.out().lines().filter(l -> l.startsWith("key:")).findFirst().orElseThrow().substring(4).strip();
        String entry = JSON.readTree(n.out().substring(n.out().indexOf("entry: ") + 7)).get("hash").asText();
        Path data = tmp.resolve("data");

        Process p = serve(data, "write:" + entry);
        List<Integer> acked = new ArrayList<>();
        int inFlight = -1;
        try {
            int port = port(p);
            assertEquals(201, call(port, "POST", "/v1/collections", "{\"name\": \"crash\", \"floats\": \"f16\"}", key).statusCode());
            // batches of 50 documents; the kill comes from another thread at a random moment after batch 5 is acknowledged
            int killAfter = 5 + new Random().nextInt(10);
            Thread killer = null;
            for (int b = 0; b < 40; b++) {
                if (b == killAfter) {
                    Process victim = p;
                    killer = new Thread(() -> {
                        try {
                            Thread.sleep(new Random().nextInt(30));
                        } catch (InterruptedException ignored) {
                            // kill now
                        }
                        victim.destroyForcibly(); // SIGKILL
                    });
                    killer.start();
                }
                inFlight = b;
                HttpResponse<String> r;
                try {
                    r = call(port, "POST", "/v1/collections/crash/documents", batch(m, b), key);
                } catch (IOException e) {
                    break; // the server died under this request
                }
                if (r.statusCode() != 200) {
                    break;
                }
                acked.add(b);
                inFlight = -1;
            }
            if (killer != null) {
                killer.join();
            }
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(acked.size() >= 5, "acknowledged batches: " + acked);
        assertEquals(137, p.exitValue(), "killed by SIGKILL");

        Process again = serve(data, "write:" + entry);
        try {
            int port = port(again);
            JsonNode info = JSON.readTree(call(port, "GET", "/v1/collections/crash", null, key).body());
            int docs = info.get("documents").asInt();
            // every acknowledged batch is there; the one in flight is all or nothing
            assertTrue(docs == acked.size() * 50 || (inFlight >= 0 && docs == (acked.size() + 1) * 50),
                    "documents " + docs + " after " + acked.size() + " acknowledged batches (in flight: " + inFlight + ")");
            for (int b : acked) {
                StringBuilder ids = new StringBuilder("{\"ids\": [");
                for (int i = 0; i < 50; i++) {
                    ids.append(i > 0 ? "," : "").append("\"b").append(b).append('-').append(i).append('"');
                }
                JsonNode got = JSON.readTree(call(port, "POST", "/v1/collections/crash/documents/get", ids.append("]}").toString(), key).body());
                assertEquals(50, got.get("documents").size(), "batch " + b + ": " + got.get("missing"));
                assertEquals("text " + b + "-7", got.get("documents").get(7).get("text").asText());
            }
            // a search over the recovered collection finds a document by its own vector
            HttpResponse<String> s = call(port, "POST", "/v1/collections/crash/search", "{\"vector\": " + vec(m.row(3)) + ", \"k\": 1}", key);
            assertEquals("b0-3", JSON.readTree(s.body()).get("hits").get(0).get("id").asText(), s.body());
            // SIGTERM: graceful stop, memtable flushed into a segment
            again.destroy();
            assertTrue(again.waitFor(60, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
            assertEquals(143, again.exitValue());
            String err = Files.readString(data.resolveSibling("serve.err"));
            assertTrue(err.contains("bitsieve serve: stopped"), err);
            assertTrue(Files.list(data.resolve("crash")).anyMatch(f -> f.getFileName().toString().endsWith(".codes")),
                    "close flushed the memtable into a segment");
        } finally {
            again.destroyForcibly();
        }
    }

    /**
     * A full disk, for real: the server runs under {@code ulimit -f 512}, so the write that would grow the collection's
     * log past 512 KiB gets the kernel's "File too large", as on a full disk. The answer is 507
     * {@code insufficient_storage} saying what happened and that nothing of it was written (it was a 500 with an
     * incident number); the collection keeps taking writes that fit and stays healthy; after kill -9 and a restart
     * without the limit, every acknowledged document is there, the refused batch is not, and nothing was cut off the log.
     */
    @Test
    void aFullDiskIsAnsweredWith507AndLosesNothing(@TempDir Path tmp) throws Exception {
        FloatMatrix m = Npy.read(org.bitsieve.core.SharedData.dir().resolve("embeddings/all-minilm-l6-v2/sst2/train.npy"));
        Run n = run("", "keys", "new", "--role", "write");
        String key = n.out().lines().filter(l -> l.startsWith("key:")).findFirst().orElseThrow().substring(4).strip();
        String entry = JSON.readTree(n.out().substring(n.out().indexOf("entry: ") + 7)).get("hash").asText();
        Path data = tmp.resolve("data");
        List<Integer> acked = new ArrayList<>();
        int refused = -1;
        Process p = serve(data, "write:" + entry, 512);
        try {
            int port = port(p);
            assertEquals(201, call(port, "POST", "/v1/collections", "{\"name\": \"full\", \"floats\": \"f16\"}", key).statusCode());
            for (int b = 0; b < 19 && refused < 0; b++) { // 50 documents of ~0.9 KB each in the log: the limit comes at batch ~12
                HttpResponse<String> r = call(port, "POST", "/v1/collections/full/documents", batch(m, b), key);
                if (r.statusCode() == 200) {
                    acked.add(b);
                    continue;
                }
                refused = b;
                assertEquals(507, r.statusCode(), r.body());
                JsonNode err = JSON.readTree(r.body()).get("error");
                assertEquals("insufficient_storage", err.get("code").asText(), r.body());
                assertTrue(err.get("message").asText().contains("File too large") && err.get("message").asText().contains("Nothing of this request was written"),
                        r.body());
            }
            assertTrue(refused > 0, "the limit was never reached: " + acked);
            // still writable: a delete (a few bytes in the log) goes through, and the server is healthy
            assertEquals(200, call(port, "DELETE", "/v1/collections/full/documents/b0-1", null, key).statusCode());
            assertEquals("{\"status\":\"ok\"}", call(port, "GET", "/health", null, key).body());
        } finally {
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        String err = Files.readString(data.resolveSibling("serve.err"));
        assertTrue(err.contains("insufficient") || err.contains("File too large"), "the operator is told: " + err);
        assertTrue(!err.contains("incident"), "not logged as a bug: " + err);

        Process again = serve(data, "write:" + entry);
        try {
            int port = port(again);
            JsonNode info = JSON.readTree(call(port, "GET", "/v1/collections/full", null, key).body());
            assertEquals(acked.size() * 50 - 1, info.get("documents").asInt(), info.toString());
            for (int b : acked) {
                StringBuilder ids = new StringBuilder("{\"ids\": [");
                for (int i = 0; i < 50; i++) {
                    ids.append(i > 0 ? "," : "").append("\"b").append(b).append('-').append(i).append('"');
                }
                JsonNode got = JSON.readTree(call(port, "POST", "/v1/collections/full/documents/get", ids.append("]}").toString(), key).body());
                assertEquals(b == 0 ? 49 : 50, got.get("documents").size(), "batch " + b + ": " + got.get("missing"));
            }
            assertEquals(404, call(port, "GET", "/v1/collections/full/documents/b" + refused + "-0", null, key).statusCode(),
                    "the refused batch is not there");
            assertTrue(!Files.exists(data.resolve("full/quarantine")), "no torn record was left in the log");
        } finally {
            again.destroyForcibly();
            assertTrue(again.waitFor(30, TimeUnit.SECONDS));
        }
    }

    private static String batch(FloatMatrix m, int b) {
        StringBuilder sb = new StringBuilder("{\"documents\": [");
        for (int i = 0; i < 50; i++) {
            sb.append(i > 0 ? "," : "").append("{\"id\": \"b").append(b).append('-').append(i).append("\", \"text\": \"text ")
                    .append(b).append('-').append(i).append("\", \"vector\": ").append(vec(m.row(b * 50 + i))).append('}');
        }
        return sb.append("]}").toString();
    }

    private static String vec(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? "," : "").append(String.format(Locale.ROOT, "%s", v[i]));
        }
        return sb.append(']').toString();
    }
}
