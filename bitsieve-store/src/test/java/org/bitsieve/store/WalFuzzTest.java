package org.bitsieve.store;

import org.bitsieve.core.io.fuzz.FuzzLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes log recovery ({@link Wal#recover}, the code {@code open} runs) with mutated real logs from
 * {@code src/test/resources/fuzz/wal/}: bit flips, byte overwrites, truncations, duplicated, inserted and removed
 * ranges. Properties: recovery throws nothing but {@link CorruptCollectionException}; what it returns is exactly
 * the first k records that were written (never a record that was not); and it never discards an intact record as
 * a torn tail (version 2). Each test runs {@link #CI_TRIES} seeded tries in CI; raise them with
 * {@code -Dbitsieve.fuzz.tries=100000}; a failure prints the seed to replay it ({@link FuzzLoop}).
 */
class WalFuzzTest {
    /** Tries per test in CI (a few seconds; the count the fuzz tests have always run in CI). */
    static final int CI_TRIES = 3000; // ~0.1-1.5 s each on 2 busy cores
    /** name.b{bits}.d{dim}.{floats}.log; every seed is a log of generation 1. */
    static final String[] SEEDS = {"batches.b64.d48.F16.log", "small.b64.d48.NONE.log", "wide.b130.d48.F32.log",
            "batches-v1.b64.d48.F16.log", "empty.b64.d48.F16.log"};

    record Seed(String name, byte[] log, int bits, int dim, FloatFormat floats, List<WalScan.Record> records) {}

    /** Loaded on first use, so {@link #writeCorpus} runs without it. */
    static final class Corpus {
        static final List<Seed> SEEDS = load();
    }

    static List<Seed> load() {
        List<Seed> out = new ArrayList<>();
        for (String n : SEEDS) {
            try (InputStream in = WalFuzzTest.class.getResourceAsStream("/fuzz/wal/" + n)) {
                byte[] b = in.readAllBytes();
                String[] f = n.split("\\.");
                Path p = Path.of(n);
                Wal.Recovered r = Wal.recover(p, b, 1, Integer.parseInt(f[1].substring(1)), Integer.parseInt(f[2].substring(1)),
                        FloatFormat.valueOf(f[3]));
                if (r.keep() != b.length) {
                    throw new IllegalStateException(n + " is not a clean log");
                }
                out.add(new Seed(n, b, Integer.parseInt(f[1].substring(1)), Integer.parseInt(f[2].substring(1)), FloatFormat.valueOf(f[3]),
                        r.scan().records()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** One edit of the bytes; positions are fractions of the current length so they fit any seed. */
    record Mutation(int kind, double at, double at2, int len, int value) {
        byte[] apply(byte[] b) {
            int n = b.length;
            int p = (int) (at * n);
            switch (kind) {
                case 0 -> { // flip one bit
                    byte[] o = b.clone();
                    if (n > 0) {
                        o[Math.min(p, n - 1)] ^= (byte) (1 << (value & 7));
                    }
                    return o;
                }
                case 1 -> { // overwrite a run of bytes
                    byte[] o = b.clone();
                    for (int i = p; i < Math.min(n, p + len); i++) {
                        o[i] = (byte) (value + i);
                    }
                    return o;
                }
                case 2 -> { // truncate
                    return Arrays.copyOf(b, p);
                }
                case 3 -> { // duplicate a range at another place
                    int to = (int) (at2 * n);
                    int l = Math.min(len * 8, n - p);
                    return splice(b, to, Arrays.copyOfRange(b, p, p + l), 0);
                }
                case 4 -> { // insert random bytes
                    byte[] ins = new byte[len];
                    new java.util.Random(value).nextBytes(ins);
                    return splice(b, p, ins, 0);
                }
                default -> { // remove a range
                    return splice(b, p, new byte[0], Math.min(len * 8, n - p));
                }
            }
        }

        static byte[] splice(byte[] b, int at, byte[] ins, int remove) {
            byte[] o = new byte[b.length + ins.length - remove];
            System.arraycopy(b, 0, o, 0, at);
            System.arraycopy(ins, 0, o, at, ins.length);
            System.arraycopy(b, at + remove, o, at + ins.length, b.length - at - remove);
            return o;
        }
    }

    /** Boundary values, drawn one time in ten: the ends of the ranges below. */
    private static final double[] EDGE_FRACTIONS = {0, 1, Math.nextDown(1.0)};

    /** A random edit: kind 0..5, positions in [0, 1], a length 1..300 and a byte value 0..255. */
    static Mutation mutation(Random r) {
        boolean edges = r.nextInt(10) == 0;
        return new Mutation(r.nextInt(6), fraction(r), fraction(r), edges && r.nextBoolean() ? (r.nextBoolean() ? 1 : 300) : 1 + r.nextInt(300),
                edges && r.nextBoolean() ? (r.nextBoolean() ? 0 : 255) : r.nextInt(256));
    }

    private static double fraction(Random r) {
        return r.nextInt(10) == 0 ? EDGE_FRACTIONS[r.nextInt(EDGE_FRACTIONS.length)] : r.nextDouble();
    }

    static Seed seed(Random r) {
        return Corpus.SEEDS.get(r.nextInt(SEEDS.length));
    }

    @Test
    void recoveryReturnsAPrefixOfWhatWasWrittenOrRefuses() {
        FuzzLoop.run("recoveryReturnsAPrefixOfWhatWasWrittenOrRefuses", CI_TRIES, r -> {
            Seed s = seed(r);
            byte[] once = mutation(r).apply(s.log());
            check(s, once);
            check(s, mutation(r).apply(once));
        });
    }

    /**
     * What repair salvages: every record the scan finds anywhere (also after damage) was written, and every written
     * record whose bytes are still intact somewhere in the file is found (version 2: markers make that possible).
     */
    @Test
    void theScanRepairUsesFindsEveryIntactRecordAndNothingElse() {
        FuzzLoop.run("theScanRepairUsesFindsEveryIntactRecordAndNothingElse", CI_TRIES, r -> scanFindsIntactRecords(seed(r), mutation(r), mutation(r)));
    }

    static void scanFindsIntactRecords(Seed s, Mutation m1, Mutation m2) {
        if (s.records().isEmpty() || s.log()[8] != 2) {
            return; // version 1 cannot find records after damage; an empty log has none
        }
        byte[] log = m2.apply(m1.apply(s.log()));
        WalScan.Result r = WalScan.scan(Path.of(s.name()), log, 2);
        for (WalScan.Record got : r.records()) {
            assertTrue(s.records().stream().anyMatch(w -> w.seq() == got.seq() && Arrays.equals(w.ops(), got.ops())),
                    s.name() + ": found a record at byte " + got.offset() + " that was not written");
        }
        for (WalScan.Record w : s.records()) {
            byte[] whole = Arrays.copyOfRange(s.log(), (int) w.offset(), (int) w.end());
            if (indexOf(log, whole) >= StoreFile.HEADER) {
                assertTrue(r.records().stream().anyMatch(g -> g.seq() == w.seq() && Arrays.equals(w.ops(), g.ops())),
                        s.name() + ": intact record seq " + w.seq() + " was not found");
            }
        }
    }

    /** Truncation alone is what a crash does: it must never be refused, and must keep every record before the cut. */
    @Test
    void truncationIsAlwaysATornTail() {
        FuzzLoop.run("truncationIsAlwaysATornTail", CI_TRIES, r -> truncationKeepsWholeRecords(seed(r), mutation(r)));
    }

    static void truncationKeepsWholeRecords(Seed s, Mutation m) {
        int cut = StoreFile.HEADER + (int) (m.at() * (s.log().length - StoreFile.HEADER));
        Wal.Recovered r;
        try {
            r = Wal.recover(Path.of(s.name()), Arrays.copyOf(s.log(), cut), 1, s.bits(), s.dim(), s.floats());
        } catch (CorruptCollectionException e) {
            fail(s.name() + " cut at " + cut + " was refused: " + e.getMessage());
            return;
        }
        long whole = s.records().stream().filter(x -> x.end() <= cut).count();
        assertEquals(whole, r.batches().size(), s.name() + " cut at " + cut);
    }

    static void check(Seed s, byte[] log) {
        Wal.Recovered r;
        try {
            r = Wal.recover(Path.of(s.name()), log, 1, s.bits(), s.dim(), s.floats());
        } catch (CorruptCollectionException e) {
            assertTrue(e.getMessage().contains(s.name()), e.getMessage());
            return; // a clear refusal is allowed
        } catch (RuntimeException | OutOfMemoryError e) {
            throw new AssertionError(s.name() + ": recovery threw " + e, e);
        }
        List<WalScan.Record> got = r.scan().records();
        assertTrue(got.size() <= s.records().size(), s.name() + ": more records than were written");
        for (int i = 0; i < got.size(); i++) {
            WalScan.Record w = s.records().get(i);
            assertEquals(w.seq(), got.get(i).seq(), s.name());
            assertArrayEquals(w.ops(), got.get(i).ops(), s.name() + ": record " + i + " is not what was written");
        }
        // an intact record left in the discarded tail would be a silent loss (version 2 can find every intact record)
        if (r.version() == 2) {
            byte[] tail = Arrays.copyOfRange(log, (int) r.keep(), log.length);
            for (WalScan.Record w : s.records()) {
                byte[] whole = Arrays.copyOfRange(s.log(), (int) w.offset(), (int) w.end());
                assertTrue(indexOf(tail, whole) < 0, s.name() + ": intact record seq " + w.seq() + " discarded as a torn tail");
            }
        }
        // every record still in place after an untouched prefix is kept
        int n = 0;
        while (n < log.length && n < s.log().length && log[n] == s.log()[n]) {
            n++;
        }
        int same = n;
        long intactPrefix = s.records().stream().filter(x -> x.end() <= same).count();
        assertTrue(got.size() >= intactPrefix, s.name() + ": lost records before the first changed byte");
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Regenerates the seed corpus from the store itself:
     * {@code mvn -pl bitsieve-store -am verify -Dtest=WalFuzzTest#writeCorpus -Dbitsieve.fuzz.regenerate=true
     * -Dsurefire.failIfNoSpecifiedTests=false}.
     */
    @Test
    @EnabledIfSystemProperty(named = "bitsieve.fuzz.regenerate", matches = "true")
    void writeCorpus() throws IOException {
        Path out = Path.of("src/test/resources/fuzz/wal");
        Files.createDirectories(out);
        Path tmp = Files.createTempDirectory("walcorpus");
        var enc64 = TestVectors.encoder("pcaq", 64);
        WalTest.enc = enc64;
        Path a = tmp.resolve("a");
        Path wal = WalTest.fiveBatches(a);
        try (Collection c = Collection.open(a)) {
            c.upsert(List.of(TestVectors.doc(3), new Doc("x-é", TestVectors.vector(77), null, null)));
            c.delete(List.of("d4", "d5", "nope"));
            CollectionTest.abandon(c);
        }
        Files.copy(wal, out.resolve(SEEDS[0]), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        byte[] v1 = Wal.header(1, 1);
        for (WalScan.Record r : WalTest.records(wal)) {
            v1 = WalTest.concat(v1, Wal.record(1, r.seq(), r.ops()));
        }
        Files.write(out.resolve(SEEDS[3]), v1);
        Path b = tmp.resolve("b");
        Collection c = Collection.create(b, enc64, new CollectionOptions(FloatFormat.NONE, 1000));
        c.add(List.of(new Doc("s1", TestVectors.vector(1), "one", null), new Doc("s2", TestVectors.vector(2), null, "{\"k\":1}")));
        c.add(List.of(new Doc("s3", TestVectors.vector(3), "", "{}")));
        c.delete(List.of("s1"));
        CollectionTest.abandon(c);
        Files.copy(b.resolve(SegmentFiles.wal(1)), out.resolve(SEEDS[1]), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path w = tmp.resolve("w");
        c = Collection.create(w, TestVectors.encoder("simhash", 130), new CollectionOptions(FloatFormat.F32, 1000));
        c.add(TestDocs.docs(0, 4));
        c.add(TestDocs.docs(4, 3));
        CollectionTest.abandon(c);
        Files.copy(w.resolve(SegmentFiles.wal(1)), out.resolve(SEEDS[2]), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(out.resolve(SEEDS[4]), Wal.header(2, 1));
    }
}
