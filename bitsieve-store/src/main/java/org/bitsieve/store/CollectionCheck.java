package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads every byte of a collection's files without opening it (no replay, nothing written) and records what is
 * intact and what is not, per file with offsets where they are known. {@code verify} prints this; {@code repair}
 * acts on it.
 */
final class CollectionCheck {
    /** One thing wrong: the file, the byte offset when known (else -1), and what. */
    record Problem(Path file, long offset, String what) {
        @Override
        public String toString() {
            return file.getFileName() + (offset >= 0 ? " @" + offset : "") + ": " + what;
        }
    }

    /** What one segment holds that is intact. */
    static final class Seg {
        final Manifest.SegmentEntry entry;
        boolean codesOk;            // the file opens and its header matches the manifest
        List<Long> badCodeBlocks = List.of();
        String[] ids;               // null when the ids file is unreadable; null entries: in a damaged chunk
        boolean idsDamaged;
        boolean payloadsOk;         // the file opens (header, length, block table)
        List<Long> badPayloadBlocks = List.of();   // -1 = a version-1 body failed (no block to blame)
        boolean vectorsOk = true;
        List<Long> badVectorBlocks = List.of();
        boolean deletesOk = true;
        long[] deletes;

        Seg(Manifest.SegmentEntry entry) { this.entry = entry; }

        boolean intact() {
            return codesOk && badCodeBlocks.isEmpty() && ids != null && !idsDamaged && payloadsOk && badPayloadBlocks.isEmpty() && vectorsOk && badVectorBlocks.isEmpty() && deletesOk;
        }
    }

    final Path dir;
    final List<Problem> problems = new ArrayList<>();
    /** Torn tail of the log: bytes open would keep aside; listed apart because a crash leaves it too. */
    WalScan.Damage walTail;
    Manifest manifest;
    Encoder encoder;
    final List<Seg> segments = new ArrayList<>();
    WalScan.Result wal;
    /** The log's records that decode, by sequence order of the file (duplicates and gaps are problems). */
    final List<List<Prepared>> walBatches = new ArrayList<>();

    private CollectionCheck(Path dir) { this.dir = dir; }

    boolean healthy() { return problems.isEmpty() && walTail == null; }

    /** Holds the collection's lock for the duration of a check or repair, as {@code open} does. */
    static java.io.Closeable lock(Path dir) throws IOException {
        requireCollection(dir); // before the lock file is created: never leave a LOCK in a folder that is not ours
        return DirLock.acquire(dir);
    }

    /** {@link Collection#verify}: the check under the collection's lock, as lines. */
    static VerifyReport verify(Path dir) throws IOException {
        try (java.io.Closeable l = lock(dir)) {
            CollectionCheck c = run(dir);
            List<String> lines = c.problems.stream().map(Problem::toString).toList();
            return new VerifyReport(dir, lines, c.walTail != null && c.problems.size() == 1);
        }
    }

