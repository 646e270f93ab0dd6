package org.bitsieve.store;

import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.encode.Encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * The in-memory state of one open {@link Collection} that its writer-side collaborators ({@link WritePath},
 * {@link MemtableFlush}, {@link SegmentRewrite}, {@link BulkCommit}) share: the manifest, the open segments and
 * their deletion sets, the memtable and its ids, the log, and the published snapshot; plus the bookkeeping they
 * all need (finding a live id, marking a row deleted, publishing, removing files no manifest names).
 *
 * <p>Every field is written only by a caller holding the collection's monitor; {@link #lock} guards what readers
 * look at (the id index and the swap of parts) and is held only for in-memory work, never across an fsync.
 */
final class CollectionState {
    final Path dir;
    final int bits;
    final int stride;
    final int dim;
    final FloatFormat floats;
    final int memtableDocs;
    final ExecutorService pool;
    final int threads;
    /** The coarse quantiser of a partitioned collection, else null. */
    final CoarseQuantizer coarse;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    volatile Encoder encoder; // replaced only by a refit (SegmentRewrite), under the writer's lock
    boolean normalized;
    Snapshot.Shared shared;
    Manifest manifest;
    final List<Segment> segments = new ArrayList<>();
    final Map<Integer, long[]> deleted = new HashMap<>();
    final Set<Integer> dirtyDeletes = new HashSet<>();
    /**
     * Live ids of the memtable only (row in the memtable); ids in segments are found through each segment's sorted
     * hash table ({@link IdHashIndex}), so nothing per document of a segment is on the heap.
     */
    final Map<String, Integer> memIds = new HashMap<>();
    MemTable mem;
    Wal wal;
    long sequence;
    volatile Snapshot snapshot;
    /** The first write failure; set, the collection refuses writes until reopened (it recovers from the log). */
    volatile IOException failure;

    CollectionState(Path dir, Manifest m, Encoder encoder, CoarseQuantizer coarse, ExecutorService pool, int threads) {
        this.dir = dir;
        this.manifest = m;
        this.bits = m.bits();
        this.stride = PackedCodesStride.of(bits);
        this.dim = m.dim();
        this.floats = m.floatFormat();
        this.memtableDocs = m.memtableDocs();
        this.pool = pool;
        this.threads = threads;
        this.coarse = coarse;
        useEncoder(encoder);
    }

    /** Makes {@code e} the encoder new writes and snapshots use (at open, and when a refit switches). */
    void useEncoder(Encoder e) {
        encoder = e;
        normalized = normalizedScores(e, bits);
        shared = new Snapshot.Shared(e, dim, floats, pool, threads, coarse, calibratedNprobe());
    }

    /** Makes the manifest's measured default nprobe the one new snapshots use (after a calibration is committed). */
    void useCalibration() {
        shared = new Snapshot.Shared(encoder, dim, floats, pool, threads, coarse, calibratedNprobe());
    }

    private int calibratedNprobe() {
        NprobeCalibration c = manifest.nprobeCalibration();
        return c == null || coarse == null ? 0 : Math.min(c.nprobe(), coarse.cells());
    }

    /** Whether this encoder's scorers divide by per-code norms (asked of one dummy code; the answer depends on the kind only). */
    private static boolean normalizedScores(Encoder e, int bits) { return e.inverseNorms(PackedCodes.allocate(1, bits)) != null; }

    /**
     * After a flush or rewrite failed with {@code e} before committing: closes the log it created, removes the files
     * it wrote (nothing references them) and answers the {@link NothingWrittenException} to throw, so the collection
     * stays writable. If the manifest on disk is not the one in memory any more (it was replaced after all) or cannot
     * be read, or the clean-up fails, it answers {@code e} itself: the caller then refuses further writes until a
     * reopen, as for any failure it cannot undo.
     */
    IOException undoUncommitted(IOException e, Wal created) {
        try {
            if (created != null) {
                created.close();
            }
            if (Manifest.read(dir).generation() != manifest.generation()) {
                return e;
            }
            removeUnreferenced();
        } catch (IOException | RuntimeException again) {
            e.addSuppressed(again);
            return e;
        }
        return new NothingWrittenException(e);
    }

    interface FileChange {
        void run() throws IOException;
    }

    /**
     * Runs a change of the collection's files (flush, compaction, a refit's switch): one that failed before its commit
     * ({@link NothingWrittenException}) is rethrown as its cause and leaves the collection writable; any other failure
     * makes it refuse writes until a reopen.
     */
    void change(FileChange c) throws IOException {
        try {
            c.run();
        } catch (NothingWrittenException e) {
            throw e.io(); // stopped before its manifest: the collection is as it was and stays writable
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        }
    }

