package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.search.HammingSearch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One writer adds batch j (100 docs) and deletes batch j-LIVE in the same atomic write, flushing and compacting
 * now and then, while readers search. Every snapshot must therefore hold exactly the complete batches
 * (m-LIVE, m] for some m; a search must never return a document deleted before it started; and repeated
 * searches of one frozen snapshot must equal the core's naive search over that snapshot's documents.
 */
class ConcurrencyTest {
    static final int PER_BATCH = 100;
    static final int LIVE = 8;
    static final int BATCHES = 300;

    @TempDir
    Path tmp;

    static long seed(int batch, int i) { return batch * 1000L + i; }

    static int batchOf(String id) { return Integer.parseInt(id.substring(1, id.indexOf('-'))); }

    static long seedOf(String id) { return seed(batchOf(id), Integer.parseInt(id.substring(id.indexOf('-') + 1))); }

    @Test
    void searchesSeeConsistentSnapshotsWhileOneWriterWrites() throws Exception {
        Encoder enc = TestVectors.encoder("pcaq", 64);
        AtomicInteger lastDeleted = new AtomicInteger(-1);
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicLong searches = new AtomicLong();
        try (Collection c = Collection.create(tmp.resolve("c"), enc, new CollectionOptions(FloatFormat.F16, 1500))) {
            Thread writer = new Thread(() -> {
                try {
                    for (int j = 0; j < BATCHES; j++) {
                        WriteBatch b = new WriteBatch();
                        for (int i = 0; i < PER_BATCH; i++) {
                            long s = seed(j, i);
                            b.add(new Doc("b" + j + "-" + i, TestVectors.vector(s), "t" + s, null));
                        }
                        int del = j - LIVE;
                        if (del >= 0) {
                            for (int i = 0; i < PER_BATCH; i++) {
                                b.delete("b" + del + "-" + i);
                            }
                        }
                        c.write(b);
                        lastDeleted.set(del);
                        if (j % 70 == 69) {
                            c.compact();
                        }
                    }
                } catch (Throwable t) {
                    errors.add(t);
                } finally {
                    done.set(true);
                }
            });
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int tt = t;
                readers.add(new Thread(() -> {
                    int iter = 0;
                    try {
                        while (!done.get()) {
                            iter++;
                            float[] q = TestVectors.vector(42_000_000L + iter * 3L + tt);
                            int deletedBefore = lastDeleted.get();
                            // the latest state: nothing deleted before the search began may appear
                            for (Hit h : c.search(SearchRequest.of(q, 50).mode(iter % 2 == 0 ? SearchMode.HAMMING : SearchMode.ASYMMETRIC))) {
                                assertTrue(batchOf(h.id()) > deletedBefore, "deleted doc " + h.id() + " returned");
                                assertEquals("t" + seedOf(h.id()), h.text());
                            }
                            Snapshot snap = c.snapshot();
                            checkSnapshot(snap, enc, q);
                            searches.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            readers.forEach(Thread::start);
            writer.start();
            writer.join();
            for (Thread r : readers) {
                r.join();
            }
            if (!errors.isEmpty()) {
                AssertionError e = new AssertionError(errors.size() + " errors; first: " + errors.peek());
                errors.forEach(e::addSuppressed);
                throw e;
            }
            assertEquals(LIVE * PER_BATCH, c.count());
            assertTrue(searches.get() > 50, "only " + searches.get() + " snapshot checks ran");
        }
    }

    /** Whole batches only, consecutive, at most LIVE of them; and searches equal a naive reference, repeatedly. */
    static void checkSnapshot(Snapshot snap, Encoder enc, float[] q) {
        Map<Integer, Integer> perBatch = new TreeMap<>();
        List<String> order = new ArrayList<>();
        snap.forEachId(id -> {
            order.add(id);
            perBatch.merge(batchOf(id), 1, Integer::sum);
        });
        assertEquals(order.size(), snap.count());
        assertTrue(perBatch.size() <= LIVE, "too many batches live: " + perBatch.keySet());
        int prev = -1;
        for (Map.Entry<Integer, Integer> e : perBatch.entrySet()) {
            assertEquals(PER_BATCH, e.getValue(), "batch " + e.getKey() + " is half visible");
            assertTrue(prev < 0 || e.getKey() == prev + 1, "batches not consecutive: " + perBatch.keySet());
            prev = e.getKey();
        }
        if (order.isEmpty()) {
            return;
        }
        float[] data = new float[order.size() * TestVectors.DIM];
        for (int i = 0; i < order.size(); i++) {
            System.arraycopy(TestVectors.vector(seedOf(order.get(i))), 0, data, i * TestVectors.DIM, TestVectors.DIM);
        }
        PackedCodes codes = enc.encodeAll(new FloatMatrix(data, order.size(), TestVectors.DIM));
        var ref = HammingSearch.topK(codes, enc.encode(q), 10);
        List<Hit> first = snap.search(SearchRequest.of(q, 10).mode(SearchMode.HAMMING));
        for (int i = 0; i < ref.size(); i++) {
            assertEquals(order.get(ref.ids()[i]), first.get(i).id());
            assertEquals(ref.scores()[i], first.get(i).score());
        }
        for (int rep = 0; rep < 3; rep++) {
            assertEquals(first, snap.search(SearchRequest.of(q, 10).mode(SearchMode.HAMMING)), "a frozen snapshot changed");
        }
    }
}
