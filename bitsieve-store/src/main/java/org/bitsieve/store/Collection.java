package org.bitsieve.store;

import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.io.FileFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
    private final Path dir;
    private final DirLock lock;
    private volatile Encoder encoder; // replaced only by a refit, under the writer's lock
    private final int bits;
    private final int stride;
    private final int dim;
    private final FloatFormat floats;
    private final int memtableDocs;
    private boolean normalized;
    private final ExecutorService pool;
    /**
     * Runs automatic refits (one at a time) off the writer's thread: measuring takes minutes at 20,000 documents, and
     * the write or flush that crossed the size must not wait for it. The switch itself takes the writer's lock.
     */
    private final ExecutorService refitter = Executors.newSingleThreadExecutor(r -> {
        Thread th = new Thread(r, "bitsieve-refit");
        th.setDaemon(true);
        return th;
    });
    private java.util.concurrent.Future<?> autoRefit;
    private Snapshot.Shared shared;
    /** The coarse quantiser of a partitioned collection, else null. */
    private final CoarseQuantizer coarse;
    private final int threads;
    /** Guards the id index and the swap of parts; held only for in-memory work, never across an fsync. */
    private final ReentrantReadWriteLock state = new ReentrantReadWriteLock();

    // writer state: guarded by `this` (and `state` where readers look)
    private Manifest manifest;
    private final List<Segment> segments = new ArrayList<>();
    private final Map<Integer, long[]> deleted = new HashMap<>();
    private final Set<Integer> dirtyDeletes = new HashSet<>();
    /**
     * Live ids of the memtable only (row in the memtable); ids in segments are found through each segment's sorted
     * hash table ({@link IdHashIndex}), so nothing per document of a segment is on the heap.
     */
    private final Map<String, Integer> memIds = new HashMap<>();
    private MemTable mem;
    private Wal wal;
    private long sequence;
    private volatile Snapshot snapshot;
    private volatile boolean closed;
    private IOException failure;

    private Collection(Path dir, DirLock lock, Manifest m, Encoder encoder, CoarseQuantizer coarse, int threads) {
        this.dir = dir;
        this.lock = lock;
        this.manifest = m;
        this.encoder = encoder;
        this.bits = m.bits();
        this.stride = PackedCodesStride.of(bits);
        this.dim = m.dim();
        this.floats = m.floatFormat();
        this.memtableDocs = m.memtableDocs();
        this.normalized = normalizedScores(encoder, bits);
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        this.pool = Executors.newFixedThreadPool(t, r -> {
            Thread th = new Thread(r, "bitsieve-search");
            th.setDaemon(true);
            return th;
        });
        this.coarse = coarse;
        this.threads = t;
        this.shared = new Snapshot.Shared(encoder, dim, floats, pool, t, coarse);
    }

    /** Whether this encoder's scorers divide by per-code norms (asked of one dummy code; the answer depends on the kind only). */
    private static boolean normalizedScores(Encoder e, int bits) { return e.inverseNorms(PackedCodes.allocate(1, bits)) != null; }

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
                    if (!isStoreFile(p.getFileName().toString())) {
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
                options.floats() == FloatFormat.NONE ? 0 : options.autoRefitDocs(), 0);
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
        Wal.Replay replay = Wal.open(dir, walGeneration(manifest.wal()), bits, dim, floats);
        wal = replay.wal();
        for (List<Prepared> batch : replay.batches()) {
            if (additions(batch) > mem.remaining()) {
                throw new CorruptCollectionException(wal.path(), "log holds more documents than the memtable takes");
            }
            apply(batch);
        }
        removeUnreferenced();
        publish();
    }

    private static long walGeneration(String name) {
        return Long.parseLong(name.substring(4, name.length() - 4));
    }

    private MemTable newMemTable(int number) {
        return new MemTable(number, stride, memtableDocs, dim, floats, normalized, coarse != null);
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
            if (failure == null) {
                flushLocked(); // no automatic refit now: the next open's first flush past the size starts it
            }
        } finally {
            closed = true;
            closeResources();
        }
    }

    private void closeResources() {
        closed = true;
        refitter.shutdownNow(); // a refit still measuring stops; one switching holds the lock close() waited for
        pool.shutdownNow();
        try {
            if (wal != null) {
                wal.close();
            }
        } catch (IOException ignored) {
            // the log was fsynced after every batch; nothing is lost by a failed close
        }
        for (Segment s : segments) {
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
        return snapshot;
    }

    public int count() { return snapshot().count(); }

    public List<Hit> search(SearchRequest req) { return snapshot().search(req); }

    /** Several queries in one pass over the codes (see {@link Snapshot#searchBatch}). */
    public List<List<Hit>> searchBatch(List<SearchRequest> reqs) { return snapshot().searchBatch(reqs); }

    public Classification classify(SearchRequest req, String labelField) { return snapshot().classify(req, labelField); }

    /** The document with this id, or null. */
    public Doc get(String id) {
        checkOpen();
        state.readLock().lock();
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
            state.readLock().unlock();
        }
    }

    /**
     * Re-reads every block of every segment file on disk while the collection stays open, and describes each damaged
     * block (file and offset); empty when all verify. Reads already check the blocks they touch; this finds damage
     * no query has touched yet (for a periodic health check). The log and memtable are not re-read.
     */
    public List<String> scrub() {
        checkOpen();
        List<String> out = new ArrayList<>();
        for (View v : snapshot.views()) {
            if (v.part() instanceof Segment s) {
                out.addAll(s.scrub());
            }
        }
        return out;
    }

    public Encoder encoder() { return encoder; }

    /** The coarse quantiser of a partitioned collection, or null (exact search only). */
    public CoarseQuantizer coarse() { return coarse; }

    /** Live documents per coarse cell (min, median, max), or null for an unpartitioned collection. */
    public CellBalance cellBalance() {
        return coarse == null ? null : CellBalance.of(snapshot(), coarse.cells());
    }

    /** The nprobe a search that leaves it unset uses at the current size (0 = exact). */
    public int defaultNprobe() { return Partitioning.defaultNprobe(coarse, snapshot().count()); }

    public Path dir() { return dir; }

    public FloatFormat floats() { return floats; }

    public synchronized StoreInfo info() throws IOException {
        checkOpen();
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String k : List.of("codes", "ids", "idh", "payloads", "vectors", "deletes", "wal", "manifest", "encoder")) {
            bytes.put(k, 0L);
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                String part = n.equals(SegmentFiles.MANIFEST) ? "manifest"
                        : n.equals(SegmentFiles.ENCODER) || n.equals(EncoderRef.FILE) || Manifest.isEncoderFile(n) ? "encoder"
                        : n.startsWith("wal-") ? "wal" : n.contains(".del-") ? "deletes"
                        : n.startsWith("seg-") ? n.substring(n.indexOf('.') + 1) : null;
                if (part != null && bytes.containsKey(part)) {
                    bytes.merge(part, Files.size(p), Long::sum);
                }
            }
        }
        Snapshot snap = snapshot;
        int deletedRows = 0;
        for (View v : snap.views()) {
            deletedRows += v.rows() - v.liveCount();
        }
        return new StoreInfo(snap.count(), deletedRows, segments.size(), mem.size(), bits, dim, floats, encoder.describe(), bytes);
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
        for (int from = 0; from < docs.size(); from += memtableDocs) {
            WriteBatch b = new WriteBatch();
            for (Doc d : docs.subList(from, Math.min(docs.size(), from + memtableDocs))) {
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
        List<Prepared> ops;
        try {
            ops = BatchPrep.prepare(batch, id -> locate(id, Map.of()) != null, encoder, dim, floats, coarse);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause(); // an id lookup met a damaged block: nothing was written
        }
        int adds = additions(ops);
        if (adds > memtableDocs) {
            throw new IllegalArgumentException("a batch may add at most " + memtableDocs + " documents (the collection's memtable size), got " + adds);
        }
        boolean flushed = adds > mem.remaining();
        try {
            if (flushed) {
                flushLocked();
            }
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
            throw e;
        }
        try {
            // every id lookup the batch needs, before it is logged: a damaged id index or ids block refuses the
            // batch (naming the file) instead of failing halfway through applying it
            for (WriteBatch.Op op : batch.ops()) {
                if (op.kind() != WriteBatch.Kind.ADD) { // prepare looked up the added ids already
                    locate(op.id(), Map.of());
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        try {
            wal.append(ops, stride, dim, floats);
        } catch (IOException | RuntimeException e) {
            // the log may now hold part of a record: refuse further writes until a reopen replays it cleanly
            failure = e instanceof IOException io ? io : new IOException(e);
            throw e;
        }
        int removed;
        try {
            removed = apply(ops);
        } catch (RuntimeException e) {
            // logged but not (fully) applied in memory: refuse further writes; a reopen replays the log
            failure = new IOException(e);
            throw e;
        }
        if (flushed) {
            maybeAutoRefit(); // after the batch is applied: its codes were made with the encoder a refit replaces
        }
        return removed;
    }

    private static int additions(List<Prepared> ops) {
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
    private Long locate(String id, Map<Integer, long[]> touched) {
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

    /** Applies a logged batch to memory (live writes and replay share this, so both end in the same state). */
    private int apply(List<Prepared> ops) throws CorruptCollectionException {
        if (coarse != null) {
            ops = Partitioning.withCells(ops, coarse, wal.path());
        }
        float[] norms = null;
        int adds = additions(ops);
        if (normalized && adds > 0) {
            long[] data = new long[adds * (stride / 8)];
            int a = 0;
            for (Prepared p : ops) {
                if (p.kind() != WriteBatch.Kind.DELETE) {
                    System.arraycopy(p.code(), 0, data, a++ * (stride / 8), stride / 8);
                }
            }
            norms = encoder.inverseNorms(new PackedCodes(data, adds, bits));
        }
        int removed = 0;
        state.writeLock().lock();
        try {
            Map<Integer, long[]> touched = new HashMap<>();
            int a = 0;
            for (Prepared p : ops) {
                // an added id is live nowhere (prepare checked it against this batch and the collection)
                Long old = p.kind() == WriteBatch.Kind.ADD ? null : locate(p.id(), touched);
                if (old != null) {
                    memIds.remove(p.id());
                    markDeleted(old, touched);
                    removed++;
                }
                if (p.kind() != WriteBatch.Kind.DELETE) {
                    int row = mem.append(p.id(), p.code(), p.text(), p.meta(), p.vector(), norms == null ? 0f : norms[a], p.cell());
                    a++;
                    memIds.put(p.id(), row);
                }
            }
            deleted.putAll(touched);
            dirtyDeletes.addAll(touched.keySet());
            sequence++;
            publish();
        } finally {
            state.writeLock().unlock();
        }
        return removed;
    }

    /** Sets a deletion bit on a private copy of the part's bitset (copied once per batch). */
    private void markDeleted(long loc, Map<Integer, long[]> touched) {
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

    private int rowsOf(int part) {
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

    private void publish() {
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
        long t0 = System.nanoTime();
        try {
            flushLocked(); // the log is empty from here on: bulk segments come after everything written before
        } catch (IOException | RuntimeException ex) {
            failure = ex instanceof IOException io ? io : new IOException(ex);
            throw ex;
        }
        // batch k+1 is read and encoded while batch k is written (BulkLoad.pipeline); commits stay in order
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            BulkLoad.Totals t = BulkLoad.pipeline(source, manifest.nextSegment(), (b, n) -> BulkLoad.prepare(b, n, encoder, dim, floats, coarse), e -> {
                try {
                    return commitBulk(e);
                } catch (IOException | RuntimeException ex) {
                    failure = ex instanceof IOException io ? io : new IOException(ex);
                    throw ex;
                }
            }, progress, writer);
            return new BulkResult(t.docs(), t.replaced(), t.batches(), (System.nanoTime() - t0 - t.sourceNanos()) / 1e9);
        } finally {
            writer.shutdown();
        }
    }

    /**
     * Writes one encoded bulk batch as a segment (its live rows, by cell in a partitioned collection) plus the
     * deletions it causes, and commits them with one manifest.
     */
    private int commitBulk(BulkLoad.Encoded e) throws IOException {
        int number = manifest.nextSegment();
        int n = e.live();
        long fp = manifest.encoderFingerprint();
        long gen = manifest.generation() + 1;
        Part[] pa = new Part[n];
        java.util.Arrays.fill(pa, e);
        SegmentWriter.write(dir, number, new SegmentWriter.Rows(pa, e.order), bits, fp, dim, floats, e.cellOffsets, manifest.coarseFingerprint());
        Map<Integer, long[]> touched = new HashMap<>();
        int removed = e.supersededCount;
        for (int r : e.order) {
            Long old; // earlier copies only: the new segment is not among the segments yet
            try {
                old = locate(e.ids[r], touched);
            } catch (java.io.UncheckedIOException x) {
                throw x.getCause(); // a damaged id block: this batch's segment is not committed
            }
            if (old != null) {
                markDeleted(old, touched);
                removed++;
            }
        }
        Map<Integer, String> delFiles = new HashMap<>();
        for (Manifest.SegmentEntry s : manifest.segments()) {
            if (s.deletes() != null) {
                delFiles.put(s.number(), s.deletes());
            }
        }
        for (Map.Entry<Integer, long[]> t : touched.entrySet()) {
            String name = SegmentFiles.deletes(t.getKey(), gen);
            Deletions.write(dir.resolve(name), t.getValue(), rowsOf(t.getKey()));
            delFiles.put(t.getKey(), name);
        }
        List<Manifest.SegmentEntry> entries = new ArrayList<>();
        for (Segment s : segments) {
            long[] d = touched.containsKey(s.number) ? touched.get(s.number) : deleted.get(s.number);
            entries.add(new Manifest.SegmentEntry(s.number, s.count(), delFiles.get(s.number), Deletions.cardinality(d)));
        }
        entries.add(new Manifest.SegmentEntry(number, n, null, 0));
        Manifest m = manifest.next(manifest.wal(), number + 1, entries);
        m.write(dir);
        // committed: from here on only memory changes
        manifest = m;
        // ids are found through the segment's own hash table (seg-N.idh), so no ids are handed over (lean bookkeeping)
        Segment s = Segment.open(dir, number, n, bits, fp, dim, floats, false, e.segmentWords(), null);
        if (e.cellOffsets != null) {
            s.setCellOffsets(e.cellOffsets);
        }
        state.writeLock().lock();
        try {
            deleted.putAll(touched);
            segments.add(s);
            mem = newMemTable(m.nextSegment());
            sequence++;
            publish();
        } finally {
            state.writeLock().unlock();
        }
        removeUnreferenced();
        return removed;
    }

    /** Writes the memtable as a segment and pending deletions as files, then starts a new log. */
    public synchronized void flush() throws IOException {
        checkWritable();
        try {
            flushLocked();
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
            throw e;
        }
        maybeAutoRefit();
    }

    private void flushLocked() throws IOException {
        if (mem.size() == 0 && dirtyDeletes.isEmpty()) {
            return;
        }
        long gen = manifest.generation() + 1;
        boolean newSegment = mem.size() > 0;
        // a partitioned collection writes the memtable's live rows sorted by cell (deleted rows are dropped, so the
        // new segment needs no deletion set); `sorted` maps the segment's rows to memtable rows
        Cells.Order sorted = coarse != null && newSegment ? Partitioning.liveByCell(mem, deleted.get(mem.number), coarse.cells()) : null;
        if (newSegment) {
            int[] rows = sorted != null ? sorted.perm() : new int[mem.size()];
            Part[] parts = new Part[rows.length];
            for (int r = 0; r < rows.length; r++) {
                if (sorted == null) {
                    rows[r] = r;
                }
                parts[r] = mem;
            }
            SegmentWriter.write(dir, mem.number, new SegmentWriter.Rows(parts, rows), bits, manifest.encoderFingerprint(), dim, floats,
                    sorted == null ? null : sorted.offsets(), manifest.coarseFingerprint());
        }
        int segRows = sorted != null ? sorted.perm().length : mem.size();
        Map<Integer, String> delFiles = new HashMap<>();
        for (Manifest.SegmentEntry e : manifest.segments()) {
            if (e.deletes() != null) {
                delFiles.put(e.number(), e.deletes());
            }
        }
        for (int part : dirtyDeletes) {
            if (part == mem.number && (!newSegment || sorted != null)) {
                continue;
            }
            String name = SegmentFiles.deletes(part, gen);
            int rows = part == mem.number ? mem.size() : rowsOf(part);
            Deletions.write(dir.resolve(name), java.util.Arrays.copyOf(deleted.get(part), (rows + 63) >>> 6), rows);
            delFiles.put(part, name);
        }
        Wal next = Wal.create(dir, gen);
        List<Manifest.SegmentEntry> entries = new ArrayList<>();
        for (Segment s : segments) {
            entries.add(new Manifest.SegmentEntry(s.number, s.count(), delFiles.get(s.number), Deletions.cardinality(deleted.get(s.number))));
        }
        if (newSegment) {
            entries.add(sorted != null ? new Manifest.SegmentEntry(mem.number, segRows, null, 0)
                    : new Manifest.SegmentEntry(mem.number, mem.size(), delFiles.get(mem.number), Deletions.cardinality(deleted.get(mem.number))));
        }
        Manifest m = manifest.next(SegmentFiles.wal(gen), newSegment ? mem.number + 1 : manifest.nextSegment(), entries);
        try {
            m.write(dir);
        } catch (IOException | RuntimeException e) {
            next.close();
            throw e;
        }
        // committed: the new manifest names the new segment and the empty log
        Wal old = wal;
        wal = next;
        manifest = m;
        old.close();
        dirtyDeletes.clear();
        if (newSegment) {
            Segment s;
            if (sorted == null) {
                s = Segment.open(dir, mem.number, mem.size(), bits, manifest.encoderFingerprint(), dim, floats, false,
                        java.util.Arrays.copyOf(mem.words(), mem.size() * (stride / 8)), null);
                s.setInverseNorms(mem.inverseNorms(encoder, mem.size()));
            } else {
                s = Partitioning.openFlushed(dir, mem, sorted, bits, manifest.encoderFingerprint(), dim, floats, encoder);
            }
            state.writeLock().lock();
            try {
                long[] d = deleted.remove(mem.number);
                if (d != null && sorted == null) {
                    deleted.put(mem.number, java.util.Arrays.copyOf(d, (mem.size() + 63) >>> 6));
                }
                segments.add(s);
                memIds.clear(); // the new segment's hash table answers for these ids now
                mem = newMemTable(m.nextSegment());
                publish();
            } finally {
                state.writeLock().unlock();
            }
        }
        removeUnreferenced();
    }

    /**
     * Rewrites all live documents into fresh segments without the deleted rows, and drops the old segments.
     * Snapshots taken before keep working (their files stay readable until they are no longer referenced).
     */
    public synchronized void compact() throws IOException {
        checkWritable();
        try {
            flushLocked();
            boolean anyDeleted = deleted.values().stream().anyMatch(d -> Deletions.cardinality(d) > 0);
            if (anyDeleted || segments.size() > 1) {
                rewriteLocked(null);
            }
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
            throw e;
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

    /** The switch of a refit: flush, re-encode every live row with {@code next}, commit with one manifest. */
    synchronized void switchEncoder(Encoder measured, Encoder next, int refitDocs) throws IOException {
        checkWritable();
        if (encoder != measured) {
            throw new IllegalStateException("the encoder of " + dir + " changed while the refit was measuring (another refit?); run it again");
        }
        try {
            flushLocked();
            manifest = manifest.withRefitDocs(refitDocs);
            rewriteLocked(next);
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
            throw e;
        }
    }

    /** Records a refit that kept the encoder, so the automatic one waits until the collection has doubled. */
    synchronized void recordRefit(int docs) throws IOException {
        checkWritable();
        Manifest m = manifest.withRefitDocs(docs).next(manifest.wal(), manifest.nextSegment(), manifest.segments());
        m.write(dir);
        manifest = m;
    }

    /**
     * Starts the automatic refit (CollectionOptions#autoRefitDocs) in the background when the collection has reached
     * the size (and doubled since the last refit), unless one is running. A refit that fails is logged and recorded,
     * never thrown: the write that triggered it is durable and must not fail or wait for it.
     */
    private void maybeAutoRefit() {
        int at = manifest.autoRefitDocs();
        int live = snapshot.count();
        if (at == 0 || floats == FloatFormat.NONE || live < Math.max(at, 2L * manifest.refitDocs())
                || (autoRefit != null && !autoRefit.isDone())) {
            return;
        }
        autoRefit = refitter.submit(() -> {
            try {
                CollectionRefit.refit(this, RefitOptions.defaults());
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return; // stopped by close(): the next open tries again
                }
                System.getLogger(Collection.class.getName()).log(System.Logger.Level.WARNING, "automatic refit of " + dir + " failed: " + e);
                try {
                    synchronized (this) {
                        if (failure == null && !closed) {
                            recordRefit(live); // try again once the collection has doubled
                        }
                    }
                } catch (IOException | RuntimeException again) {
                    System.getLogger(Collection.class.getName()).log(System.Logger.Level.WARNING, "recording the failed refit of " + dir + ": " + again);
                }
            }
        });
    }

    /** Waits for a running automatic refit to end (tests; a server never needs to). */
    void awaitAutoRefit() throws InterruptedException {
        java.util.concurrent.Future<?> f;
        synchronized (this) {
            f = autoRefit;
        }
        if (f != null) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (java.util.concurrent.CancellationException ignored) {
                // cancelled by close()
            }
        }
    }

    /**
     * Rewrites all live documents into fresh segments without the deleted rows (with {@code next}: re-encoded by it,
     * which becomes the collection's encoder), and drops the old segments. Snapshots taken before keep working
     * (their files stay readable until they are no longer referenced).
     */
    private void rewriteLocked(Encoder next) throws IOException {
        int maxDocs = Math.min(1 << 24, (1 << 30) / stride);
        List<Part> sources = next == null ? new ArrayList<>(segments) : CollectionRefit.Recoded.of(segments, next);
        long fp = next == null ? manifest.encoderFingerprint() : EncoderFiles.fingerprint(next);
        List<Part> parts = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            long[] d = deleted.get(s.number);
            for (int r = 0; r < s.count(); r++) {
                if (!Deletions.isSet(d, r)) {
                    parts.add(sources.get(i));
                    rows.add(r);
                }
            }
        }
        if (coarse != null) {
            Partitioning.sortByCell(parts, rows, coarse.cells());
        }
        int number = manifest.nextSegment();
        List<Manifest.SegmentEntry> entries = new ArrayList<>();
        Map<Integer, int[]> offsets = new HashMap<>();
        for (int from = 0; from < rows.size(); from += maxDocs) {
            int to = Math.min(rows.size(), from + maxDocs);
            Part[] pa = parts.subList(from, to).toArray(new Part[0]);
            int[] ra = rows.subList(from, to).stream().mapToInt(Integer::intValue).toArray();
            int[] off = coarse == null ? null : Partitioning.offsets(pa, ra, coarse.cells());
            SegmentWriter.write(dir, number, new SegmentWriter.Rows(pa, ra), bits, fp, dim, floats, off, manifest.coarseFingerprint());
            entries.add(new Manifest.SegmentEntry(number, ra.length, null, 0));
            offsets.put(number, off);
            number++;
        }
        Manifest m = manifest.next(manifest.wal(), number, entries);
        if (next != null) {
            String file = Manifest.encoderFileName(fp);
            EncoderFiles.save(next, dir.resolve(file));
            m = m.withEncoder(fp, next.kind(), file);
        }
        m.write(dir);
        manifest = m;
        List<Segment> fresh = new ArrayList<>();
        for (Manifest.SegmentEntry e : entries) {
            Segment s = Segment.open(dir, e.number(), e.docs(), bits, m.encoderFingerprint(), dim, floats, false, null, null);
            s.setCellOffsets(offsets.get(e.number()));
            fresh.add(s);
        }
        state.writeLock().lock();
        try {
            if (next != null) {
                encoder = next;
                normalized = normalizedScores(next, bits);
                shared = new Snapshot.Shared(next, dim, floats, pool, threads, coarse);
            }
            // old segments are not closed: snapshots taken before may still read them; the OS keeps an
            // unlinked file readable while it is open, and the channels close when collected
            segments.clear();
            segments.addAll(fresh);
            deleted.clear();
            memIds.clear();
            mem = newMemTable(m.nextSegment());
            publish();
        } finally {
            state.writeLock().unlock();
        }
        removeUnreferenced();
    }

    /** Removes files no manifest names: leftovers of a crash mid-flush, superseded segments, deletion sets, logs. */
    private void removeUnreferenced() throws IOException {
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

    private static boolean isStoreFile(String n) {
        return n.startsWith("seg-") || n.startsWith("wal-") || (n.startsWith(".") && n.endsWith(".tmp"))
                || n.equals(SegmentFiles.ENCODER) || n.equals(EncoderRef.FILE) || n.equals(SegmentFiles.LOCK) || n.equals(Cells.QUANTIZER)
                || Manifest.isEncoderFile(n);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("collection " + dir + " is closed");
        }
    }

    private void checkWritable() throws IOException {
        checkOpen();
        if (failure != null) {
            throw new IOException("collection " + dir + " refused the write: an earlier write failed (" + failure.getMessage()
                    + "); close and reopen it to recover from the log", failure);
        }
    }
}
