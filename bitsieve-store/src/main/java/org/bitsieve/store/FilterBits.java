package org.bitsieve.store;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitsieve.store.filter.MetaFilter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of one part that pass a typed filter, as a bitset: evaluated once over the part's cached field columns
 * and cached on the part (segments are immutable; the memtable's entry is rebuilt when it has grown). A selective
 * filter then lets the scan score only the passing rows instead of every code ({@link #scanSparse}), which is what
 * makes a 1% filter cheaper than no filter instead of dearer; a broad one becomes a bit test per heap candidate.
 *
 * <p>Results are those of the per-candidate filter, row for row: the sparse scan visits the passing rows in
 * increasing order with the same heap, and rows that fail the filter could never have entered it. If evaluating
 * the filter throws on some row (a type mismatch), no bitset is kept and the scan asks the filter per candidate as
 * before, so such errors still come only from documents that would rank.
 */
final class FilterBits {
    /**
     * Scan only the passing rows when at most this fraction of a part passes. Chosen, not tuned: a row scored alone
     * costs a few rows of the full scan; FilterBench measures 1% (sparse) and 14% (dense), docs/store.md.
     */
    static final double SPARSE_FRACTION = 1.0 / 16;
    /** A row scored alone counts as this many rows of the full scan when splitting a search into tasks (an estimate). */
    static final int SPARSE_ROW_COST = 4;
    /** Filters cached per part; past this many the cache starts over (a bitset is rows / 8 bytes). */
    static final int MAX_CACHED = 32;
    /** Diagnostic switch for benchmarks: {@code -Dbitsieve.store.filterBits=false} restores the per-candidate filter. */
    static final String PROPERTY = "bitsieve.store.filterBits";

    /** The filter could not be evaluated on every row: remembered, so it is not retried on every search. */
    static final FilterBits UNINDEXABLE = new FilterBits(new long[0], 0, 0);

    final long[] bits;
    final int rows;
    final int count;

    private FilterBits(long[] bits, int rows, int count) {
        this.bits = bits;
        this.rows = rows;
        this.count = count;
    }

    static boolean enabled() {
        return !"false".equals(System.getProperty(PROPERTY));
    }

    /** The passing rows among the part's first {@code rows}, or null when the filter must be asked per candidate. */
    static FilterBits of(Part part, MetaFilter f, int rows) {
        FilterBits c = part.filterBits(f);
        if (c == null || (c != UNINDEXABLE && c.rows < rows)) {
            c = build(part, f, rows);
            part.cacheFilterBits(f, c);
        }
        return c == UNINDEXABLE ? null : c;
    }

    private static FilterBits build(Part part, MetaFilter f, int rows) {
        Map<String, JsonNode[]> cols = new HashMap<>();
        for (String field : f.fields()) {
            cols.put(field, part.typedColumn(field, rows));
        }
        long[] bits = new long[(rows + 63) >>> 6];
        int count = 0;
        int[] row = new int[1];
        MetaFilter.Fields fields = field -> cols.get(field)[row[0]];
        try {
            for (int r = 0; r < rows; r++) {
                row[0] = r;
                if (f.test(fields)) {
                    bits[r >>> 6] |= 1L << r;
                    count++;
                }
            }
        } catch (IllegalArgumentException e) {
            return UNINDEXABLE;
        }
        return new FilterBits(bits, rows, count);
    }

    /**
     * The rows a search will score, in full-scan rows, for splitting it into tasks: a sparse filter's rows count
     * {@link #SPARSE_ROW_COST} each, so a selective search stays on one thread instead of paying a hand-off.
     */
    static int scanWork(List<View> views, List<SearchRequest> reqs, int rows) {
        if (!enabled()) {
            return rows;
        }
        long most = 0;
        for (SearchRequest r : reqs) {
            if (r.where() == null) {
                return rows;
            }
            long work = 0;
            for (View v : views) {
                FilterBits b = of(v.part(), r.where(), v.rows());
                work += b != null && b.sparse() ? (long) b.count * SPARSE_ROW_COST : v.rows();
            }
            most = Math.max(most, work);
        }
        return (int) Math.min(rows, most);
    }

    boolean sparse() {
        return count <= rows * SPARSE_FRACTION;
    }

    boolean test(int row) {
        return ((bits[row >>> 6] >>> row) & 1L) != 0;
    }

    /**
     * Scans only the passing rows of {@code [from, to)} for one query, runs of consecutive rows at a time, in
     * increasing row order (the tie rule of the full scan). The query's {@code where} must be null here: the bits
     * are the filter.
     */
    void scanSparse(View v, int from, int to, Scan.Query q) {
        long[] a = v.part().words();
        int words = v.part().stride >>> 3;
        int w = from >>> 6;
        int end = Math.min(to, rows);
        int runStart = -1;
        int runEnd = -1;
        for (; w <= (end - 1) >>> 6 && end > from; w++) {
            long word = bits[w];
            if (w == from >>> 6) {
                word &= -1L << from; // rows below from
            }
            while (word != 0) {
                int r = (w << 6) + Long.numberOfTrailingZeros(word);
                word &= word - 1;
                if (r >= end) {
                    break;
                }
                if (r == runEnd) {
                    runEnd++;
                    continue;
                }
                if (runStart >= 0) {
                    scanRun(a, words, runStart, runEnd, v, q);
                }
                runStart = r;
                runEnd = r + 1;
            }
        }
        if (runStart >= 0) {
            scanRun(a, words, runStart, runEnd, v, q);
        }
    }

    private static void scanRun(long[] a, int words, int from, int to, View v, Scan.Query q) {
        if (q.code != null) {
            Scan.hamming(a, words, to - from, from, q.code, v.deleted(), q.column, q.want, null, v.base(), q.heap);
        } else {
            Scan.asymmetric(a, words, to - from, from, q.table, q.invNorms, v.deleted(), q.column, q.want, null, v.base(), q.heap);
        }
    }
}
