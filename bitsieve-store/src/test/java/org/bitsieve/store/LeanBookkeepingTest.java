package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The id index as sorted hashes per segment ({@link IdHashIndex}) and ids, payloads and vectors read on demand:
 * lookups stay exact under hash collisions, segments without the index part still open, damage in a lazily read
 * block fails only the reads that touch it (naming file and block) and opening reads no payload block.
 */
class LeanBookkeepingTest {
    static Encoder enc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fit() { enc = TestVectors.encoder("pcaq", 64); }

    @Test
    void xxHash64MatchesTheReferenceVectors() {
        assertEquals(0xEF46DB3751D8E999L, XxHash64.hash(new byte[0]));
        assertEquals(0x44BC2CF5AD770999L, XxHash64.hash("abc".getBytes(StandardCharsets.US_ASCII)));
        // every code path (the 32-byte stripes, 8-, 4- and 1-byte tails) gives distinct, stable values
        Set<Long> seen = new HashSet<>();
        byte[] b = new byte[100];
        new Random(7).nextBytes(b);
        for (int n = 0; n <= 100; n++) {
            assertTrue(seen.add(XxHash64.hash(java.util.Arrays.copyOf(b, n))), "length " + n);
        }
    }

    @Test
    void sortOrdersPairsByHashThenRow() {
        Random r = new Random(3);
        for (int round = 0; round < 200; round++) {
            int n = r.nextInt(400);
            long[] h = new long[n];
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                h[i] = round % 2 == 0 ? r.nextLong() : r.nextInt(5) - 2; // many ties on odd rounds
                rows[i] = i;
            }
            long[] expect = h.clone();
            java.util.Arrays.sort(expect);
            IdHashIndex.sort(h, rows, 0, n - 1);
            assertArrayEquals(expect, h);
            for (int i = 1; i < n; i++) {
                assertTrue(h[i - 1] < h[i] || rows[i - 1] < rows[i], "ties ordered by row");
            }
        }
    }

    /** Every id hashes to the same value: lookups must still answer exactly, through the ids file. */
    @Test
    void collidingHashesNeverGiveAWrongAnswer() throws IOException {
        IdHashIndex.testHash = id -> id.length() % 2 == 0 ? 42L : -7L;
        try {
            Path dir = tmp.resolve("c");
            try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.F32, 300))) {
                c.add(TestDocs.docs(0, 300)); // segment 1
                c.add(TestDocs.docs(300, 300)); // segment 2
                c.add(TestDocs.docs(600, 50)); // memtable
                assertEquals("text of 7", c.get("d7").text());
                assertEquals("text of 345", c.get("d345").text());
                assertEquals("text of 620", c.get("d620").text());
                assertNull(c.get("d650"));
                assertNull(c.get("x"));
                IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> c.add(List.of(TestVectors.doc(301))));
                assertTrue(dup.getMessage().contains("d301"), dup.getMessage());
                assertEquals(2, c.delete(List.of("d5", "d305", "d5", "nope")));
                assertNull(c.get("d5"));
                Doc up = new Doc("d10", TestVectors.vector(9999), "replaced", null);
                c.upsert(List.of(up, up));
                assertEquals("replaced", c.get("d10").text());
                assertEquals(648, c.count());
                c.flush();
                assertEquals("replaced", c.get("d10").text());
                assertEquals(1, c.delete(List.of("d10")));
                assertNull(c.get("d10"));
            }
            try (Collection c = Collection.open(dir)) {
                assertEquals(647, c.count());
                assertNull(c.get("d10"));
                assertEquals("text of 11", c.get("d11").text());
                c.compact();
                assertEquals(647, c.count());
                for (int i = 0; i < 650; i++) {
                    Doc d = c.get("d" + i);
                    if (i == 5 || i == 305 || i == 10) {
                        assertNull(d, "d" + i);
                    } else {
                        assertEquals("text of " + i, d.text(), "d" + i);
                    }
                }
            }
            assertTrue(Collection.verify(dir).healthy(), Collection.verify(dir).problems().toString());
        } finally {
            IdHashIndex.testHash = null;
        }
    }

    @Test
    void aSegmentWithoutItsIdIndexOpensAndACompactionWritesIt() throws IOException {
        Path dir = tmp.resolve("old");
        try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.NONE, 500))) {
            c.add(TestDocs.docs(0, 500));
            c.add(TestDocs.docs(500, 100));
            c.delete(List.of("d3"));
        }
        Files.delete(SegmentFiles.idHashes(dir, 1)); // as written before the index part existed
        Files.delete(SegmentFiles.idHashes(dir, 2));
        assertTrue(Collection.verify(dir).healthy(), "a missing index is no damage");
        try (Collection c = Collection.open(dir)) {
            assertEquals("text of 499", c.get("d499").text());
            assertNull(c.get("d3"));
            assertEquals(1, c.delete(List.of("d400")));
            c.compact();
            assertNull(c.get("d400"));
            assertEquals("text of 550", c.get("d550").text());
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.filter(p -> p.getFileName().toString().endsWith(".idh")).count(), "the compacted segment has its index");
        }
        try (Collection c = Collection.open(dir)) {
            assertEquals(598, c.count());
            assertEquals("text of 0", c.get("d0").text());
        }
    }

    @Test
    void openingReadsNoPayloadOrVectorBlockAndDamageFailsOnlyItsDocuments() throws IOException {
        Path dir = tmp.resolve("p");
        int n = 2000;
        List<Doc> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Doc d = TestVectors.doc(i);
            docs.add(new Doc(d.id(), d.vector(), "text of " + i + " " + "x".repeat(200), null));
        }
        try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.F32, n))) {
            c.add(docs);
        }
        Path payloads = SegmentFiles.payloads(dir, 1);
        Path vectors = SegmentFiles.vectors(dir, 1);
        // damage one block in the middle of the texts and one in the vectors: open must not notice
        long pBlock = (Files.size(payloads) / 2 - StoreFile.HEADER) / BlockFile.BLOCK;
        CollectionTest.flip(payloads, StoreFile.HEADER + pBlock * BlockFile.BLOCK + 100);
        long vBlock = 3;
        CollectionTest.flip(vectors, StoreFile.HEADER + vBlock * BlockFile.BLOCK + 5);
        try (Collection c = Collection.open(dir)) {
            assertEquals(n, c.count());
            int failedText = 0;
            int failedVector = 0;
            for (int i = 0; i < n; i++) {
                try {
                    Doc d = c.get("d" + i);
                    assertEquals("text of " + i + " " + "x".repeat(200), d.text());
                    assertArrayEquals(TestVectors.vector(i), d.vector());
                } catch (UncheckedIOException e) {
                    String m = e.getMessage();
                    assertTrue(e.getCause() instanceof CorruptCollectionException, m);
                    if (m.contains("seg-000001.payloads")) {
                        assertTrue(m.contains("block " + pBlock), m);
                        failedText++;
                    } else {
                        assertTrue(m.contains("seg-000001.vectors") && m.contains("block " + vBlock), m);
                        failedVector++;
                    }
                }
            }
            // a 4 KiB block holds ~18 texts of 212 bytes
            assertTrue(failedText > 0 && failedText <= 20, failedText + " texts failed");
            // a vector of TestVectors.DIM floats; a block holds BLOCK / (DIM * 4) of them, one more when they straddle it
            int per = BlockFile.BLOCK / (TestVectors.DIM * 4);
            assertTrue(failedVector >= per && failedVector <= per + 2, failedVector + " vectors failed");
            List<String> scrub = c.scrub();
            assertEquals(2, scrub.size(), scrub.toString());
            CollectionTest.abandon(c);
        }
        VerifyReport v = Collection.verify(dir);
        assertFalse(v.healthy());
    }

    @Test
    void aDamagedIdIndexBlockFailsTheLookupNamingFileAndBlockAndRepairRebuildsIt() throws IOException {
        Path dir = tmp.resolve("h");
        int n = 3000; // 9 blocks of 341 entries
        try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.NONE, n))) {
            c.add(TestDocs.docs(0, n));
        }
        Path idh = SegmentFiles.idHashes(dir, 1);
        assertEquals(StoreFile.HEADER + IdHashIndex.bodyLength(n) + 4 * 9 + 4, Files.size(idh));
        // the last block: only lookups whose binary search ends there touch it (the first probe, entry 1500, is in block 4)
        CollectionTest.flip(idh, StoreFile.HEADER + 8L * BlockFile.BLOCK + 30);
        int failed = 0;
        try (Collection c = Collection.open(dir)) {
            for (int i = 0; i < n; i++) {
                try {
                    assertEquals("text of " + i, c.get("d" + i).text());
                } catch (UncheckedIOException e) {
                    assertTrue(e.getMessage().contains("seg-000001.idh") && e.getMessage().contains("block 8"), e.getMessage());
                    failed++;
                }
            }
            CollectionTest.abandon(c);
        }
        assertTrue(failed > 0 && failed < n, failed + " lookups failed");
        VerifyReport v = Collection.verify(dir);
        assertTrue(v.problems().stream().anyMatch(l -> l.startsWith("seg-000001.idh")), v.problems().toString());
        RepairReport r = Collection.repair(dir);
        assertEquals(n, r.documents(), r.actions().toString());
        try (Collection c = Collection.open(dir)) {
            for (int i = 0; i < n; i++) {
                assertEquals("text of " + i, c.get("d" + i).text());
            }
        }
        assertTrue(Collection.verify(dir).healthy());
    }

    @Test
    void anIdIndexThatDisagreesWithTheIdsIsReportedByVerify() throws IOException {
        Path dir = tmp.resolve("x");
        try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.NONE, 100))) {
            c.add(TestDocs.docs(0, 100));
        }
        // a crafted file with intact checksums whose rows are swapped: every lookup must still answer exactly
        Path idh = SegmentFiles.idHashes(dir, 1);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(idh)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int r0 = b.getInt(StoreFile.HEADER + 8);
        int r1 = b.getInt(StoreFile.HEADER + 20);
        b.putInt(StoreFile.HEADER + 8, r1);
        b.putInt(StoreFile.HEADER + 20, r0);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(b.array(), StoreFile.HEADER, (int) IdHashIndex.bodyLength(100));
        b.putInt(StoreFile.HEADER + (int) IdHashIndex.bodyLength(100), (int) crc.getValue());
        crc = new java.util.zip.CRC32C();
        crc.update(b.array(), StoreFile.HEADER + (int) IdHashIndex.bodyLength(100), 4);
        b.putInt(StoreFile.HEADER + (int) IdHashIndex.bodyLength(100) + 4, (int) crc.getValue());
        Files.write(idh, b.array());
        try (Collection c = Collection.open(dir)) {
            int found = 0;
            for (int i = 0; i < 100; i++) {
                Doc d = c.get("d" + i);
                if (d != null) {
                    assertEquals("text of " + i, d.text(), "never another document's");
                    found++;
                }
            }
            assertEquals(98, found, "the two swapped entries miss, nothing else");
            CollectionTest.abandon(c);
        }
        VerifyReport v = Collection.verify(dir);
        assertTrue(v.problems().stream().anyMatch(l -> l.startsWith("seg-000001.idh") && l.contains("does not match")), v.problems().toString());
    }
}
