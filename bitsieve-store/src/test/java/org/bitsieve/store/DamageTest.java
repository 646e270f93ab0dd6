package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every kind of file flipped at several places, truncated and deleted, against the guarantee docs/store.md states:
 * <ul>
 *   <li>verify reports the damage, naming the file;</li>
 *   <li>open either refuses naming the file, or opens with every acknowledged document intact, except that
 *       (a) a damaged block of payloads, vectors, ids or the id index fails the reads (or lookups) that touch it,
 *       naming the file, and
 *       (b) damage in the log's last record, or a truncation, is a torn tail: those batches are gone from the
 *       collection but their bytes are in quarantine/ and a warning was logged;</li>
 *   <li>repair then yields every acknowledged document that was not in the damaged part, intact; each one it
 *       could not salvage is in its report (or, for a lost log, the report says the log's batches are lost);
 *       nothing is served that was not written (but a lost deletion set may bring deleted documents back); the
 *       discarded bytes are under quarantine/.</li>
 * </ul>
 */
class DamageTest {
    static Encoder enc;
    static final FloatFormat FLOATS = FloatFormat.F16;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fit() { enc = TestVectors.encoder("pcaq", 64); }

    /** Acknowledged: d0..d249 but d1 (deleted before a flush) and d3 (deleted in the log); d200..d249 only in the log. */
    static Set<String> acknowledged() {
        Set<String> s = new HashSet<>();
        for (int i = 0; i < 250; i++) {
            s.add("d" + i);
        }
        s.remove("d1");
        s.remove("d3");
        return s;
    }

    static Path build(Path dir) throws IOException {
        Collection c = Collection.create(dir, enc, new CollectionOptions(FLOATS, 100));
        c.add(TestDocs.docs(0, 100));
        c.delete(List.of("d1"));
        c.add(TestDocs.docs(100, 100)); // flushes segment 1 and its deletion set
        for (int b = 0; b < 5; b++) {
            c.add(TestDocs.docs(200 + 10 * b, 10)); // the first flushes segment 2; the rest stay in the log
        }
        c.delete(List.of("d3"));
        CollectionTest.abandon(c);
        return dir;
    }

    static Map<String, Path> files(Path dir) throws IOException {
        Map<String, Path> m = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                String kind = n.equals("MANIFEST") ? "manifest" : n.equals("encoder.bse") ? "encoder" : n.startsWith("wal-") ? "wal"
                        : n.contains(".del-") ? "deletes" : n.startsWith("seg-000001.") ? n.substring(11) : null;
                if (kind != null) {
                    m.put(kind, p);
                }
            }
        }
        return m;
    }

    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p)) {
                    Files.copy(p, to.resolve(p.getFileName()));
                }
            }
        }
    }

    @Test
    void everyKindOfFileFlippedTruncatedOrDeletedKeepsTheGuarantee() throws IOException {
        Path base = build(tmp.resolve("base"));
        Map<String, Path> kinds = files(base);
        assertEquals(Set.of("manifest", "encoder", "codes", "ids", "idh", "payloads", "vectors", "deletes", "wal"), kinds.keySet());
        int n = 0;
        for (Map.Entry<String, Path> k : kinds.entrySet()) {
            long size = Files.size(k.getValue());
            List<String> modes = new ArrayList<>(List.of("flip@3", "flip@" + size / 3, "flip@" + size / 2, "flip@" + (size - 2),
                    "truncate", "delete"));
            for (String mode : modes) {
                Path dir = tmp.resolve("case" + n++);
                copy(base, dir);
                Path f = dir.resolve(k.getValue().getFileName());
                damage(f, mode);
                check(k.getKey(), f, mode, dir);
            }
        }
    }

    static void damage(Path f, String mode) throws IOException {
        if (mode.equals("delete")) {
            Files.delete(f);
        } else if (mode.equals("truncate")) {
            byte[] b = Files.readAllBytes(f);
            Files.write(f, java.util.Arrays.copyOf(b, b.length * 2 / 3));
        } else {
            CollectionTest.flip(f, Long.parseLong(mode.substring(5)));
        }
    }

    private void check(String kind, Path f, String mode, Path dir) throws IOException {
        String what = kind + " " + mode;
        String name = f.getFileName().toString();
        if (kind.equals("idh") && mode.equals("delete")) {
            // not damage: a segment without its id index (as written before the index existed) opens with the
            // table built in memory, and every document is served
            try (Collection c = Collection.open(dir)) {
                for (String id : acknowledged()) {
                    assertIntact(c, id, what);
                }
                CollectionTest.abandon(c);
            }
            return;
        }
        VerifyReport v = Collection.verify(dir);
        assertFalse(v.healthy(), what + ": verify must see it");
        assertTrue(v.problems().stream().anyMatch(l -> l.startsWith(name)), what + ": " + v.problems());

        boolean tornTail = false;
        Set<String> unreadable = new HashSet<>();
        try (Collection c = Collection.open(dir)) {
            // opened: every acknowledged document is intact, or its read fails naming the file
            Set<String> present;
            try {
                present = present(c);
            } catch (UncheckedIOException e) {
                // ids are read on demand: listing them meets the damaged block
                assertTrue(kind.equals("ids") && e.getCause() instanceof CorruptCollectionException && e.getMessage().contains(name), what + ": " + e);
                present = new HashSet<>();
                unreadable.add("(listing)");
            }
            for (String id : acknowledged()) {
                if (!unreadable.isEmpty() && unreadable.contains("(listing)")) {
                    break;
                }
                if (!present.contains(id)) {
                    tornTail = true;
                    continue;
                }
                try {
                    assertIntact(c, id, what);
                } catch (UncheckedIOException e) {
                    assertTrue(e.getCause() instanceof CorruptCollectionException && e.getMessage().contains(name), what + ": " + e);
                    unreadable.add(id);
                }
            }
            boolean lastBatchLost = kind.equals("wal") && present.contains("d3") && !quarantined(dir).isEmpty();
            if (lastBatchLost) {
                tornTail = true; // the torn last record was the deletion of d3: it is back, as before that batch
                present.remove("d3");
            }
            assertTrue(acknowledged().containsAll(present), what + ": serves documents that were not written");
            if (tornTail) {
                assertEquals("wal", kind, what + ": only the log may lose a tail");
                assertTrue(!quarantined(dir).isEmpty(), what + ": the torn tail must be kept in quarantine/");
                for (String id : acknowledged()) {
                    if (!present.contains(id)) {
                        assertTrue(Integer.parseInt(id.substring(1)) >= 200, what + ": " + id + " was not in the log");
                    }
                }
            }
            assertTrue(unreadable.isEmpty() || kind.equals("payloads") || kind.equals("vectors") || kind.equals("ids") || kind.equals("idh"),
                    what + " " + unreadable);
            CollectionTest.abandon(c);
            if (unreadable.isEmpty()) {
                return; // nothing left to repair
            }
        } catch (CorruptCollectionException e) {
            assertTrue(e.getMessage().contains(name), what + ": the refusal must name the file: " + e.getMessage());
        }

        // repair
        RepairReport r;
        try {
            r = Collection.repair(dir);
        } catch (CorruptCollectionException e) {
            // only the encoder cannot be salvaged: the codes mean nothing without it
            assertEquals("encoder", kind, what + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(name), e.getMessage());
            return;
        }
        assertTrue(r.changed() && !quarantined(dir).isEmpty(), what + ": discarded bytes must be under quarantine/");
        assertTrue(Files.exists(r.quarantine().resolve("REPORT.txt")), what);
        try (Collection c = Collection.open(dir)) {
            Set<String> present = present(c);
            Set<String> allowed = new HashSet<>(acknowledged());
            if (kind.equals("deletes")) {
                allowed.add("d1"); // a lost deletion set brings back what it deleted (reported)
            }
            if (kind.equals("wal")) {
                allowed.add("d3"); // a lost log record may be the deletion of d3 (reported as a missing batch)
            }
            assertTrue(allowed.containsAll(present), what + ": serves documents that were not written");
            for (String id : present) {
                assertIntact(c, id, what);
            }
            long unnamed = 0;
            for (String id : acknowledged()) {
                if (!present.contains(id)) {
                    boolean explained = r.lostIds().contains(id)
                            || kind.equals("wal") && Integer.parseInt(id.substring(1)) >= 200 && !r.actions().isEmpty();
                    if (!explained) {
                        unnamed++;
                    }
                }
            }
            // documents whose ids were in a damaged ids file cannot be named, only counted
            assertTrue(unnamed <= r.lostWithoutIds(), what + ": " + unnamed + " documents vanished without being reported: " + r.actions());
            if (!kind.equals("wal") && !kind.equals("codes") && !kind.equals("ids") && !kind.equals("payloads") && !kind.equals("vectors")) {
                assertEquals(acknowledged().size() + (kind.equals("deletes") ? 1 : 0), present.size(), what + ": " + r.actions());
            }
            CollectionTest.abandon(c);
        }
    }

    static Set<String> present(Collection c) {
        Set<String> s = new HashSet<>();
        c.snapshot().forEachId(s::add);
        return s;
    }

    static void assertIntact(Collection c, String id, String what) {
        Doc d = c.get(id);
        int seed = Integer.parseInt(id.substring(1));
        Doc e = TestVectors.doc(seed);
        assertEquals(e.text(), d.text(), what + " " + id);
        assertEquals(e.metadataJson(), d.metadataJson(), what + " " + id);
        for (int j = 0; j < e.vector().length; j++) {
            if (FLOATS.roundTrip(e.vector()[j]) != d.vector()[j]) {
                fail(what + " " + id + ": vector differs at " + j);
            }
        }
    }

    static List<Path> quarantined(Path dir) throws IOException {
        Path q = dir.resolve(WalRecovery.QUARANTINE);
        if (!Files.isDirectory(q)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(q)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