    /** Records a failed write: later writes are refused until a reopen replays the log. */
    void fail(Exception e) {
        failure = e instanceof IOException io ? io : new IOException(e);
    }

    /** Opens the manifest's segments with their cells and deletion sets (at open, before the log is replayed). */
    void openSegments() throws IOException {
        long fp = manifest.encoderFingerprint();
        for (Manifest.SegmentEntry e : manifest.segments()) {
            Segment s = Segment.open(dir, e.number(), e.docs(), bits, fp, dim, floats, true, null, null);
            segments.add(s);
            if (coarse != null) {
                s.setCellOffsets(Cells.read(dir, e.number(), e.docs(), coarse.cells(), coarse.fingerprint()));
            }
            if (e.deletes() != null) {
                long[] d = Deletions.read(dir.resolve(e.deletes()), e.docs());
                if (Deletions.cardinality(d) != e.deleted()) {
                    throw new CorruptCollectionException(dir.resolve(e.deletes()), "deletion count differs from the manifest");
                }
                deleted.put(e.number(), d);
            }
        }
        // an id live in two segments is not looked for here (that would read every id); `verify` reports it
        mem = newMemTable(manifest.nextSegment());
    }

    MemTable newMemTable(int number) {
        return new MemTable(number, stride, memtableDocs, dim, floats, normalized, coarse != null);
    }

    static int additions(List<Prepared> ops) {
        int n = 0;
        for (Prepared p : ops) {
            if (p.kind() != WriteBatch.Kind.DELETE) {
                n++;
            }
        }
        return n;
    }

    private static long loc(int part, int row) { return ((long) part << 32) | (row & 0xFFFFFFFFL); }

    /**
     * Where the live document {@code id} is (part << 32 | row), or null: the memtable's map, then each segment's hash
     * table, newest first, skipping rows deleted in {@code touched} (this batch's deletions) or {@link #deleted}.
     */
    Long locate(String id, Map<Integer, long[]> touched) {
        Integer m = memIds.get(id);
        if (m != null) {
            return loc(mem.number, m);
        }
        for (int i = segments.size() - 1; i >= 0; i--) {
            Segment s = segments.get(i);
            long[] d = touched.containsKey(s.number) ? touched.get(s.number) : deleted.get(s.number);
            int row = s.find(id, r -> !Deletions.isSet(d, r));
            if (row >= 0) {
                return loc(s.number, row);
            }
        }
        return null;
    }

