package org.bitsieve.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Kills a bulk-loading process (SIGKILL) at random moments and checks after each kill that reopening gives exactly
 * the committed batches (plus, as a whole, possibly the one in flight), upserts applied, and a healthy folder.
 */
class BulkCrashTest {
    static final int ROUNDS = Integer.getInteger("crash.bulk.rounds", 15);

    @TempDir
    Path tmp;

    @Test
    void bulkLoadSurvivesKillDashNineAtTheLastCommittedBatch() throws Exception {
        run(CollectionOptions.defaults().withFloats(FloatFormat.F16), ROUNDS);
    }

    /** The same in a partitioned collection: segments sorted by cell with their cells part, written before the manifest. */
    @Test
    void partitionedBulkLoadSurvivesKillDashNine() throws Exception {
        run(CollectionOptions.defaults().withFloats(FloatFormat.F16).withCoarse(PartitionedCollectionTest.quantizer(PartitionedCollectionTest.CELLS)),
                Math.max(1, ROUNDS * 2 / 3));
    }

    private void run(CollectionOptions options, int rounds) throws Exception {
        Path dir = tmp.resolve("bulk");
        Collection.create(dir, TestVectors.encoder("pcaq", 64), options).close();
        Random rnd = new Random(20261206);
        int next = 0;
        int inFlight = 0;
        for (int round = 0; round < rounds; round++) {
            ChildJvm w = ChildJvm.start(BulkCrashWriter.class, dir.toString(), String.valueOf(next));
            w.startReading();
            w.awaitLines("ACK ", 1, 30_000);
            Thread.sleep(rnd.nextInt(300));
            assertTrue(w.isAlive(), "writer died on its own in round " + round);
            int acked = next - 1;
            for (String line : w.kill()) {
                if (line.startsWith("ACK ")) {
                    int n = Integer.parseInt(line.substring(4));
                    assertEquals(acked + 1, n, "round " + round + ": acks out of order");
                    acked = n;
                }
            }
            int applied;
            try (Collection c = Collection.open(dir)) {
                int candidate = acked + 1;
                assertNull(c.get("b" + (candidate + 1) + "-1"), "round " + round + ": batch " + (candidate + 1) + " present");
                applied = c.get("b" + candidate + "-1") != null ? candidate : acked;
                if (applied == candidate) {
                    inFlight++;
                }
                verify(c, applied, round);
                if (options.coarse() != null) {
                    assertEquals(c.count(), c.search(SearchRequest.of(TestVectors.vector(7), c.count()).nprobe(PartitionedCollectionTest.CELLS)).size());
                }
                CollectionTest.abandon(c);
            }
            next = applied + 1;
        }
        assertTrue(Collection.verify(dir).healthy(), Collection.verify(dir).problems().toString());
        System.out.println("bulk crash test" + (options.coarse() != null ? " (partitioned)" : "") + ": " + rounds + " kills, " + next + " batches applied, in-flight batch applied " + inFlight + " times");
    }

    static void verify(Collection c, int last, int round) {
        assertEquals((long) (last + 1) * BulkCrashWriter.PER, c.count(), "round " + round + ": document count after batch " + last);
        for (int b = Math.max(0, last - 3); b <= last; b++) {
            for (int i : new int[] {0, 1, BulkCrashWriter.PER - 1}) {
                Doc d = c.get("b" + b + "-" + i);
                assertNotNull(d, "round " + round + ": committed b" + b + "-" + i + " is missing (last batch " + last + ")");
                String text = i == 0 && b < last ? "upd" + (b + 1) : "t" + BulkCrashWriter.seed(b, i);
                assertEquals(text, d.text(), "round " + round + ": b" + b + "-" + i);
                assertArrayEquals(CrashTest.roundF16(TestVectors.vector(BulkCrashWriter.seed(b, i))), d.vector());
            }
        }
        assertNull(c.get("b" + (last + 1) + "-0"), "round " + round + ": uncommitted batch present");
    }
}
