package org.bitsieve.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitsieve.core.FloatMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.bitsieve.server.TestServer.str;
import static org.bitsieve.server.TestServer.vec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrent clients, graceful shutdown with a request in flight, and restart with everything acknowledged. */
class ConcurrencyAndLifecycleTest {
    static final ServerConfig.Limits LIMITS = new ServerConfig.Limits(4 << 20, 1000, 2000, 100);

    @Test
    void eightSearchersWhileOneWriterAddsAndDeletes(@TempDir Path tmp) throws Exception {
        FloatMatrix m = TestServer.vectors(2000);
        // one search slot, the strictest gate: the eight searchers take turns, the writer is never held up by them
        try (TestServer s = new TestServer(tmp.resolve("data"), LIMITS, 1)) {
            assertEquals(201, s.post("/v1/collections", "{\"name\": \"busy\", \"floats\": \"f16\"}").status());
            assertEquals(200, s.post("/v1/collections/busy/documents", docs(m, 0, 200)).status());
            AtomicBoolean writing = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicInteger searches = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(9);
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                readers.add(pool.submit(() -> {
                    int i = seed;
                    while (writing.get() || i < seed + 16) {
                        int row = (i * 37) % 200; // always among the first 200, never deleted
                        TestServer.Res r = s.call("POST", "/v1/collections/busy/search", "{\"vector\": " + vec(m.row(row))
                                + ", \"k\": 5}", TestServer.READ_KEY);
                        if (r.status() != 200) {
                            failures.add("search: " + r);
                        } else {
                            JsonNode hits = r.json().get("hits");
                            if (hits.size() != 5 || !hits.get(0).get("id").asText().equals("d" + row)) {
                                failures.add("search for d" + row + " returned " + hits);
                            }
                        }
                        searches.incrementAndGet();
                        i++;
                    }
                }));
            }
            // the writer: 18 batches of 100 new documents, each followed by deleting half of the previous batch
            Future<?> writer = pool.submit(() -> {
                try {
                    for (int b = 2; b < 20; b++) {
                        TestServer.Res w = s.post("/v1/collections/busy/documents", docs(m, b * 100, b * 100 + 100));
                        if (w.status() != 200) {
                            failures.add("write: " + w);
                        }
                        if (b > 2) {
                            StringBuilder ids = new StringBuilder("{\"ids\": [");
                            for (int i = (b - 1) * 100; i < (b - 1) * 100 + 50; i++) {
                                ids.append(i > (b - 1) * 100 ? "," : "").append("\"d").append(i).append('"');
                            }
                            TestServer.Res d = s.post("/v1/collections/busy/documents/delete", ids.append("]}").toString());
                            if (d.status() != 200 || d.json().get("deleted").asInt() != 50) {
                                failures.add("delete: " + d);
                            }
                        }
                    }
                } finally {
                    writing.set(false);
                }
            });
            writer.get(120, TimeUnit.SECONDS);
            for (Future<?> f : readers) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.peek());
            assertTrue(searches.get() >= 8 * 16, "searches: " + searches.get());
            // 2000 written, 17 x 50 deleted
            assertEquals(2000 - 17 * 50, s.get("/v1/collections/busy").json().get("documents").asInt());
            assertEquals("document_not_found", s.get("/v1/collections/busy/documents/d200").code());
            assertEquals(200, s.get("/v1/collections/busy/documents/d250").status());
            assertEquals(200, s.get("/v1/collections/busy/documents/d1999").status());
        }
    }

    @Test
    void gracefulStopFinishesTheRequestInFlightAndRestartKeepsEverything(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        FloatMatrix m = TestServer.vectors(300);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            texts.add("sentence number " + i + " about the weather, the markets and a long walk home in the rain");
        }
        TestServer s = new TestServer(data, LIMITS);
        assertEquals(201, s.post("/v1/collections", "{\"name\": \"kept\"}").status());
        assertEquals(200, s.post("/v1/collections/kept/documents", docs(m, 0, 300)).status());
        // a slow write: 400 texts embedded by the model (seconds on two cores); stop the server while it runs
        StringBuilder b = new StringBuilder("{\"documents\": [");
        for (int i = 0; i < texts.size(); i++) {
            b.append(i > 0 ? "," : "").append("{\"id\": \"t").append(i).append("\", \"text\": ").append(str(texts.get(i))).append('}');
        }
        CountDownLatch sent = new CountDownLatch(1);
        CompletableFuture<TestServer.Res> slow = CompletableFuture.supplyAsync(() -> {
            sent.countDown();
            return s.post("/v1/collections/kept/documents", b.append("]}").toString());
        });
        sent.await();
        // wait until the server is handling it: in flight = the write + this metrics request
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (ApiServerTest.sample(s.get("/metrics").body(), "bitsieve_http_requests_in_flight") < 2) {
            assertTrue(System.nanoTime() < deadline, "the slow write never started");
            Thread.sleep(10);
        }
        assertTrue(!slow.isDone(), "the write finished before the stop; make it slower");
        String base = s.base();
        long t0 = System.nanoTime();
        s.close();
        double stopSeconds = (System.nanoTime() - t0) / 1e9;
        TestServer.Res r = slow.get(60, TimeUnit.SECONDS);
        assertEquals(200, r.status(), "the in-flight write must finish during a graceful stop: " + r + " (stop took " + stopSeconds + " s)");
        assertEquals(700, r.json().get("documents").asInt());
        // new connections are refused once stopped
        boolean refused;
        try {
            s.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            refused = false;
        } catch (java.io.IOException e) {
            refused = true;
        }
        assertTrue(refused, "a stopped server still answered");

        try (TestServer again = new TestServer(data, LIMITS)) {
            JsonNode info = again.get("/v1/collections/kept").json();
            assertEquals(700, info.get("documents").asInt(), info.toString());
            assertEquals("all-minilm-l6-v2", info.get("model").asText());
            assertEquals(200, again.get("/v1/collections/kept/documents/t399").status());
            // the model was recorded, so text queries work after the restart
            TestServer.Res q = again.post("/v1/collections/kept/search", "{\"text\": " + str(texts.get(123)) + ", \"k\": 1}");
            assertEquals("t123", q.json().get("hits").get(0).get("id").asText(), q.toString());
        }
    }

    static String docs(FloatMatrix m, int from, int to) {
        StringBuilder b = new StringBuilder("{\"documents\": [");
        for (int i = from; i < to; i++) {
            b.append(i > from ? "," : "").append("{\"id\": \"d").append(i).append("\", \"vector\": ").append(vec(m.row(i)))
                    .append(", \"metadata\": {\"n\": ").append(i).append("}}");
        }
        return b.append("]}").toString();
    }
}
