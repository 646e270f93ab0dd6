package org.bitsieve.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A full disk, for real: a child JVM under {@code ulimit -f 64} ({@link DiskFullWriter}) meets the kernel's "File too
 * large" in a compaction (its merged segment) and in a log append (one batch over the limit), the way a full disk
 * fails a write part way. Each failure must leave the collection as it was and writable: the next batch is
 * acknowledged without a reopen, no temp file stays behind, and a reopen after the child halts finds every
 * acknowledged document, no torn record in the log and nothing to report. Before, the first failure made the
 * collection refuse every write until reopened, and the append left a torn record in the log that the reopen
 * had to cut off.
 */
class DiskFullTest {
    @TempDir
    Path tmp;

    @Test
    void writesThatHitTheLimitLeaveTheCollectionWritableAndWhole() throws Exception {
        Path dir = tmp.resolve("full");
        Collection.create(dir, TestVectors.encoder("itq", 32), new CollectionOptions(FloatFormat.F32, 100)).close();
        List<String> out = ChildJvm.startWithFileLimit(64, DiskFullWriter.class, dir.toString()).awaitExit(180);
        for (int n = 0; n < 60; n++) {
            assertTrue(out.contains("ACK " + n + " ok"), "batch " + n + " before the limit: " + out);
        }
        String compact = line(out, "COMPACT");
        assertTrue(compact.startsWith("COMPACT failed: ") && compact.contains("File too large"), compact);
        assertEquals("ACK 60 ok", line(out, "ACK 60"), "a failed compaction must not stop writes");
        String big = line(out, "BIG 61");
        assertTrue(big.startsWith("BIG 61 failed: ") && big.contains("File too large"), big);
        assertEquals("ACK 62 ok", line(out, "ACK 62"), "a log append rolled back must not stop writes");
        assertEquals("TEMP 0", line(out, "TEMP"), "partial files of the failed compaction are removed");

        VerifyReport v = Collection.verify(dir);
        assertTrue(v.healthy(), v.problems().toString());
        assertFalse(v.tornTail(), "the failed append was rolled back, so the log ends with a whole record");
        try (Collection c = Collection.open(dir)) {
            assertFalse(Files.exists(dir.resolve("quarantine")), "nothing was cut off the log");
            assertEquals(620, c.count(), "batches 0-60 and 62, 10 documents each");
            for (int n : new int[] {0, 33, 59, 60, 62}) {
                for (int i = 0; i < 10; i++) {
                    assertNotNull(c.get("b" + n + "-" + i), "acknowledged b" + n + "-" + i);
                }
            }
            assertNull(c.get("b61-0"), "the batch that failed is not there, not even in part");
            c.compact(); // with no limit the same compaction goes through
            assertEquals(620, c.count());
        }
        assertTrue(Collection.verify(dir).healthy());
    }

    private static String line(List<String> out, String prefix) {
        return out.stream().filter(l -> l.startsWith(prefix + " ")).findFirst().orElse("(no line " + prefix + " in " + out + ")");
    }
}
