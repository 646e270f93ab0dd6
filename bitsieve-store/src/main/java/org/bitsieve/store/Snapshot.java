package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.QueryScorer;
import org.bitsieve.core.search.FloatHeap;
import org.bitsieve.core.search.QuantizedLut;
import org.bitsieve.core.search.TopK;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * An immutable, consistent view of a collection: the parts and deletion sets as of one acknowledged batch.
 * Any number of threads may search it while the writer goes on; it never changes, so repeated searches give
 * identical answers. Obtain with {@link Collection#snapshot()}; searches on the collection use the latest.
 */
public final class Snapshot {
    /** Below this many rows per thread, splitting a scan costs more than it saves. */
    static final int MIN_ROWS_PER_TASK = 32_768;

    final Shared shared;
    private final List<View> views;
    private final int rows;
    private final long sequence;

    /** What every snapshot of one collection shares ({@code calibratedNprobe}: the measured default, 0 = none measured). */
    record Shared(Encoder encoder, int dim, FloatFormat floats, ExecutorService pool, int threads,
                  org.bitsieve.core.coarse.CoarseQuantizer coarse, int calibratedNprobe) {}

    Snapshot(Shared shared, List<View> views, long sequence) {
        this.shared = shared;
        this.views = List.copyOf(views);
        int n = 0;
        for (View v : views) {
            n += v.rows();
        }
        this.rows = n;
        this.sequence = sequence;
    }

    /**
     * A read-only snapshot over bare codes (laid out as in {@code PackedCodes}), for benchmarks that measure the
     * scan at sizes not worth ingesting. Ids are "s" + row; there are no payloads.
     */
    public static Snapshot ofCodes(Encoder encoder, long[] codes, int rows, int threads) {
        int stride = PackedCodesStride.of(encoder.bits());
        if ((long) rows * stride / 8 > codes.length) {
            throw new IllegalArgumentException("buffer holds fewer than " + rows + " codes");
        }
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(t, r -> {
            Thread th = new Thread(r, "bitsieve-bench-scan");
            th.setDaemon(true);
            return th;
        });
        Shared sh = new Shared(encoder, encoder.dimension(), FloatFormat.NONE, pool, t, null, 0);
        return new Snapshot(sh, List.of(new View(new SyntheticPart(codes, stride), rows, null, 0)), 0);
    }

    List<View> views() { return views; }

    /** Number of acknowledged batches this snapshot reflects (since the collection was opened). */
    public long sequence() { return sequence; }

    /** Live documents. */
    public int count() {
        int c = 0;
        for (View v : views) {
            c += v.liveCount();
        }
        return c;
    }

    /** Calls {@code action} with the id of every live document, in storage order. */
    public void forEachId(Consumer<String> action) {
        for (View v : views) {
            for (int r = 0; r < v.rows(); r++) {
                if (v.live(r)) {
                    action.accept(v.part().id(r));
                }
            }
        }
    }

    /**
     * Calls {@code action} with every live document (id, code, text, metadata) in storage order: the order
     * search ranks ties by (the older row first), so an exporter that keeps this order keeps the tie rule.
     */
    public void forEachDoc(Consumer<StoredDoc> action) {
        int words = org.bitsieve.core.PackedCodes.wordsFor(shared.encoder().bits());
        for (View v : views) {
            Part p = v.part();
            long[] all = p.words();
            int stride = p.stride >>> 3;
            for (int r = 0; r < v.rows(); r++) {
                if (v.live(r)) {
                    long[] code = java.util.Arrays.copyOfRange(all, r * stride, r * stride + words);
                    action.accept(new StoredDoc(p.id(r), code, p.text(r), p.metadata(r)));
                }
            }
        }
    }

    public List<Hit> search(SearchRequest req) { return searchBatch(List.of(req)).get(0); }

    /**
     * Searches several queries in one pass over the codes: each tile of codes is read from memory once and
     * scored for every query while it is in cache, which raises throughput when scans are memory-bound.
     * Results equal those of {@link #search} one by one. The batch's first request sets the thread count.
     */
    public List<List<Hit>> searchBatch(List<SearchRequest> reqs) {
        if (reqs.isEmpty()) {
            return List.of();
        }
        for (SearchRequest req : reqs) {
            checkVector(req.vector());
            if (req.oversample() > 1 && shared.floats() == FloatFormat.NONE) {
                throw new IllegalArgumentException("re-ranking needs stored float vectors, and this collection keeps none "
                        + "(create it with floats f16 or f32, or search with oversample 1)");
            }
        }
        TopK[] tops = scanAll(reqs);
        List<List<Hit>> out = new ArrayList<>(reqs.size());
        for (int qi = 0; qi < reqs.size(); qi++) {
            SearchRequest req = reqs.get(qi);
            TopK top = tops[qi];
            if (req.oversample() > 1 && top.size() > 0) {
                top = rerank(top.ids(), req.vector(), req.k());
            }
            int n = Math.min(req.k(), top.size());
            List<Hit> hits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                View v = viewAt(top.ids()[i]);
                int row = top.ids()[i] - v.base();
                hits.add(new Hit(v.part().id(row), top.scores()[i], v.part().text(row), v.part().metadata(row)));
            }
            out.add(hits);
        }
        return out;
    }

    /**
     * kNN classification: the k nearest neighbours (as {@link #search} finds them) vote with the text value of
     * their {@code labelField}; neighbours without it do not vote. Ties and Hamming mode: see {@link KnnVote}.
     * {@link Classification#votes()} holds the vote weights; the neighbours listed are the k of the search.
     */
    public Classification classify(SearchRequest req, String labelField) {
        Classification c = KnnVote.classify(this, req, h -> Metadata.fieldText(h.metadataJson(), labelField));
        if (c.label() == null) {
            throw new IllegalArgumentException("none of the " + c.neighbours().size() + " neighbours has the label field '" + labelField + "'");
        }
        return c;
    }

    private void checkVector(float[] q) {
        if (q.length != shared.dim()) {
            throw new IllegalArgumentException("query vector has dimension " + q.length + ", the collection holds dimension " + shared.dim());
        }
        for (float x : q) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("query vector holds a non-finite value");
            }
        }
    }

    /**
     * The nprobe a request scans with: 0 (every row) or a number of cells.
     *
     * @throws IllegalArgumentException when the request's nprobe is outside the collection's range
     */
    int nprobeOf(SearchRequest r) {
        org.bitsieve.core.coarse.CoarseQuantizer q = shared.coarse();
        int n = r.nprobe();
        if (n == SearchRequest.NPROBE_DEFAULT) {
            return Partitioning.defaultNprobe(q, rows, shared.calibratedNprobe());
        }
        if (q == null && n != 0) {
            throw new IllegalArgumentException("nprobe " + n + ": this collection is not partitioned (it has no coarse quantiser), so "
                    + "nprobe must be 0 (exact) or left unset");
        }
        if (q != null && n > q.cells()) {
            throw new IllegalArgumentException("nprobe must be in 0.." + q.cells() + " (0 = exact; the collection has " + q.cells()
                    + " cells), got " + n);
        }
        return n;
    }

    /** Exact queries share one batched pass; partitioned ones scan their own cells. */
    private TopK[] scanAll(List<SearchRequest> reqs) {
        int[] np = new int[reqs.size()];
        List<SearchRequest> exact = new ArrayList<>();
        for (int i = 0; i < np.length; i++) {
            np[i] = nprobeOf(reqs.get(i));
            if (np[i] > 0 && FilterBits.exactIsCheaper(views, reqs.get(i).where(), rows, np[i], shared.coarse().cells())) {
                np[i] = 0; // a selective filter: its own rows, exactly, cost less than the probed cells
            }
            if (np[i] == 0) {
                exact.add(reqs.get(i));
            }
        }
        if (exact.size() == reqs.size()) {
            return scan(reqs);
        }
        TopK[] ex = exact.isEmpty() ? new TopK[0] : scan(exact);
        TopK[] out = new TopK[reqs.size()];
        for (int i = 0, e = 0; i < np.length; i++) {
            out[i] = np[i] == 0 ? ex[e++] : PartitionedScan.scan(this, reqs.get(i), np[i]);
        }
        return out;
    }

    /** Per query, the top {@code k * oversample} snapshot positions by code score, scanned in parallel ranges. */
    TopK[] scan(List<SearchRequest> reqs) {
        int nq = reqs.size();
        if (rows == 0) {
            TopK[] empty = new TopK[nq];
            java.util.Arrays.fill(empty, new TopK(new int[0], new float[0]));
            return empty;
        }
        int threads = reqs.get(0).threads() > 0 ? reqs.get(0).threads() : shared.threads();
        int tasks = Math.max(1, Math.min(threads, FilterBits.scanWork(views, reqs, rows) / MIN_ROWS_PER_TASK));
        // query encoding and scorer tables are shared by all ranges (read-only)
        Encoder enc = shared.encoder();
        long[][] codes = new long[nq][];
        QueryScorer[] scorers = new QueryScorer[nq];
        QuantizedLut[] luts = new QuantizedLut[nq];
        for (int i = 0; i < nq; i++) {
            SearchRequest r = reqs.get(i);
            if (r.mode() == SearchMode.HAMMING) {
                codes[i] = enc.encode(r.vector());
            } else {
                scorers[i] = enc.scorer(r.vector());
                luts[i] = QuantizedLut.of(scorers[i]);
            }
        }
        List<Future<FloatHeap[]>> futures = new ArrayList<>();
        for (int t = 1; t < tasks; t++) {
            int from = (int) ((long) rows * t / tasks);
            int to = (int) ((long) rows * (t + 1) / tasks);
            futures.add(shared.pool().submit(() -> scanRange(from, to, reqs, codes, scorers, luts)));
        }
        FloatHeap[] merged = scanRange(0, (int) ((long) rows / tasks), reqs, codes, scorers, luts);
        joinAll(futures, h -> {
            for (int i = 0; i < nq; i++) {
                merged[i].addAll(h[i]);
            }
        });
        TopK[] out = new TopK[nq];
        for (int i = 0; i < nq; i++) {
            out[i] = merged[i].toTopK();
        }
        return out;
    }

    /**
     * Waits for each scan task in order and hands its result to {@code merge} (the exact and the partitioned scan
     * share this): a task's runtime exception is rethrown as is, so a damaged block fails the search with its own
     * message.
     */
    static <T> void joinAll(List<Future<T>> futures, Consumer<T> merge) {
        for (Future<T> f : futures) {
            T result;
            try {
                result = f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("search interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException("search failed", e.getCause());
            }
            merge.accept(result);
        }
    }

    /** Scans snapshot positions {@code [from, to)}, which may span several views, for every query. */
    private FloatHeap[] scanRange(int from, int to, List<SearchRequest> reqs, long[][] codes, QueryScorer[] scorers, QuantizedLut[] luts) {
        int nq = reqs.size();
        FloatHeap[] heaps = new FloatHeap[nq];
        Scan.Query[] qs = new Scan.Query[nq];
        for (int i = 0; i < nq; i++) {
            SearchRequest r = reqs.get(i);
            heaps[i] = new FloatHeap((int) Math.min(Integer.MAX_VALUE - 8, (long) r.k() * r.oversample()));
            qs[i] = new Scan.Query(codes[i], luts[i], r.filterValue(), heaps[i]);
        }
        boolean useBits = FilterBits.enabled();
        for (View v : views) {
            int a = Math.max(from, v.base()) - v.base();
            int b = Math.min(to, v.base() + v.rows()) - v.base();
            if (a >= b) {
                continue;
            }
            List<Scan.Query> full = new ArrayList<>(nq);
            for (int i = 0; i < nq; i++) {
                SearchRequest r = reqs.get(i);
                qs[i].column = r.filterField() == null ? null : v.part().column(r.filterField(), v.rows());
                qs[i].invNorms = scorers[i] != null && scorers[i].normalized() ? v.part().inverseNorms(shared.encoder(), v.rows()) : null;
                FilterBits bits = r.where() == null || !useBits ? null : FilterBits.of(v.part(), r.where(), v.rows());
                if (bits != null && bits.sparse()) {
                    qs[i].where = null;
                    bits.scanSparse(v, a, b, qs[i]); // a selective filter: score only its rows
                    continue;
                }
                qs[i].where = bits != null ? bits::test : r.where() == null ? null : rowFilter(r.where(), v);
                full.add(qs[i]);
            }
            if (!full.isEmpty()) {
                Scan.range(v, a, b, full.size() == nq ? qs : full.toArray(new Scan.Query[0]));
            }
        }
        return heaps;
    }

    /** A typed filter over one view's rows, reading the per-field columns the part caches. */
    static java.util.function.IntPredicate rowFilter(org.bitsieve.store.filter.MetaFilter f, View v) {
        Map<String, com.fasterxml.jackson.databind.JsonNode[]> cols = new java.util.HashMap<>();
        for (String field : f.fields()) {
            cols.put(field, v.part().typedColumn(field, v.rows()));
        }
        return row -> f.test(field -> cols.get(field)[row]);
    }

    /** Exact cosine of the stored float vectors with the query, best first. */
    private TopK rerank(int[] pos, float[] query, int k) {
        double qn = 0;
        for (float x : query) {
            qn += (double) x * x;
        }
        float qinv = qn > 0 ? (float) (1 / Math.sqrt(qn)) : 0f;
        float[] v = new float[shared.dim()];
        FloatHeap heap = new FloatHeap(Math.max(1, Math.min(k, pos.length)));
        for (int p : pos) {
            View view = viewAt(p);
            view.part().vector(p - view.base(), v);
            double dot = 0;
            double vn = 0;
            for (int j = 0; j < v.length; j++) {
                dot += (double) v[j] * query[j];
                vn += (double) v[j] * v[j];
            }
            heap.offer(vn > 0 ? (float) (dot / Math.sqrt(vn)) * qinv : 0f, p);
        }
        return heap.toTopK();
    }

    View viewAt(int position) {
        int lo = 0;
        int hi = views.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (views.get(mid).base() <= position) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return views.get(lo);
    }

    @Override
    public String toString() {
        return "Snapshot[rows=" + rows + ", views=" + views.size() + ", seq=" + sequence + "]";
    }
}