    static void requireCollection(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "collection folder not found");
        }
        if (!Collection.exists(dir)) {
            throw new IllegalArgumentException(dir + " is not a bitsieve collection (no MANIFEST, segments or log)");
        }
    }

    static CollectionCheck run(Path dir) throws IOException {
        requireCollection(dir);
        CollectionCheck c = new CollectionCheck(dir);
        c.check();
        return c;
    }

    private void check() throws IOException {
        Path mp = dir.resolve(SegmentFiles.MANIFEST);
        try {
            manifest = Manifest.read(dir);
        } catch (CorruptCollectionException e) {
            problems.add(new Problem(mp, -1, e.getMessage().replace(mp + ": ", "")));
        }
        Path ep = dir.resolve(SegmentFiles.ENCODER);
        try {
            encoder = EncoderFiles.load(ep);
            if (manifest != null && (!EncoderFiles.matches(encoder, manifest.encoderFingerprint()) || encoder.bits() != manifest.bits()
                    || encoder.dimension() != manifest.dim())) {
                problems.add(new Problem(ep, -1, "encoder does not match the manifest"));
            }
        } catch (NoSuchFileException e) {
            problems.add(new Problem(ep, -1, "file is missing"));
            encoder = null;
        } catch (IOException | RuntimeException e) {
            problems.add(new Problem(ep, -1, String.valueOf(e.getMessage())));
            encoder = null;
        }
        if (manifest == null) {
            return; // without it, which files belong together is unknown; repair may rebuild it
        }
        for (Manifest.SegmentEntry e : manifest.segments()) {
            segments.add(checkSegment(e));
        }
        if (manifest.partitioned()) {
            checkCells();
        }
        checkIds();
        checkWal(dir.resolve(manifest.wal()), walGeneration(manifest.wal()), manifest.bits(), manifest.dim(), manifest.floatFormat());
    }

    /** A partitioned collection's quantiser and every segment's cells part (see {@link Cells}). */
    private void checkCells() {
        try {
            Cells.loadQuantizer(dir, manifest, manifest.dim());
        } catch (IOException | RuntimeException e) {
            problems.add(new Problem(dir.resolve(Cells.QUANTIZER), -1, String.valueOf(e.getMessage()).replace(dir.resolve(Cells.QUANTIZER) + ": ", "")));
        }
        for (Manifest.SegmentEntry e : manifest.segments()) {
            Path p = Cells.path(dir, e.number());
            try {
                Cells.read(dir, e.number(), e.docs(), manifest.cells(), manifest.coarseFingerprint());
            } catch (IOException | RuntimeException x) {
                problems.add(new Problem(p, -1, String.valueOf(x.getMessage()).replace(p + ": ", "")));
            }
        }
    }

    static long walGeneration(String name) { return Long.parseLong(name.substring(4, name.length() - 4)); }

    private Seg checkSegment(Manifest.SegmentEntry e) {
        Seg s = new Seg(e);
        int n = e.docs();
        int stride = PackedCodesStride.of(manifest.bits());
        Path cp = SegmentFiles.codes(dir, e.number());
        long codeTag = 0;
        try (FileChannel ch = FileChannel.open(cp, StandardOpenOption.READ)) {
            BlockFile f = BlockFile.open(cp, ch, SegmentFiles.CODES_MAGIC, false);
            StoreFile.Header h = f.header();
            if (h.count() != n || h.a() != manifest.bits() || h.flags() != stride || h.bodyLength() != (long) n * stride
                    || h.b() != manifest.encoderFingerprint()) {
                problems.add(new Problem(cp, 0, "header does not match the manifest (" + h.count() + " codes of " + h.a() + " bits)"));
            } else {
                s.codesOk = belongs(f, e.number(), 0);
                s.badCodeBlocks = f.badBlocks();
                report(cp, f, s.badCodeBlocks);
                codeTag = f.tag();
            }
        } catch (IOException ex) {
            problems.add(problem(cp, ex));
        }
        Path ip = SegmentFiles.ids(dir, e.number());
        try {
            IdsFile.Ids r = IdsFile.read(ip, n, false);
            s.ids = r.ids();
            s.idsDamaged = !belongs(r.file(), e.number(), codeTag);
        } catch (IOException ex) {
            problems.add(problem(ip, ex));
            s.idsDamaged = true;
            try {
                s.ids = IdsFile.read(ip, n, true).ids(); // the ids of intact chunks
            } catch (IOException again) {
                s.ids = null;
            }
        }
        Path pp = SegmentFiles.payloads(dir, e.number());
        try (FileChannel ch = FileChannel.open(pp, StandardOpenOption.READ)) {
            BlockFile f = BlockFile.open(pp, ch, SegmentFiles.PAYLOADS_MAGIC, false);
            if (f.header().count() != n || f.header().bodyLength() < 16L * (n + 1)) {
                problems.add(new Problem(pp, 0, "holds " + f.header().count() + " payloads, expected " + n));
            } else {
                s.payloadsOk = belongs(f, e.number(), codeTag);
                s.badPayloadBlocks = f.badBlocks();
                report(pp, f, s.badPayloadBlocks);
            }
        } catch (NoSuchFileException ex) {
            problems.add(new Problem(pp, -1, "file is missing (the manifest names it)"));
        } catch (IOException ex) {
            problems.add(problem(pp, ex));
        }
        FloatFormat floats = manifest.floatFormat();
        if (floats != FloatFormat.NONE) {
            s.vectorsOk = false;
            Path vp = SegmentFiles.vectors(dir, e.number());
            try (FileChannel ch = FileChannel.open(vp, StandardOpenOption.READ)) {
                BlockFile f = BlockFile.open(vp, ch, SegmentFiles.VECTORS_MAGIC, false);
                StoreFile.Header h = f.header();
                if (h.count() != n || h.a() != manifest.dim() || h.flags() != floats.bytes()
                        || h.bodyLength() != (long) n * manifest.dim() * floats.bytes()) {
                    problems.add(new Problem(vp, 0, "holds " + h.count() + " vectors of dimension " + h.a() + ", expected " + n
                            + " of " + manifest.dim()));
                } else {
                    s.vectorsOk = belongs(f, e.number(), codeTag);
                    s.badVectorBlocks = f.badBlocks();
                    report(vp, f, s.badVectorBlocks);
                }
            } catch (NoSuchFileException ex) {
                problems.add(new Problem(vp, -1, "file is missing (the manifest names it)"));
            } catch (IOException ex) {
                problems.add(problem(vp, ex));
            }
        }
        if (e.deletes() != null) {
            Path dp = dir.resolve(e.deletes());
            try {
                s.deletes = Deletions.read(dp, n);
                if (Deletions.cardinality(s.deletes) != e.deleted()) {
                    problems.add(new Problem(dp, -1, "deletion count differs from the manifest"));
                    s.deletesOk = false;
                }
            } catch (IOException ex) {
                problems.add(problem(dp, ex));
                s.deletesOk = false;
            }
        }
        return s;
    }

    /** Whether a part carries its segment's number (and the codes' nonce, when known); a problem if not. */
    private boolean belongs(BlockFile f, int number, long codeTag) {
        if (f.version() != BlockFile.VERSION) {
            return true;
        }
        String why = (int) (f.tag() >>> 32) != number ? "written for segment " + (f.tag() >>> 32) + ", not " + number
                : codeTag != 0 && f.tag() != codeTag ? "written by another write than the segment's codes" : null;
        if (why == null) {
            return true;
        }
        problems.add(new Problem(f.path(), 52, "header: " + why + " (a file from elsewhere was put in its place)"));
        return false;
    }

    private void report(Path p, BlockFile f, List<Long> bad) {
        for (long b : bad) {
            problems.add(b < 0 ? new Problem(p, StoreFile.HEADER, "body checksum mismatch (version-1 file: the damaged rows cannot be told)")
                    : new Problem(p, StoreFile.HEADER + f.blockStart(b), "block " + b + " (" + (f.blockEnd(b) - f.blockStart(b))
                            + " bytes) failed its checksum"));
        }
    }

    private void checkIds() {
        Map<String, Integer> live = new HashMap<>();
        for (Seg s : segments) {
            if (s.ids == null) {
                continue;
            }
            for (int r = 0; r < s.ids.length; r++) {
                if (s.ids[r] != null && !Deletions.isSet(s.deletes, r) && live.put(s.ids[r], s.entry.number()) != null) {
                    problems.add(new Problem(SegmentFiles.ids(dir, s.entry.number()), -1, "id '" + s.ids[r] + "' is live twice"));
                    return;
                }
            }
        }
    }

    private void checkWal(Path p, long generation, int bits, int dim, FloatFormat floats) throws IOException {
        if (!Files.exists(p)) {
            problems.add(new Problem(p, -1, "write-ahead log is missing (the manifest names it)"));
            return;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            try {
                wal = WalScan.scan(p, ch, Wal.readVersion(p, ch, generation));
            } catch (CorruptCollectionException e) {
                problems.add(new Problem(p, 0, "bad header (magic, version, generation or checksum)"));
                // find the records anyway, for the report and repair: as version 2 (markers), else as version 1
                wal = WalScan.scan(p, ch, Wal.VERSION);
                WalScan.Result v1 = WalScan.scan(p, ch, 1);
                if (v1.records().size() > wal.records().size()) {
                    wal = v1;
                }
            }
        }
        WalScan.Damage tail = wal.tail();
        for (WalScan.Damage d : wal.damage()) {
            if (d == tail) {
                walTail = d;
                problems.add(new Problem(p, d.offset(), "the last " + (d.end() - d.offset()) + " bytes are not an intact record ("
                        + d.reason() + "): a torn write if the process crashed, otherwise damage; open keeps them aside in quarantine/"));
            } else {
                problems.add(new Problem(p, d.offset(), (d.end() - d.offset()) + " damaged bytes (" + d.reason()
                        + ") before an intact record at byte " + d.end()));
            }
        }
        String gap = WalRecovery.sequenceProblem(wal.records());
        if (gap != null) {
            problems.add(new Problem(p, -1, gap + " (a record is missing or repeated)"));
        }
        for (WalScan.Record r : wal.records()) {
            try {
                walBatches.add(Wal.decode(java.nio.ByteBuffer.wrap(r.ops()).order(java.nio.ByteOrder.LITTLE_ENDIAN), bits, dim, floats, p,
                        r.offset()));
            } catch (CorruptCollectionException e) {
                walBatches.add(null);
                problems.add(new Problem(p, r.offset(), "record is malformed although its checksum matches"));
            }
        }
    }

    static Problem problem(Path p, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new Problem(p, -1, "file is missing (the manifest names it)");
        }
        String m = String.valueOf(e.getMessage());
        return new Problem(p, -1, m.startsWith(p.toString()) ? m.substring(Math.min(m.length(), p.toString().length() + 2)) : m);
    }
}
