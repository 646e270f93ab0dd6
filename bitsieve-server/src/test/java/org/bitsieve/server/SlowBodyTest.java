package org.bitsieve.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue item 4: with a valid (read-only) key, 8 connections sending one byte every 2 s stopped all service at
 * {@code --threads 8}. Here 24 such connections (three times the threads) trickle bodies while a normal client
 * searches: every search is answered, and each slow request gets 408 {@code request_timeout} or is closed.
 */
class SlowBodyTest {
    static final int SLOW = 24;

    @Test
    void searchesAreServedWhileSlowBodiesTrickleAndTheSlowOnesGet408(@TempDir Path tmp) throws Exception {
        ServerConfig.Limits limits = ServerConfig.Limits.defaults().withBodyTiming(6, 1024);
        try (TestServer s = new TestServer(tmp.resolve("data"), limits, c -> c.withThreads(8).withConcurrentSearches(2))) {
            String v = TestServer.vec(TestServer.vectors(1).row(0));
            assertEquals(201, s.post("/v1/collections", "{\"name\": \"c\"}").status());
            assertEquals(200, s.post("/v1/collections/c/documents", "{\"documents\": [{\"id\": \"a\", \"vector\": " + v + "}]}").status());
            String search = "{\"vector\": " + v + ", \"k\": 1}";
            byte[] body = search.getBytes(StandardCharsets.UTF_8);

            ExecutorService pool = Executors.newFixedThreadPool(SLOW);
            List<Future<String>> slow = new ArrayList<>();
            try {
                for (int i = 0; i < SLOW; i++) {
                    slow.add(pool.submit(() -> trickle(s.server.port(), body)));
                }
                Thread.sleep(1500); // every slow connection is open and has sent its headers and first bytes
                for (int i = 0; i < 20; i++) {
                    long t0 = System.nanoTime();
                    TestServer.Res r = s.call("POST", "/v1/collections/c/search", search, TestServer.READ_KEY);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertEquals(200, r.status(), r.toString());
                    // generous: a correctness bound (before the fix these waited for the slow bodies, many seconds)
                    assertTrue(ms < 3000, "search " + i + " took " + ms + " ms while slow bodies were open");
                    Thread.sleep(100);
                }
                for (Future<String> f : slow) {
                    String resp = f.get(60, TimeUnit.SECONDS);
                    assertTrue(resp.isEmpty() || (resp.startsWith("HTTP/1.1 408") && resp.contains("request_timeout")), resp);
                }
            } finally {
                pool.shutdownNow();
            }
            String m = s.get("/metrics").body();
            assertTrue(ApiServerTest.sample(m, "bitsieve_slow_bodies_refused_total") >= 1, m);
        }
    }

    /** Without a valid key the body is not awaited at all: 401 at once, so anonymous clients cannot hold buffers. */
    @Test
    void aBodyWithoutAValidKeyIsNotWaitedFor(@TempDir Path tmp) throws Exception {
        try (TestServer s = new TestServer(tmp.resolve("data"), ServerConfig.Limits.defaults(), c -> c)) {
            for (String auth : new String[] {"", "Authorization: Bearer not-a-key\r\n"}) {
                try (Socket sock = new Socket("127.0.0.1", s.server.port())) {
                    sock.setSoTimeout(10_000);
                    long t0 = System.nanoTime();
                    sock.getOutputStream().write(("POST /v1/collections/c/search HTTP/1.1\r\nHost: x\r\n" + auth
                            + "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{").getBytes(StandardCharsets.ISO_8859_1));
                    byte[] got = sock.getInputStream().readNBytes(12);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertEquals("HTTP/1.1 401", new String(got, StandardCharsets.ISO_8859_1));
                    assertTrue(ms < 5000, "401 after " + ms + " ms: the server waited for the body");
                }
            }
        }
    }

    /** Sends headers, then the body one byte every 400 ms; returns whatever the server answers. */
    private static String trickle(int port, byte[] body) throws IOException {
        try (Socket sock = new Socket("127.0.0.1", port)) {
            sock.setSoTimeout(30_000);
            OutputStream out = sock.getOutputStream();
            out.write(("POST /v1/collections/c/search HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.READ_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            try {
                for (byte b : body) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(400);
                }
            } catch (IOException e) {
                // the server closed the connection: read what it said
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            InputStream in = sock.getInputStream();
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }
}
