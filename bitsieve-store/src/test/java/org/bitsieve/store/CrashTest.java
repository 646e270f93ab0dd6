package org.bitsieve.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kills a writer process (SIGKILL, see {@link ChildJvm#kill}) at random moments, 50+ times, and checks after each
 * kill that reopening recovers exactly the acknowledged batches (plus, atomically, possibly the one in flight,
 * and never a second one), that deleted documents stay deleted, and that nothing is reported corrupt.
 */
class CrashTest {
    static final int ROUNDS = Integer.getInteger("crash.rounds", 55);

    @TempDir
    Path tmp;

    @Test
    void acknowledgedWritesSurviveKillDashNine() throws Exception {
        killRounds(new CollectionOptions(FloatFormat.F16, 200), ROUNDS);
    }

    /** The same on a partitioned collection: kills land in flushes and compactions that sort rows by cell. */
    @Test
    void acknowledgedWritesOfAPartitionedCollectionSurviveKillDashNine() throws Exception {
        killRounds(new CollectionOptions(FloatFormat.F16, 200).withCoarse(PartitionedCollectionTest.quantizer(16)), ROUNDS / 2);
    }

    private void killRounds(CollectionOptions options, int rounds) throws Exception {
        Path dir = tmp.resolve("crash");
        // small memtable: a flush every ~5 batches, so kills also land mid-flush
        Collection.create(dir, TestVectors.encoder("pcaq", 64), options).close();
        Random rnd = new Random(20261128);
        int next = 0;
        int totalAcks = 0;
        int inFlightApplied = 0;
        for (int round = 0; round < rounds; round++) {
            ChildJvm w = ChildJvm.start(CrashWriter.class, dir.toString(), String.valueOf(next));
            w.startReading();
            // usually let it write a while after its first ack; sometimes kill it during start-up or recovery
            if (rnd.nextInt(10) > 0) {
                w.awaitLines("ACK ", 1, 10_000);
                Thread.sleep(rnd.nextInt(400));
            } else {
                Thread.sleep(100 + rnd.nextInt(400));
            }
            assertTrue(w.isAlive(), "writer died on its own in round " + round);
            // every ack the writer printed before the kill counts (see ChildJvm: a lost ack made batch n+1 look
            // like the batch in flight, and the test then missed the rows batch n+2 had rightly deleted)
            int acked = -1;
            int roundAcks = 0;
            for (String line : w.kill()) {
                if (line.startsWith("ACK ")) {
                    int n = Integer.parseInt(line.substring(4));
                    assertEquals(roundAcks == 0 ? next : acked + 1, n, "round " + round + ": acks out of order");
                    acked = n;
                    roundAcks++;
                }
            }
            totalAcks += roundAcks;
            // the batch in flight at the kill may or may not have made it, but only as a whole
            int applied;
            try (Collection c = Collection.open(dir)) {
                int candidate = Math.max(acked, next - 1) + 1;
                assertNull(c.get("b" + (candidate + 1) + "-1"), "round " + round + ": batch " + (candidate + 1)
                        + " is present, but only batches up to " + (candidate - 1) + " were acknowledged and one was in flight");
                applied = c.get("b" + candidate + "-1") != null ? candidate : Math.max(acked, next - 1);
                if (applied == candidate) {
                    inFlightApplied++;
                }
                verify(c, applied, round);
                assertEquals(options.coarse() != null, c.coarse() != null, "round " + round + ": the quantiser is still there");
                PartitionedCollectionTest.checkSorted(c);
                CollectionTest.abandon(c); // reopen next round as after a crash: no flush on close
            }
            next = applied + 1;
        }
        assertTrue(totalAcks > rounds, "too few acknowledged batches: " + totalAcks);
        System.out.println("crash test: " + rounds + " kills, " + totalAcks + " acknowledged batches, " + next
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
