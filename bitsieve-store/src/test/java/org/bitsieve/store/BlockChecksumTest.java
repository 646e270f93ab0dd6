package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Payloads and vectors are checked block by block when read, so bytes altered after open are refused, not served. */
class BlockChecksumTest {
    static Encoder enc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fit() { enc = TestVectors.encoder("pcaq", 64); }

    static Path segment(Path dir) throws IOException {
        try (Collection c = Collection.create(dir, enc, new CollectionOptions(FloatFormat.F32, 1000))) {
            c.add(TestDocs.docs(0, 600));
        }
        return dir;
    }

    @Test
    void payloadsAlteredWhileOpenAreRefusedNamingFileAndBlock() throws IOException {
        Path dir = segment(tmp.resolve("c"));
        Path payloads = SegmentFiles.payloads(dir, 1);
        try (Collection c = Collection.open(dir)) {
            assertEquals("text of 599", c.get("d599").text());
            // the texts start after the two offset tables; alter a byte of the last document's text on disk
            long at = Files.size(payloads) - 4 - 4 * BlockFile.blocks(Files.size(payloads), BlockFile.BLOCK) - 40;
            CollectionTest.flip(payloads, at);
            long block = (at - StoreFile.HEADER) / BlockFile.BLOCK;
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
                for (int i = 0; i < 600; i++) {
                    c.get("d" + i);
                }
            });
            assertTrue(e.getCause() instanceof CorruptCollectionException, e.toString());
            assertTrue(e.getMessage().contains(payloads.getFileName().toString()) && e.getMessage().contains("block " + block),
                    e.getMessage());
            assertEquals("text of 0", c.get("d0").text(), "blocks that are intact still serve");
            CollectionTest.abandon(c);
        }
    }

    @Test
    void scrubFindsDamageNoReadHasTouched() throws IOException {
        Path dir = segment(tmp.resolve("c"));
        try (Collection c = Collection.open(dir)) {
            assertEquals(List.of(), c.scrub());
            Path payloads = SegmentFiles.payloads(dir, 1);
            Path codes = SegmentFiles.codes(dir, 1);
            CollectionTest.flip(payloads, StoreFile.HEADER + BlockFile.BLOCK + 9);
            CollectionTest.flip(codes, StoreFile.HEADER + 3);
            List<String> found = c.scrub();
            assertEquals(2, found.size(), found.toString());
            assertTrue(found.get(0).contains("seg-000001.payloads") && found.get(0).contains("block 1"), found.toString());
            assertTrue(found.get(1).contains("seg-000001.codes") && found.get(1).contains("block 0"), found.toString());
            CollectionTest.abandon(c);
        }
    }

    @Test
    void vectorsAlteredWhileOpenFailTheReRankingSearch() throws IOException {
        Path dir = segment(tmp.resolve("c"));
        Path vectors = SegmentFiles.vectors(dir, 1);
        try (Collection c = Collection.open(dir)) {
            SearchRequest q = SearchRequest.of(TestVectors.vector(5), 10).oversample(60);
            c.search(q);
            try (FileChannel ch = FileChannel.open(vectors, StandardOpenOption.WRITE)) {
                for (long at = StoreFile.HEADER; at < Files.size(vectors) - 1000; at += BlockFile.BLOCK) {
                    ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), at + 7);
                }
            }
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> c.search(q));
            assertTrue(e.getMessage().contains(vectors.getFileName().toString()), e.getMessage());
            CollectionTest.abandon(c);
        }
    }

    @Test
    void version1PartsStillOpenAndAreVerifiedWholeAtOpen() throws IOException {
        Path dir = segment(tmp.resolve("c"));
        for (Path p : List.of(SegmentFiles.payloads(dir, 1), SegmentFiles.vectors(dir, 1))) {
            toVersion1(p, p.getFileName().toString().endsWith(".payloads") ? SegmentFiles.PAYLOADS_MAGIC : SegmentFiles.VECTORS_MAGIC);
        }
        try (Collection c = Collection.open(dir)) {
            assertEquals(600, c.count());
            assertEquals("text of 321", c.get("d321").text());
            assertArrayEquals(TestVectors.vector(321), c.get("d321").vector());
            CollectionTest.abandon(c);
        }
        Path p = SegmentFiles.payloads(dir, 1);
        CollectionTest.flip(p, Files.size(p) / 2);
        CorruptCollectionException e = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(e.getMessage().contains(p.getFileName().toString()), e.getMessage());
    }

    @Test
    void aPartOfAnotherSegmentOrCollectionIsRefusedThoughItsChecksumsHold() throws IOException {
        Path a = segment(tmp.resolve("a"));
        Path b = segment(tmp.resolve("b")); // the same documents, so counts and lengths match exactly
        Files.copy(SegmentFiles.payloads(a, 1), SegmentFiles.payloads(b, 1), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CorruptCollectionException e = assertThrows(CorruptCollectionException.class, () -> Collection.open(b));
        assertTrue(e.getMessage().contains("seg-000001.payloads") && e.getMessage().contains("put in its place"), e.getMessage());
        VerifyReport v = Collection.verify(b);
        assertTrue(v.problems().stream().anyMatch(l -> l.startsWith("seg-000001.payloads @52")), v.problems().toString());
    }

    /** Rewrites a version-2 part in the version-1 framing, as an older build wrote it. */
    static void toVersion1(Path p, byte[] magic) throws IOException {
        StoreFile.Header h;
        byte[] body;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            BlockFile f = BlockFile.open(p, ch, magic, true);
            assertEquals(2, f.version());
            h = f.header();
            ByteBuffer b = ByteBuffer.allocate((int) h.bodyLength());
            f.read(b, 0);
            body = b.array();
        }
        Files.delete(p);
        StoreFile.write(p, magic, h.flags(), h.count(), h.a(), h.b(), body);
    }
}