    /**
     * {@link #locate} for many distinct ids at once (a bulk batch): the same answer per id, but each segment's id index is
     * read once in hash order for the whole batch, not once per id: with one binary search per id and segment, a bulk
     * load's lookups grew with the number of segments it had already written (the 100M run slowed from 21 to 45 s a
     * batch by its 36th). Null where an id has no live copy.
     */
    Long[] locateAll(String[] ids, Map<Integer, long[]> touched) {
        int n = ids.length;
        Long[] out = new Long[n];
        if (segments.isEmpty() && memIds.isEmpty()) {
            return out; // a new collection's first batch: nothing to find
        }
        long[] sortedHashes = new long[n];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            sortedHashes[i] = IdHashIndex.hash(ids[i]);
            order[i] = i;
        }
        if (n > 1) {
            IdHashIndex.sort(sortedHashes, order, 0, n - 1); // by hash, then position: primitive arrays, no boxing
        }
        String[] sortedIds = new String[n];
        for (int k = 0; k < n; k++) {
            sortedIds[k] = ids[order[k]];
        }
        int[] rows = new int[n];
        java.util.Arrays.fill(rows, -1);
        for (int k = 0; k < n; k++) {
            Integer m = memIds.get(sortedIds[k]);
            if (m != null) {
                out[order[k]] = loc(mem.number, m);
                rows[k] = Integer.MAX_VALUE; // found: no segment is asked
            }
        }
        for (int i = segments.size() - 1; i >= 0; i--) {
            Segment s = segments.get(i);
            long[] d = touched.containsKey(s.number) ? touched.get(s.number) : deleted.get(s.number);
            s.findAll(sortedHashes, sortedIds, rows, r -> !Deletions.isSet(d, r)); // fills only positions still -1
            for (int k = 0; k < n; k++) {
                if (rows[k] >= 0 && rows[k] != Integer.MAX_VALUE) { // found in this segment
                    out[order[k]] = loc(s.number, rows[k]);
                    rows[k] = Integer.MAX_VALUE;
                }
            }
        }
        return out;
    }

    /** Sets a deletion bit on a private copy of the part's bitset (copied once per batch). */
    void markDeleted(long loc, Map<Integer, long[]> touched) {
        int part = (int) (loc >>> 32);
        int row = (int) loc;
        long[] b = touched.get(part);
        if (b == null) {
            long[] cur = deleted.get(part);
            b = cur == null ? new long[(rowsOf(part) + 63) >>> 6] : cur.clone();
            touched.put(part, b);
        }
        Deletions.withBit(b, rowsOf(part), row);
    }

    int rowsOf(int part) {
        if (part == mem.number) {
            return mem.capacity();
        }
        for (Segment s : segments) {
            if (s.number == part) {
                return s.count();
            }
        }
        throw new IllegalStateException("no part " + part);
    }

    /** The document with this id, or null (under the read lock, so a concurrent swap of parts is not seen halfway). */
    Doc get(String id) {
        lock.readLock().lock();
        try {
            Long loc = locate(id, Map.of());
            if (loc == null) {
                return null;
            }
            int number = (int) (loc >>> 32);
            int row = (int) (long) loc;
            for (View v : snapshot.views()) {
                if (v.part().number == number) {
                    Part p = v.part();
                    float[] vec = null;
                    if (p.hasVectors()) {
                        vec = new float[dim];
                        p.vector(row, vec);
                    }
                    return new Doc(id, vec, p.text(row), p.metadata(row));
                }
            }
            throw new IllegalStateException("id index points to a missing part " + number);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Makes the current parts and deletion sets the snapshot new searches see (under the write lock, or at open). */
    void publish() {
        List<View> views = new ArrayList<>(segments.size() + 1);
        int base = 0;
        for (Segment s : segments) {
            views.add(new View(s, s.count(), deleted.get(s.number), base));
            base += s.count();
        }
        views.add(new View(mem, mem.size(), deleted.get(mem.number), base));
        snapshot = new Snapshot(shared, views, sequence);
    }

    /**
     * Writes the deletion sets {@code sets} (part → bits) as files of generation {@code gen} (a part's set is cut to
     * its rows: the memtable's written rows, or the segment's) and returns every part's deletion file for the next
     * manifest: the new ones, and the current manifest's for the other parts. Flush and bulk commit share this.
     */
    Map<Integer, String> writeDeletions(Map<Integer, long[]> sets, long gen) throws IOException {
        Map<Integer, String> files = new HashMap<>();
        for (Manifest.SegmentEntry e : manifest.segments()) {
            if (e.deletes() != null) {
                files.put(e.number(), e.deletes());
            }
        }
        for (Map.Entry<Integer, long[]> t : sets.entrySet()) {
            int part = t.getKey();
            String name = SegmentFiles.deletes(part, gen);
            int rows = part == mem.number ? mem.size() : rowsOf(part);
            Deletions.write(dir.resolve(name), java.util.Arrays.copyOf(t.getValue(), (rows + 63) >>> 6), rows);
            files.put(part, name);
        }
        return files;
    }

    /**
     * The next manifest's entries for the open segments: each with its deletion file from {@code files} and its
     * deletion count from {@code pending} (a batch's not yet applied sets) or else {@link #deleted}.
     */
    List<Manifest.SegmentEntry> segmentEntries(Map<Integer, String> files, Map<Integer, long[]> pending) {
        List<Manifest.SegmentEntry> entries = new ArrayList<>();
        for (Segment s : segments) {
            long[] d = pending.containsKey(s.number) ? pending.get(s.number) : deleted.get(s.number);
            entries.add(new Manifest.SegmentEntry(s.number, s.count(), files.get(s.number), Deletions.cardinality(d)));
        }
        return entries;
    }

    /** Removes files no manifest names: leftovers of a crash mid-flush, superseded segments, deletion sets, logs. */
    void removeUnreferenced() throws IOException {
        Set<String> keep = new HashSet<>(List.of(SegmentFiles.MANIFEST, SegmentFiles.LOCK, manifest.wal(), Cells.QUANTIZER));
        keep.addAll(manifest.encoderFile() == null ? List.of(SegmentFiles.ENCODER, EncoderRef.FILE) : List.of(manifest.encoderFile()));
        for (Manifest.SegmentEntry e : manifest.segments()) {
            String b = SegmentFiles.base(e.number());
            keep.addAll(List.of(b + ".codes", b + ".ids", b + ".idh", b + ".payloads", b + ".vectors", b + ".cells"));
            if (e.deletes() != null) {
                keep.add(e.deletes());
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!keep.contains(n) && isStoreFile(n)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static boolean isStoreFile(String n) {
        return n.startsWith("seg-") || n.startsWith("wal-") || (n.startsWith(".") && n.endsWith(".tmp"))
                || n.equals(SegmentFiles.ENCODER) || n.equals(EncoderRef.FILE) || n.equals(SegmentFiles.LOCK) || n.equals(Cells.QUANTIZER)
                || Manifest.isEncoderFile(n);
    }
}
