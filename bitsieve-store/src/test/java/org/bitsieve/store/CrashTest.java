package org.bitsieve.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kills a writer process (kill -9 via destroyForcibly) at random moments, 50+ times, and checks after each
 * kill that reopening recovers exactly the acknowledged batches (plus, atomically, possibly the one in flight),
 * that deleted documents stay deleted, and that nothing is reported corrupt.
 */
class CrashTest {
    static final int ROUNDS = Integer.getInteger("crash.rounds", 55);

    @TempDir
    Path tmp;

    @Test
    void acknowledgedWritesSurviveKillDashNine() throws Exception {
        Path dir = tmp.resolve("crash");
        // small memtable: a flush every ~5 batches, so kills also land mid-flush
        Collection.create(dir, TestVectors.encoder("pcaq", 64), new CollectionOptions(FloatFormat.F16, 200)).close();
        Random rnd = new Random(20261128);
        int next = 0;
        int totalAcks = 0;
        int inFlightApplied = 0;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int round = 0; round < ROUNDS; round++) {
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), dir.toString(), String.valueOf(next));
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            AtomicInteger lastAck = new AtomicInteger(-1);
            AtomicInteger acks = new AtomicInteger();
            Object firstAck = new Object();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("ACK ")) {
                            lastAck.set(Integer.parseInt(line.substring(4)));
                            if (acks.incrementAndGet() == 1) {
                                synchronized (firstAck) {
                                    firstAck.notifyAll();
                                }
                            }
                        }
                    }
                } catch (Exception ignored) {
                    // the stream ends when the process dies
                }
            });
            reader.start();
            // usually let it write a while after its first ack; sometimes kill it during start-up or recovery
            if (rnd.nextInt(10) > 0) {
                synchronized (firstAck) {
                    long deadline = System.currentTimeMillis() + 10_000;
                    while (acks.get() == 0 && p.isAlive() && System.currentTimeMillis() < deadline) {
                        firstAck.wait(50);
                    }
                }
                Thread.sleep(rnd.nextInt(400));
            } else {
                Thread.sleep(100 + rnd.nextInt(400));
            }
            assertTrue(p.isAlive(), "writer died on its own in round " + round);
            p.destroyForcibly();
            p.waitFor();
            reader.join();
            int acked = lastAck.get();
            totalAcks += acks.get();
            // the batch in flight at the kill may or may not have made it, but only as a whole
            int applied;
            try (Collection c = Collection.open(dir)) {
                int candidate = Math.max(acked, next - 1) + 1;
                applied = c.get("b" + candidate + "-1") != null ? candidate : Math.max(acked, next - 1);
                if (applied == candidate) {
                    inFlightApplied++;
                }
                verify(c, applied, round);
                CollectionTest.abandon(c); // reopen next round as after a crash: no flush on close
            }
            next = applied + 1;
        }
        assertTrue(totalAcks > ROUNDS, "too few acknowledged batches: " + totalAcks);
        System.out.println("crash test: " + ROUNDS + " kills, " + totalAcks + " acknowledged batches, " + next
                + " batches applied, in-flight batch applied " + inFlightApplied + " times");
    }

    /** The state after batches 0..last exactly: live batches last-2..last, upserted texts, nothing else. */
    static void verify(Collection c, int last, int round) {
        int expected = 0;
        for (int b = Math.max(0, last - 2); b <= last; b++) {
            for (int i = 0; i < CrashWriter.PER; i++) {
                String id = "b" + b + "-" + i;
                Doc d = c.get(id);
                assertNotNull(d, "round " + round + ": acknowledged " + id + " is missing (last batch " + last + ")");
                String text = i == 0 && b < last ? "upd" + (b + 1) : "t" + CrashWriter.seed(b, i);
                assertEquals(text, d.text(), "round " + round + ": " + id);
                assertArrayEquals(roundF16(TestVectors.vector(CrashWriter.seed(b, i))), d.vector());
                expected++;
            }
        }
        for (int b = Math.max(0, last - 6); b < last - 2; b++) {
            assertNull(c.get("b" + b + "-5"), "round " + round + ": deleted b" + b + "-5 is back");
        }
        assertNull(c.get("b" + (last + 1) + "-0"), "round " + round + ": unacknowledged batch half applied");
        assertEquals(expected, c.count(), "round " + round + ": document count");
        List<String> ids = new ArrayList<>();
        c.snapshot().forEachId(ids::add);
        assertEquals(expected, ids.size());
        if (expected > 0) {
            List<Hit> hits = c.search(SearchRequest.of(TestVectors.vector(1), expected).oversample(2));
            assertEquals(expected, hits.size());
        }
    }

    static float[] roundF16(float[] v) {
        float[] o = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = FloatFormat.F16.roundTrip(v[i]);
        }
        return o;
    }
}
