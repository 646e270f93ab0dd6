package org.bitsieve.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Crashes at every step of a flush and of a compaction, deterministically: the folder as it was before the
 * operation plus the files the operation wrote up to step k (in the order it writes them), with or without its new
 * manifest. Every such folder must open to exactly the acknowledged batches, and accept further batches (upserts
 * and deletes of rows in old segments, the memtable and the log) that survive another crash.
 * {@link CrashTest} kills a real process at random moments; this covers each commit point on purpose.
 */
class CrashPointTest {
    @TempDir
    Path tmp;

    @Test
    void everyStepOfAFlushRecoversTheAcknowledgedBatches() throws IOException {
        flushRound(false);
    }

    /** A partitioned collection: its flush writes rows sorted by cell and a cells part; a crash at any step loses nothing. */
    @Test
    void everyStepOfAFlushOfAPartitionedCollectionRecoversTheAcknowledgedBatches() throws IOException {
        flushRound(true);
    }

    @Test
    void everyStepOfACompactionRecoversTheAcknowledgedBatches() throws IOException {
        compactRound(false);
    }

    @Test
    void everyStepOfACompactionOfAPartitionedCollectionRecoversTheAcknowledgedBatches() throws IOException {
        compactRound(true);
    }

    private void flushRound(boolean partitioned) throws IOException {
        Path dir = tmp.resolve("flush");
        Collection c = create(dir, partitioned);
        int last = writeBatches(c, 0, 11); // 11 x 41 rows: two flushes so far, deletions in segments and the log
        Map<String, byte[]> before = files(dir);
        c.flush();
        Map<String, byte[]> after = files(dir);
        CollectionTest.abandon(c);
        checkEveryCrashPoint(before, after, last, "flush");
    }

    private void compactRound(boolean partitioned) throws IOException {
        Path dir = tmp.resolve("compact");
        Collection c = create(dir, partitioned);
        int last = writeBatches(c, 0, 11);
        c.flush(); // so the compaction's own flush has nothing to do and only its files are new
        Map<String, byte[]> before = files(dir);
        c.compact();
        Map<String, byte[]> after = files(dir);
        // and a flush after the compaction: its generation follows the compaction's manifest
        last = writeBatches(c, last + 1, 3);
        Map<String, byte[]> before2 = files(dir);
        c.flush();
        Map<String, byte[]> after2 = files(dir);
        CollectionTest.abandon(c);
        checkEveryCrashPoint(before, after, last - 3, "compact");
        checkEveryCrashPoint(before2, after2, last, "flush after compact");
    }

    private static Collection create(Path dir, boolean partitioned) throws IOException {
        CollectionOptions o = new CollectionOptions(FloatFormat.F16, 200);
        Collection.create(dir, TestVectors.encoder("pcaq", 64), partitioned ? o.withCoarse(PartitionedCollectionTest.quantizer(16)) : o).close();
        return Collection.open(dir);
    }

    private static int writeBatches(Collection c, int from, int n) throws IOException {
        for (int b = from; b < from + n; b++) {
            c.write(CrashWriter.batch(b));
        }
        return from + n - 1;
    }

    /**
     * Before the manifest rename: the old folder plus the first k new files (k = 0..all). After it: the new
     * manifest with every old and new file still there (the crash came before leftovers were removed).
     */
    private void checkEveryCrashPoint(Map<String, byte[]> before, Map<String, byte[]> after, int last, String what) throws IOException {
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : after.entrySet()) {
            if (!e.getKey().equals(SegmentFiles.MANIFEST) && !java.util.Arrays.equals(e.getValue(), before.get(e.getKey()))) {
                written.add(e.getKey());
            }
        }
        written.sort(Comparator.comparingInt(CrashPointTest::writeOrder).thenComparing(Comparator.naturalOrder()));
        assertFalse(written.isEmpty(), what + " wrote no files");
        for (int k = 0; k <= written.size(); k++) {
            Map<String, byte[]> crashed = new TreeMap<>(before);
            for (String f : written.subList(0, k)) {
                crashed.put(f, after.get(f));
            }
            recoverAndContinue(crashed, last, what + ", crash after writing " + written.subList(0, k) + " but not the manifest");
        }
        Map<String, byte[]> committed = new TreeMap<>(before);
        committed.putAll(after);
        recoverAndContinue(committed, last, what + ", crash after the manifest, before old files were removed");
        recoverAndContinue(after, last, what + ", completed");
    }

    /** The order a flush or compaction writes files in: segment parts, deletion sets, then the log. */
    private static int writeOrder(String name) {
        if (name.startsWith("seg-") && name.contains(".del-")) {
            return 1;
        }
        if (name.startsWith("seg-")) {
            return 0;
        }
        return name.startsWith("wal-") ? 2 : 3;
    }

    private int copies;

    private void recoverAndContinue(Map<String, byte[]> state, int last, String what) throws IOException {
        Path d = tmp.resolve("crashed-" + copies++);
        Files.createDirectories(d);
        for (Map.Entry<String, byte[]> e : state.entrySet()) {
            Files.write(d.resolve(e.getKey()), e.getValue());
        }
        try (Collection c = Collection.open(d)) {
            check(c, last, what);
            // keep writing across the next flush: replaces and deletes rows of the recovered state
            writeBatches(c, last + 1, 6);
            check(c, last + 6, what + ", then 6 more batches");
            CollectionTest.abandon(c);
        }
        try (Collection c = Collection.open(d)) {
            check(c, last + 6, what + ", then 6 more batches and another crash");
            PartitionedCollectionTest.checkSorted(c);
            CollectionTest.abandon(c);
        }
    }

    private static void check(Collection c, int last, String what) {
        try {
            CrashTest.verify(c, last, 0);
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage(), e);
        }
    }

    /** Every file of a collection folder but the lock, by name. */
    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!n.equals(SegmentFiles.LOCK)) {
                    out.put(n, Files.readAllBytes(p));
                }
            }
        }
        return out;
    }
}
