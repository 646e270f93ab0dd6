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
        boolean idHashesOk = true;  // the id index file is absent (built at open) or intact and agrees with the ids
        boolean payloadsOk;         // the file opens (header, length, block table)
        List<Long> badPayloadBlocks = List.of();   // -1 = a version-1 body failed (no block to blame)
        boolean vectorsOk = true;
        List<Long> badVectorBlocks = List.of();
        boolean deletesOk = true;
        long[] deletes;
        /** A partitioned collection's cell offsets of this segment, when its cells part verified; else null. */
        int[] cellOffsets;
        boolean cellsOk = true;

        Seg(Manifest.SegmentEntry entry) { this.entry = entry; }

        boolean intact() {
            return codesOk && badCodeBlocks.isEmpty() && ids != null && !idsDamaged && idHashesOk && payloadsOk && badPayloadBlocks.isEmpty() && vectorsOk && badVectorBlocks.isEmpty() && deletesOk
                    && cellsOk;
        }
    }

    final Path dir;
    final List<Problem> problems = new ArrayList<>();
    /** Torn tail of the log: bytes open would keep aside; listed apart because a crash leaves it too. */
    WalScan.Damage walTail;
    Manifest manifest;
    Encoder encoder;
    /**
     * Without a manifest: the refit's encoder file ({@code encoder-<fingerprint>.bse}) the segments were written with,
     * or null when that is {@code encoder.bse}/{@code encoder.ref} (what a rebuilt manifest then names).
     */
    String encoderFile;
    /** A partitioned collection's quantiser when it loads and matches the manifest (or, without one, loads); else null. */
    org.bitsieve.core.coarse.CoarseQuantizer coarse;
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
        if (manifest == null) {
            findEncoder();
            return; // without it, which files belong together is unknown; repair may rebuild it
        }
        Path ep = dir.resolve(manifest.encoderFile() != null ? manifest.encoderFile()
                : Files.exists(dir.resolve(SegmentFiles.ENCODER)) || !Files.exists(dir.resolve(EncoderRef.FILE)) ? SegmentFiles.ENCODER : EncoderRef.FILE);
        try {
            encoder = manifest.encoderFile() != null ? EncoderRef.loadCopy(ep) : EncoderRef.load(dir);
            if (manifest != null && (!EncoderFiles.matches(encoder, manifest.encoderFingerprint()) || encoder.bits() != manifest.bits()
                    || encoder.dimension() != manifest.dim())) {
                problems.add(new Problem(ep, -1, "encoder does not match the manifest"));
            }
        } catch (NoSuchFileException e) {
            problems.add(new Problem(ep, -1, "file is missing"));
            encoder = null;
        } catch (IOException | RuntimeException e) {
            problems.add(new Problem(ep, -1, String.valueOf(e.getMessage()).replace(ep + ": ", "")));
            encoder = null;
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
            coarse = Cells.loadQuantizer(dir, manifest, manifest.dim());
        } catch (IOException | RuntimeException e) {
            problems.add(new Problem(dir.resolve(Cells.QUANTIZER), -1, String.valueOf(e.getMessage()).replace(dir.resolve(Cells.QUANTIZER) + ": ", "")));
        }
        for (Seg s : segments) {
            Manifest.SegmentEntry e = s.entry;
            Path p = Cells.path(dir, e.number());
            try {
                s.cellOffsets = Cells.read(dir, e.number(), e.docs(), manifest.cells(), manifest.coarseFingerprint());
            } catch (IOException | RuntimeException x) {
                s.cellsOk = false;
                problems.add(new Problem(p, -1, String.valueOf(x.getMessage()).replace(p + ": ", "")));
            }
        }
    }

    /**
     * Without a manifest: the encoder the segments' codes were written with, by the fingerprint in their headers,
     * among {@code encoder.bse}/{@code encoder.ref} and a refit's {@code encoder-<fingerprint>.bse} files (a crash
     * inside a refit's switch can leave two). Ambiguity or no match is a problem; repair then refuses.
     */
    private void findEncoder() throws IOException {
        java.util.Set<Long> fingerprints = new java.util.TreeSet<>();
        List<String> refits = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (Manifest.isEncoderFile(n)) {
                    refits.add(n);
                } else if (n.matches("seg-\\d{6,9}\\.codes")) {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                        fingerprints.add(BlockFile.open(p, ch, SegmentFiles.CODES_MAGIC, false).header().b());
                    } catch (IOException e) {
                        problems.add(problem(p, e)); // a rebuild names complete segments only; repair refuses then
                    }
                }
            }
        }
        Path ep = dir.resolve(SegmentFiles.ENCODER);
        if (fingerprints.size() > 1) {
            problems.add(new Problem(ep, -1, "the segments were written by " + fingerprints.size() + " different encoders: a refit was cut short"));
            return;
        }
        Map<String, Encoder> candidates = new java.util.LinkedHashMap<>(); // null key: encoder.bse or encoder.ref
        for (String n : refits) {
            try {
                candidates.put(n, EncoderRef.loadCopy(dir.resolve(n)));
            } catch (IOException | RuntimeException e) {
                problems.add(new Problem(dir.resolve(n), -1, String.valueOf(e.getMessage()).replace(dir.resolve(n) + ": ", "")));
            }
        }
        if (Files.exists(ep) || Files.exists(dir.resolve(EncoderRef.FILE))) {
            try {
                candidates.put(null, EncoderRef.load(dir));
            } catch (IOException | RuntimeException e) {
                problems.add(new Problem(ep, -1, String.valueOf(e.getMessage())));
            }
        }
        List<Map.Entry<String, Encoder>> fit = candidates.entrySet().stream()
                .filter(c -> fingerprints.isEmpty() || EncoderFiles.matches(c.getValue(), fingerprints.iterator().next())).toList();
        if (fit.size() == 1) {
            encoderFile = fit.get(0).getKey();
            encoder = fit.get(0).getValue();
        } else if (fit.isEmpty()) {
            problems.add(new Problem(ep, -1, candidates.isEmpty() ? "file is missing (no encoder.bse, encoder.ref or encoder-*.bse)"
                    : String.format("no encoder file matches the segments' fingerprint %016x (found %s)", fingerprints.iterator().next(),
                    candidates.keySet())));
        } else {
            problems.add(new Problem(ep, -1, "several encoder files " + candidates.keySet()
                    + " and no segment to tell which one the log's codes were written with"));
        }
        if (Cells.hasQuantizer(dir)) {
            try {
                coarse = org.bitsieve.core.coarse.CoarseFiles.load(dir.resolve(Cells.QUANTIZER));
            } catch (IOException | RuntimeException e) {
                problems.add(new Problem(dir.resolve(Cells.QUANTIZER), -1, String.valueOf(e.getMessage())));
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
        s.idHashesOk = checkIdHashes(e.number(), n, s.ids, codeTag);
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
    /**
     * Checks a segment's id index file, when it has one: header, blocks, and that its entries are sorted and are
     * exactly the hashes of the ids file's rows (a damaged index is rebuilt by a repair, which rewrites the segment).
     */
    private boolean checkIdHashes(int number, int n, String[] ids, long codeTag) {
        Path hp = SegmentFiles.idHashes(dir, number);
        if (!Files.exists(hp)) {
            return true;
        }
        try (FileChannel ch = FileChannel.open(hp, StandardOpenOption.READ)) {
            BlockFile f = BlockFile.open(hp, ch, IdHashIndex.MAGIC, false);
            StoreFile.Header h = f.header();
            if (f.version() != BlockFile.VERSION || h.count() != n || h.flags() != IdHashIndex.PER_BLOCK || h.a() != IdHashIndex.HASH_XXH64
                    || h.bodyLength() != IdHashIndex.bodyLength(n)) {
                problems.add(new Problem(hp, 0, "header does not match the manifest (" + h.count() + " entries)"));
                return false;
            }
            boolean ok = belongs(f, number, codeTag);
            List<Long> bad = f.badBlocks();
            report(hp, f, bad);
            if (!bad.isEmpty() || ids == null) {
                return false;
            }
            boolean[] seen = new boolean[n];
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(BlockFile.BLOCK)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long prev = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                int in = i % IdHashIndex.PER_BLOCK;
                if (in == 0) {
                    b.clear();
                    b.limit((int) Math.min(BlockFile.BLOCK, h.bodyLength() - f.blockStart(i / IdHashIndex.PER_BLOCK)));
                    f.read(b, f.blockStart(i / IdHashIndex.PER_BLOCK));
                }
                long hash = b.getLong(in * IdHashIndex.ENTRY);
                int row = b.getInt(in * IdHashIndex.ENTRY + 8);
                if (hash < prev || row < 0 || row >= n || seen[row] || ids[row] != null && IdHashIndex.hash(ids[row]) != hash) {
                    problems.add(new Problem(hp, StoreFile.HEADER + f.blockStart(i / IdHashIndex.PER_BLOCK) + (long) in * IdHashIndex.ENTRY,
                            "entry " + i + " (row " + row + ") does not match the ids file or is out of order"));
                    return false;
                }
                seen[row] = true;
                prev = hash;
            }
            return ok;
        } catch (IOException ex) {
            problems.add(problem(hp, ex));
            return false;
        }
    }

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
