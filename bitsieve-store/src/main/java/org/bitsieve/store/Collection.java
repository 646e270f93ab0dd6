package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * A collection of documents on disk: a folder holding its encoder (fixed at creation), immutable segments
 * (codes, ids, payloads, optional float vectors, deletion sets), a write-ahead log and a manifest.
 *
 * <p>Writes ({@link #write}, {@link #add}, {@link #upsert}, {@link #delete}) are serialised; each batch is
 * validated, encoded, appended to the log and fsynced before it is applied in memory and acknowledged, so an
 * acknowledged batch survives a crash, and a batch is all-or-nothing. Searches run on immutable
 * {@link Snapshot}s and never block writes or see half a batch.
 *
 * <p>One process at a time may open a collection (a lock file guards it).
 */
public final class Collection implements AutoCloseable {
    private final DirLock lock;
    /** The writer's state, shared with the collaborators below; guarded by `this` (and its lock where readers look). */
    private final CollectionState st;
    private final MemtableFlush flusher;
    private final SegmentRewrite rewriter;
    private final BulkCommit bulk;
    private final WritePath writes;
    private final AutoRefit autoRefit;
    private volatile boolean closed;

    private Collection(Path dir, DirLock lock, Manifest m, Encoder encoder, CoarseQuantizer coarse, int threads) {
        this.lock = lock;
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(t, r -> {
            Thread th = new Thread(r, "bitsieve-search");
            th.setDaemon(true);
            return th;
        });
        this.st = new CollectionState(dir, m, encoder, coarse, pool, t);
        this.flusher = new MemtableFlush(st);
        this.rewriter = new SegmentRewrite(st);
        this.bulk = new BulkCommit(st, flusher);
        this.autoRefit = new AutoRefit(this, st);
        this.writes = new WritePath(st, flusher, autoRefit::maybeStart);
    }

    // ---------------------------------------------------------------- lifecycle

    /** Creates a new, empty collection in {@code dir} (which must not exist or be empty) and opens it. */
    public static Collection create(Path dir, Encoder encoder, CollectionOptions options) throws IOException {
        if (exists(dir)) {
            // a folder whose MANIFEST is lost still holds documents: creating over it would delete them
            throw new IllegalArgumentException(dir + " already holds a collection; open it, or drop it first");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is a file, not a folder");
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                // leftovers of a create that crashed before its manifest are ours to remove; anything else is not
                for (Path p : s.toList()) {
                    if (!CollectionState.isStoreFile(p.getFileName().toString())) {
                        throw new IllegalArgumentException(dir + " is not empty (it holds " + p.getFileName()
                                + "); a collection needs a folder of its own");
                    }
                }
            }
        }
        CoarseQuantizer q = options.coarse();
        if (q != null && q.dimension() != encoder.dimension()) {
            throw new IllegalArgumentException("the coarse quantiser takes vectors of dimension " + q.dimension() + ", the encoder "
                    + encoder.dimension() + "; fit the quantiser on vectors of the collection's model");
        }
        Files.createDirectories(dir);
        EncoderRef.save(dir, encoder);
        if (q != null) {
            Cells.saveQuantizer(dir, q);
        }
        Wal.create(dir, 1).close();
        Manifest m = new Manifest(q == null ? Manifest.FORMAT : Manifest.FORMAT_PARTITIONED, 1, SegmentFiles.wal(1), 1, encoder.bits(),
                encoder.dimension(), EncoderFiles.fingerprint(encoder), encoder.kind(), options.floats().name(), options.memtableDocs(),
                List.of(), q == null ? 0 : q.cells(), q == null ? 0L : q.fingerprint(), null,
                options.floats() == FloatFormat.NONE ? 0 : options.autoRefitDocs(), 0, null);
        m.write(dir);
        return open(dir);
    }

    public static Collection open(Path dir) throws IOException { return open(dir, 0); }

    /**
     * Opens a collection, verifying every file it names, replaying the write-ahead log (a torn last record is
     * truncated) and removing files a crash left behind.
     *
     * @param threads scan threads per search (0 = all cores)
     */
    public static Collection open(Path dir, int threads) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "collection folder not found");
        }
        if (!Files.exists(dir.resolve(SegmentFiles.MANIFEST))) {
            if (SegmentFiles.hasData(dir)) {
                throw new CorruptCollectionException(dir.resolve(SegmentFiles.MANIFEST), "file is missing, but the folder holds the"
                        + " collection's segments or log; run `bitsieve repair` to rebuild it");
            }
            throw new IllegalArgumentException(dir + " is not a bitsieve collection (it has no MANIFEST)");
        }
        DirLock lock = DirLock.acquire(dir);
        Collection c = null;
        try {
            Manifest m = Manifest.read(dir);
            Encoder enc = m.encoderFile() == null ? EncoderRef.load(dir) : EncoderRef.loadCopy(dir.resolve(m.encoderFile()));
            if (!EncoderFiles.matches(enc, m.encoderFingerprint()) || enc.bits() != m.bits() || enc.dimension() != m.dim()) {
                throw new CorruptCollectionException(dir.resolve(SegmentFiles.ENCODER), "encoder does not match the manifest");
            }
            CoarseQuantizer q = m.partitioned() ? Cells.loadQuantizer(dir, m, enc.dimension()) : null;
            c = new Collection(dir, lock, m, enc, q, threads);
            try {
                c.load();
            } catch (java.io.UncheckedIOException u) {
                throw u.getCause(); // a damaged block met while replaying the log (an id lookup): refuse, naming the file
            }
            return c;
        } catch (IOException | RuntimeException e) {
            if (c != null) {
                c.closeResources();
            } else {
                lock.close();
            }
            throw e;
        }
    }

    private void load() throws IOException {
        st.openSegments();
        writes.replay(Wal.open(st.dir, walGeneration(st.manifest.wal()), st.bits, st.dim, st.floats));
        st.removeUnreferenced();
        st.publish();
    }

    private static long walGeneration(String name) {
        return Long.parseLong(name.substring(4, name.length() - 4));
    }

    /**
     * Deletes a collection folder and everything in it, quarantined bytes included (the collection must not be
     * open; a damaged one may be dropped).
     */
    public static void drop(Path dir) throws IOException { CollectionFolder.drop(dir); }

    /**
     * Whether {@code dir} holds a collection, healthy or damaged: it has a MANIFEST, or its segment files or log
     * (a collection whose MANIFEST was lost). {@link #open} tells which: a damaged one throws
     * {@link CorruptCollectionException}; {@link #verify} lists every problem.
     */
    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(SegmentFiles.MANIFEST)) || SegmentFiles.hasData(dir);
    }

    /**
     * Reads every byte of every file of a collection (each block, each log record) without opening it or writing
     * anything, and lists what is wrong per file with offsets. Takes the collection's lock, so it fails with
     * {@link CollectionLockedException} while the collection is open.
     */
    public static VerifyReport verify(Path dir) throws IOException { return CollectionCheck.verify(dir); }

    /**
     * Salvages everything intact from a damaged collection (see {@link CollectionRepair}): whatever it discards
     * is moved into {@code quarantine/repair-<time>/} with a REPORT.txt, never deleted. Takes the lock.
     */
    public static RepairReport repair(Path dir) throws IOException { return CollectionRepair.repair(dir); }

    /** Writes buffered rows as a segment, then releases the folder. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (st.failure == null) {
                flusher.flush(); // no automatic refit now: the next open's first flush past the size starts it
            }
        } catch (NothingWrittenException e) {
            throw e.io(); // the rows stay in the log, which the next open replays
        } finally {
            closed = true;
            closeResources();
        }
    }

    private void closeResources() {
        closed = true;
        autoRefit.stop(); // a refit still measuring stops; one switching holds the lock close() waited for
        st.pool.shutdownNow();
        try {
            if (st.wal != null) {
                st.wal.close();
            }
        } catch (IOException ignored) {
            // the log was fsynced after every batch; nothing is lost by a failed close
        }
        for (Segment s : st.segments) {
            s.close();
        }
        try {
            lock.close();
        } catch (IOException ignored) {
            // the OS drops the lock with the process anyway
        }
    }

    // ---------------------------------------------------------------- reads

    /** The latest state, frozen: search it as long as needed, it never changes. */
    public Snapshot snapshot() {
        checkOpen();
        return st.snapshot;
    }

    public int count() { return snapshot().count(); }

    public List<Hit> search(SearchRequest req) { return snapshot().search(req); }

    /** Several queries in one pass over the codes (see {@link Snapshot#searchBatch}). */
    public List<List<Hit>> searchBatch(List<SearchRequest> reqs) { return snapshot().searchBatch(reqs); }

    public Classification classify(SearchRequest req, String labelField) { return snapshot().classify(req, labelField); }

    /** The document with this id, or null. */
    public Doc get(String id) {
        checkOpen();
        return st.get(id);
    }

    /**
     * Re-reads every block of every segment file on disk while the collection stays open, and describes each damaged
     * block (file and offset); empty when all verify. Reads already check the blocks they touch; this finds damage
     * no query has touched yet (for a periodic health check). The log and memtable are not re-read.
     */
    public List<String> scrub() {
        checkOpen();
        List<String> out = new ArrayList<>();
        for (View v : st.snapshot.views()) {
            if (v.part() instanceof Segment s) {
                out.addAll(s.scrub());
            }
        }
        return out;
    }

    public Encoder encoder() { return st.encoder; }

    /** The coarse quantiser of a partitioned collection, or null (exact search only). */
    public CoarseQuantizer coarse() { return st.coarse; }

    /** Live documents per coarse cell (min, median, max), or null for an unpartitioned collection. */
    public CellBalance cellBalance() {
        return st.coarse == null ? null : CellBalance.of(snapshot(), st.coarse.cells());
    }

    /** The nprobe a search that leaves it unset uses at the current size (0 = exact). */
    public int defaultNprobe() { return Partitioning.defaultNprobe(st.coarse, snapshot().count(), st.shared.calibratedNprobe()); }

    /** The measured default nprobe ({@link #calibrateNprobe}), or null when none was measured (3/16 of the cells then). */
    public NprobeCalibration nprobeCalibration() { return st.manifest.nprobeCalibration(); }

    /** The target a calibration that names none uses: the last measurement's, else {@link NprobeCalibration#DEFAULT_TARGET}. */
    public double calibrationTarget() { return NprobeCalibrator.target(st); }

    /**
     * Measures the default nprobe on the collection's own documents ({@link NprobeCalibration}): {@code queries}
     * documents drawn with a fixed seed, their stored vectors as queries; then keeps it (one manifest update).
     * Searches go on meanwhile. Needs stored floats: a codes-only collection is calibrated on vectors the caller
     * supplies ({@link #calibrateNprobe(FloatMatrix, String[], double)}); a bulk load does that by itself.
     */
    public NprobeCalibration calibrateNprobe(double target, int queries) throws IOException {
        checkWritable();
        return commitCalibration(NprobeCalibrator.onStored(st, snapshot(), target, queries));
    }

    /**
     * Measures the default nprobe with the given sample vectors as queries and keeps it. {@code ids}: each vector's
     * id when it is a document of this collection (its own row is then left out of its results), or null.
     */
    public NprobeCalibration calibrateNprobe(FloatMatrix sample, String[] ids, double target) throws IOException {
        checkWritable();
        return commitCalibration(NprobeCalibrator.measure(snapshot(), sample, ids, target));
    }

    private synchronized NprobeCalibration commitCalibration(NprobeCalibration c) throws IOException {
        checkWritable();
        NprobeCalibrator.commit(st, c);
        return c;
    }

    public Path dir() { return st.dir; }

    public FloatFormat floats() { return st.floats; }

    /** Live documents at which the automatic refit starts ({@link CollectionOptions#autoRefitDocs}; 0 = off). */
    public int autoRefitDocs() { return st.manifest.autoRefitDocs(); }

    public synchronized StoreInfo info() throws IOException {
        checkOpen();
        return StoreInfo.of(st);
    }

    // ---------------------------------------------------------------- writes

    /**
     * Adds documents (ids must be new). A list longer than the memtable is written as several batches, each
     * atomic and durable on its own; use {@link #write} directly for one all-or-nothing batch.
     */
    public void add(List<Doc> docs) throws IOException { writeChunked(docs, false); }

    /** Adds or replaces documents, in batches as {@link #add} does. */
    public void upsert(List<Doc> docs) throws IOException { writeChunked(docs, true); }

    private void writeChunked(List<Doc> docs, boolean upsert) throws IOException {
        for (int from = 0; from < docs.size(); from += st.memtableDocs) {
            WriteBatch b = new WriteBatch();
            for (Doc d : docs.subList(from, Math.min(docs.size(), from + st.memtableDocs))) {
                if (upsert) {
                    b.upsert(d);
                } else {
                    b.add(d);
                }
            }
            write(b);
        }
    }

    /** Deletes documents by id; returns how many existed. */
    public int delete(List<String> ids) throws IOException {
        WriteBatch b = new WriteBatch();
        ids.forEach(b::delete);
        return write(b);
    }

    /**
     * Deletes every document whose metadata passes the filter, in one atomic batch; returns how many. Holding
     * the writer's lock between reading the snapshot and writing keeps a concurrent add from slipping between.
     * The filter is checked on every document before anything is written, so a type mismatch writes nothing.
     */
    public synchronized int deleteWhere(org.bitsieve.store.filter.MetaFilter filter) throws IOException {
        if (filter == null) {
            throw new IllegalArgumentException("delete by filter needs a filter");
        }
        List<String> ids = new java.util.ArrayList<>();
        snapshot().forEachDoc(d -> {
            if (filter.testJson(d.metadataJson())) {
                ids.add(d.id());
            }
        });
        return ids.isEmpty() ? 0 : delete(ids);
    }

    /**
     * Applies a batch atomically and durably: when this returns, the batch is in the fsynced log and visible
     * to new snapshots. Returns how many existing documents the batch deleted or replaced.
     */
    public synchronized int write(WriteBatch batch) throws IOException {
        checkWritable();
        if (batch.isEmpty()) {
            return 0;
        }
        return writes.write(batch);
    }

    /**
     * Loads precomputed vectors at full speed: each batch of the source is validated, encoded in parallel and
     * written directly as one segment (no write-ahead log, no per-document objects), then made durable in one step
     * (segment files fsynced, then one atomic manifest update). Ids already in the collection are replaced
     * (upsert; the earlier copy is deleted in the same step), and so are earlier rows of the same id within a batch.
     * A crash leaves the collection as of the last committed batch. Pending writes are flushed first.
     *
     * <p>A batch that fails validation throws {@link IllegalArgumentException} with nothing of it written; batches
     * before it stay committed and the collection stays usable.
     *
     * @param progress called with the number of documents committed after each batch (may be null)
     */
    public synchronized BulkResult bulkLoad(BulkSource source, java.util.function.LongConsumer progress) throws IOException {
        checkWritable();
        // a partitioned collection measures its default nprobe on a sample of what was loaded (codes-only ones keep no vectors to draw from later)
        CalibrationSample sample = st.coarse == null ? null : new CalibrationSample(NprobeCalibration.DEFAULT_QUERIES, st.dim);
        BulkResult r = bulk.load(sample == null ? source : sample.tap(source), progress);
        if (sample != null && sample.size() > 0 && NprobeCalibrator.due(st, snapshot().count())) {
            r = r.withCalibration(commitCalibration(NprobeCalibrator.measure(snapshot(), sample.vectors(), sample.ids(), NprobeCalibrator.target(st))));
        }
        return r;
    }


    /**
     * For long-running hosts, after their writes: starts on a background thread the automatic refit once the collection
     * has reached its size, and below it the adaptation of the shipped encoder's thresholds (from 1,000 documents, again
     * at each doubling); else nothing (docs/store.md, "Refit"). One-shot commands do not call it: their results must
     * not depend on whether a switch happened before the process ended.
     */
    public synchronized void refitIfDue() {
        if (!closed && st.failure == null) {
            autoRefit.maybeStartFromHost();
        }
    }

    /** Writes the memtable as a segment and pending deletions as files, then starts a new log. */
    public synchronized void flush() throws IOException {
        checkWritable();
        st.change(flusher::flush);
        autoRefit.maybeStart();
    }

    /**
     * Rewrites all live documents into fresh segments without the deleted rows, and drops the old segments.
     * Snapshots taken before keep working (their files stay readable until they are no longer referenced).
     */
    public synchronized void compact() throws IOException {
        checkWritable();
        st.change(() -> {
            flusher.flush();
            boolean anyDeleted = st.deleted.values().stream().anyMatch(d -> Deletions.cardinality(d) > 0);
            if (anyDeleted || st.segments.size() > 1) {
                rewriter.rewrite(null);
            }
        });
        if (st.floats != FloatFormat.NONE && NprobeCalibrator.due(st, snapshot().count())) {
            calibrateNprobe(NprobeCalibrator.target(st), NprobeCalibration.DEFAULT_QUERIES);
        }
    }

    /**
     * Refits the encoder on the collection's own documents (floats must be kept) and, if a candidate beats the
     * current encoder by the margin, re-encodes every document and switches atomically ({@link CollectionRefit}).
     * Writes and searches go on while it measures; writes wait during the re-encode; snapshots taken before keep
     * their encoder and codes.
     */
    public RefitReport refit(RefitOptions options) throws IOException {
        checkWritable();
        return CollectionRefit.refit(this, options);
    }

    /** The switch of a refit: flush, re-encode every live row with {@code next}, commit with one manifest (refitDocs -1: kept). */
    synchronized void switchEncoder(Encoder measured, Encoder next, int refitDocs) throws IOException {
        checkWritable();
        if (st.encoder != measured) {
            throw new IllegalStateException("the encoder of " + st.dir + " changed while the refit was measuring (another refit, or the "
                    + "automatic adaptation of its thresholds?); run it again");
        }
        st.change(() -> {
            flusher.flush();
            if (refitDocs >= 0) {
                st.manifest = st.manifest.withRefitDocs(refitDocs);
            }
            rewriter.rewrite(next);
        });
        if (st.coarse != null && st.manifest.nprobeCalibration() != null) { // measured on the old codes: measure the new ones
            calibrateNprobe(NprobeCalibrator.target(st), st.manifest.nprobeCalibration().queries());
        }
    }

    /** Records a refit that kept the encoder, so the automatic one waits until the collection has doubled. */
    synchronized void recordRefit(int docs) throws IOException {
        checkWritable();
        Manifest m = st.manifest.withRefitDocs(docs).next(st.manifest.wal(), st.manifest.nextSegment(), st.manifest.segments());
        m.write(st.dir);
        st.manifest = m;
    }

    /** Waits for a running automatic refit to end (tests; a server never needs to). */
    void awaitAutoRefit() throws InterruptedException { autoRefit.await(); }

    boolean isClosed() { return closed; }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("collection " + st.dir + " is closed");
        }
    }

    private void checkWritable() throws IOException {
        checkOpen();
        if (st.failure != null) {
            throw new CollectionUnwritableException(st.dir, st.failure);
        }
    }

    /**
     * Why this collection refuses writes (the failed write's error), or null while it takes them. Set by a failure the
     * collection could not undo; a reopen clears it. A write that failed cleanly (a full disk met by a log append, a
     * flush, a compaction or a refit before its commit) does not set it.
     */
    public IOException writeFailure() { return st.failure; }
}
