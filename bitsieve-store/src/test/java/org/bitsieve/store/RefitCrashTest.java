package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A refit interrupted at any point leaves the old state or the new one, never a mix: every step of the switch on
 * purpose (as {@link CrashPointTest} does for flushes), and SIGKILLs of a process refitting in a loop
 * ({@link ChildJvm}, as {@link CrashTest} does for writes).
 */
class RefitCrashTest {
    static final int DOCS = 1500;

    @TempDir
    Path tmp;

    @Test
    void everyStepOfARefitLeavesTheOldOrTheNewState() throws IOException {
        Path dir = tmp.resolve("refit");
        RefitTest.fill(dir, TestVectors.encoder("simhash", 64), DOCS);
        long oldFp;
        Map<String, byte[]> before;
        Map<String, byte[]> after;
        long newFp;
        try (Collection c = Collection.open(dir)) {
            c.delete(List.of("d1", "d2"));
            c.upsert(List.of(new Doc("d3", TestVectors.vector(3), "changed", null)));
            c.flush(); // deletion sets and a segment of its own for the upsert
            oldFp = EncoderFiles.fingerprint(c.encoder());
            before = CrashPointTest.files(dir);
            assertTrue(c.refit(options(0)).changed());
            newFp = EncoderFiles.fingerprint(c.encoder());
            after = CrashPointTest.files(dir);
            CollectionTest.abandon(c);
        }
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : after.entrySet()) {
            if (!e.getKey().equals(SegmentFiles.MANIFEST) && !java.util.Arrays.equals(e.getValue(), before.get(e.getKey()))) {
                written.add(e.getKey());
            }
        }
        // the order the switch writes them in: segment parts, then the encoder file, then the manifest
        written.sort((a, b) -> Boolean.compare(Manifest.isEncoderFile(a), Manifest.isEncoderFile(b)) != 0
                ? Boolean.compare(Manifest.isEncoderFile(a), Manifest.isEncoderFile(b)) : a.compareTo(b));
        assertTrue(written.stream().anyMatch(Manifest::isEncoderFile), written.toString());
        int copies = 0;
        for (int k = 0; k <= written.size(); k++) {
            Map<String, byte[]> crashed = new TreeMap<>(before);
            for (String f : written.subList(0, k)) {
                crashed.put(f, after.get(f));
            }
            recover(crashed, tmp.resolve("c" + copies++), oldFp, "crash after writing " + written.subList(0, k) + ", before the manifest");
        }
        Map<String, byte[]> committed = new TreeMap<>(before);
        committed.putAll(after);
        recover(committed, tmp.resolve("c" + copies++), newFp, "crash after the manifest, before the old files were removed");
        recover(after, tmp.resolve("c" + copies), newFp, "completed");
    }

    private static void recover(Map<String, byte[]> state, Path d, long fp, String what) throws IOException {
        Files.createDirectories(d);
        for (Map.Entry<String, byte[]> e : state.entrySet()) {
            Files.write(d.resolve(e.getKey()), e.getValue());
        }
        try (Collection c = Collection.open(d)) {
            assertEquals(fp, EncoderFiles.fingerprint(c.encoder()), what);
            check(c, what);
            c.upsert(List.of(new Doc("d4", TestVectors.vector(4), "after " + what, null)));
            CollectionTest.abandon(c);
        }
        try (Collection c = Collection.open(d)) {
            assertEquals("after " + what, c.get("d4").text(), what);
            CollectionTest.abandon(c);
        }
        assertTrue(Collection.verify(d).problems().isEmpty(), what + ": " + Collection.verify(d).problems());
    }

    /** All documents as written (d1, d2 deleted; d3 replaced), searchable, every code made by the collection's encoder. */
    private static void check(Collection c, String what) {
        assertEquals(DOCS - 2, c.count(), what);
        assertNull(c.get("d1"), what);
        assertEquals("changed", c.get("d3").text(), what);
        for (int i = 5; i < DOCS; i += 7) {
            Doc d = c.get("d" + i);
            assertNotNull(d, what + ": d" + i);
            assertEquals("text of " + i, d.text(), what);
            assertArrayEquals(CrashTest.roundF16(TestVectors.vector(i)), d.vector(), what);
        }
        RefitTest.checkCodesMatchEncoder(c);
        assertEquals("d700", c.search(SearchRequest.of(TestVectors.vector(700), 3).oversample(4)).get(0).id(), what);
    }

    static RefitOptions options(int round) {
        // alternate kinds so every refit switches (margin -1) to a different encoder
        String kind = List.of("pcaq", "sign", "witq").get(Math.floorMod(round, 3));
        return RefitOptions.defaults().withKinds(List.of(kind)).withMinimums(1000, 100).withMargin(-1).withSeed(round);
    }

    @Test
    void killedWhileRefittingItReopensToTheOldOrTheNewEncoder() throws Exception {
        Path dir = tmp.resolve("kill");
        RefitTest.fill(dir, TestVectors.encoder("simhash", 64), DOCS);
        try (Collection c = Collection.open(dir)) {
            c.delete(List.of("d1", "d2"));
            c.upsert(List.of(new Doc("d3", TestVectors.vector(3), "changed", null)));
        }
        Random rnd = new Random(7);
        Set<Long> seen = new HashSet<>();
        for (int round = 0; round < 6; round++) {
            ChildJvm w = ChildJvm.start(RefitLoop.class, dir.toString(), String.valueOf(round * 100));
            w.startReading();
            w.awaitLines("REFIT ", 1 + rnd.nextInt(2), 60_000);
            Thread.sleep(rnd.nextInt(400));
            List<String> lines = w.kill();
            try (Collection c = Collection.open(dir)) {
                long fp = EncoderFiles.fingerprint(c.encoder());
                // a kill between the manifest and the REFIT line leaves an encoder the child never printed, so what is
                // checked is that every code is the encoder's code, not which encoder it is
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("OPEN ")), "round " + round + ": " + lines);
                check(c, "round " + round + " " + lines);
                seen.add(fp);
            }
            assertTrue(Collection.verify(dir).problems().isEmpty(), Collection.verify(dir).problems().toString());
        }
        assertTrue(seen.size() > 1, "the kills should land after some refits: " + seen);
    }

    /** The child: opens the collection and refits it again and again, printing each committed encoder's fingerprint. */
    public static final class RefitLoop {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            int round = Integer.parseInt(args[1]);
            try (Collection c = Collection.open(dir)) {
                System.out.println("OPEN 0 " + Long.toHexString(EncoderFiles.fingerprint(c.encoder())));
                System.out.flush();
                for (int n = round; ; n++) {
                    Encoder e;
                    c.refit(options(n));
                    e = c.encoder();
                    System.out.println("REFIT " + n + " " + Long.toHexString(EncoderFiles.fingerprint(e)));
                    System.out.flush();
                }
            }
        }
    }
}
