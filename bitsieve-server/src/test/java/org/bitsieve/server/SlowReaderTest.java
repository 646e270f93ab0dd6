package org.bitsieve.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The other side of {@link SlowBodyTest}: clients that ask for a large answer (a few MB of documents) and then do not
 * read it. Each held a request thread in a blocking write until the idle timeout (30 s): with a read key, 40 such
 * connections stopped all service for that long, and reconnecting kept it stopped. Here three times the threads do
 * it while a normal client searches, and every search is answered; the large answer itself arrives whole.
 */
class SlowReaderTest {
    static final int SLOW = 24;

    @Test
    void searchesAreServedWhileClientsDoNotReadTheirLargeAnswers(@TempDir Path tmp) throws Exception {
        try (TestServer s = new TestServer(tmp.resolve("data"), ServerConfig.Limits.defaults(), c -> c.withThreads(8).withConcurrentSearches(2))) {
            String v = TestServer.vec(TestServer.vectors(1).row(0));
            assertEquals(201, s.post("/v1/collections", "{\"name\": \"c\"}").status());
            String blob = "x".repeat(200_000);
            StringBuilder docs = new StringBuilder("{\"documents\": [");
            for (int i = 0; i < 5; i++) {
                docs.append(i > 0 ? "," : "").append("{\"id\": \"big").append(i).append("\", \"vector\": ").append(v)
                        .append(", \"metadata\": {\"blob\": \"").append(blob).append("\"}}");
            }
            assertEquals(200, s.post("/v1/collections/c/documents", docs.append("]}").toString()).status());
            StringBuilder ids = new StringBuilder("{\"ids\": [");
            for (int i = 0; i < 20; i++) {
                ids.append(i > 0 ? "," : "").append("\"big").append(i % 5).append('"');
            }
            String get = ids.append("]}").toString(); // an answer of ~4 MB
            TestServer.Res whole = s.call("POST", "/v1/collections/c/documents/get", get, TestServer.READ_KEY);
            assertEquals(200, whole.status());
            JsonNode found = whole.json().get("documents");
            assertEquals(20, found.size());
            assertEquals(blob, found.get(19).get("metadata").get("blob").asText(), "the large answer arrives whole");

            List<Socket> slow = new ArrayList<>();
            try {
                byte[] body = get.getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < SLOW; i++) {
                    Socket sock = new Socket();
                    sock.setReceiveBufferSize(4096);
                    sock.connect(new java.net.InetSocketAddress("127.0.0.1", s.server.port()));
                    sock.getOutputStream().write(("POST /v1/collections/c/documents/get HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                            + TestServer.READ_KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    sock.getOutputStream().write(body);
                    slow.add(sock); // and never read
                }
                Thread.sleep(3000); // every slow request has been answered into its socket's buffers, which are full
                String search = "{\"vector\": " + v + ", \"k\": 1}";
                for (int i = 0; i < 20; i++) {
                    long t0 = System.nanoTime();
                    TestServer.Res r = s.call("POST", "/v1/collections/c/search", search, TestServer.READ_KEY);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertEquals(200, r.status(), r.toString());
                    // generous: a correctness bound (before, these waited for the idle timeout, 30 s)
                    assertTrue(ms < 3000, "search " + i + " took " + ms + " ms while " + SLOW + " clients did not read");
                }
                // a slow reader that starts reading gets its answer's beginning
                InputStream in = slow.get(0).getInputStream();
                slow.get(0).setSoTimeout(10_000);
                assertEquals("HTTP/1.1 200", new String(in.readNBytes(12), StandardCharsets.ISO_8859_1));
            } finally {
                for (Socket sock : slow) {
                    sock.close();
                }
            }
            // the closed connections' answers are let go and counted
            long deadline = System.currentTimeMillis() + 20_000;
            double abandoned = 0;
            while (abandoned < SLOW - 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
                abandoned = ApiServerTest.sample(s.get("/metrics").body(), "bitsieve_answers_abandoned_total");
            }
            assertTrue(abandoned >= SLOW - 1, "answers abandoned: " + abandoned);
        }
    }
}
