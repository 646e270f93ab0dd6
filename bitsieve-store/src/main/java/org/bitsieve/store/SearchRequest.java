package org.bitsieve.store;

import org.bitsieve.store.filter.MetaFilter;

/**
 * A top-k query. {@code oversample > 1} re-ranks the best {@code k * oversample} codes by the exact cosine of
 * the stored float vectors (the collection must keep them). A filter keeps only documents whose metadata
 * field equals the value (compared as text: {@code label=1} matches {@code "label": 1} and {@code "label": "1"});
 * {@link #where} adds a typed {@link MetaFilter}. In a partitioned collection {@link #nprobe} says how many coarse
 * cells to scan ({@link #NPROBE_DEFAULT}: the collection's default; 0: every row, the exact scan).
 */
public record SearchRequest(float[] vector, int k, SearchMode mode, int oversample, String filterField, String filterValue,
                            int threads, MetaFilter where, int nprobe) {
    /** Leaves nprobe to the collection: exact below a size threshold, else its measured default. */
    public static final int NPROBE_DEFAULT = -1;

    public SearchRequest {
        if (vector == null) {
            throw new IllegalArgumentException("a search needs a query vector");
        }
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        if (oversample < 1) {
            throw new IllegalArgumentException("oversample must be at least 1, got " + oversample);
        }
        if (mode == null) {
            mode = SearchMode.ASYMMETRIC;
        }
        if ((filterField == null) != (filterValue == null)) {
            throw new IllegalArgumentException("a filter needs both a field and a value");
        }
        if (nprobe < NPROBE_DEFAULT) {
            throw new IllegalArgumentException("nprobe must be 0 (exact) or a positive number of cells, got " + nprobe);
        }
    }

    /** With the collection's default nprobe. */
    public SearchRequest(float[] vector, int k, SearchMode mode, int oversample, String filterField, String filterValue, int threads,
                         MetaFilter where) {
        this(vector, k, mode, oversample, filterField, filterValue, threads, where, NPROBE_DEFAULT);
    }

    /** Without a typed filter: the form every caller used before {@link #where} existed. */
    public SearchRequest(float[] vector, int k, SearchMode mode, int oversample, String filterField, String filterValue, int threads) {
        this(vector, k, mode, oversample, filterField, filterValue, threads, null, NPROBE_DEFAULT);
    }

    public static SearchRequest of(float[] vector, int k) {
        return new SearchRequest(vector, k, SearchMode.ASYMMETRIC, 1, null, null, 0);
    }

    public SearchRequest mode(SearchMode m) { return new SearchRequest(vector, k, m, oversample, filterField, filterValue, threads, where, nprobe); }

    public SearchRequest oversample(int o) { return new SearchRequest(vector, k, mode, o, filterField, filterValue, threads, where, nprobe); }

    public SearchRequest filter(String field, String value) { return new SearchRequest(vector, k, mode, oversample, field, value, threads, where, nprobe); }

    /** Scan threads for this query (0 = the collection's default, all cores). */
    public SearchRequest threads(int t) { return new SearchRequest(vector, k, mode, oversample, filterField, filterValue, t, where, nprobe); }

    /**
     * Keeps only documents whose metadata passes a typed filter (together with the text filter, if any). The
     * filter is evaluated inside the scan, so the top k is over matching documents.
     */
    public SearchRequest where(MetaFilter f) { return new SearchRequest(vector, k, mode, oversample, filterField, filterValue, threads, f, nprobe); }

    /**
     * Coarse cells to scan in a partitioned collection: 0 scans every row (exact, as an unpartitioned collection
     * does), 1..cells scans that many cells nearest the query plus the unsorted newest rows,
     * {@link #NPROBE_DEFAULT} leaves it to the collection.
     */
    public SearchRequest nprobe(int n) { return new SearchRequest(vector, k, mode, oversample, filterField, filterValue, threads, where, n); }

    public SearchRequest k(int kk) { return new SearchRequest(vector, kk, mode, oversample, filterField, filterValue, threads, where, nprobe); }
}
