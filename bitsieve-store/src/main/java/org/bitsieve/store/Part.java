package org.bitsieve.store;

import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Rows of documents that searches scan: an immutable on-disk {@link Segment} or the in-memory {@link MemTable}.
 * Row r's code is words {@code [r * stride / 8, (r + 1) * stride / 8)} of {@link #words()}, laid out as in
 * {@link PackedCodes}. Codes live on the heap: the scan over a {@code long[]} measured 2.5x faster than over a
 * mapped buffer (per-word buffer reads carry bounds and session checks; bulk copies out of the mapping cost
 * a memcpy per query), and they are only 32 bytes per document at 256 bits. A part only ever grows (the memtable) or is immutable (segments),
 * so a reader that knows how many rows it may see needs no lock.
 */
abstract class Part {
    /** Segment number; the memtable carries the number its segment will get, so row addresses survive a flush. */
    final int number;
    final int stride;
    private final ConcurrentMap<String, String[]> columns = new ConcurrentHashMap<>();
    /** Row offset of each coarse cell (C + 1 entries) of a segment of a partitioned collection, else null. */
    private volatile int[] cellOffsets;
    private final ConcurrentMap<String, com.fasterxml.jackson.databind.JsonNode[]> typedColumns = new ConcurrentHashMap<>();
    private final ConcurrentMap<org.bitsieve.store.filter.MetaFilter, FilterBits> filterBits = new ConcurrentHashMap<>();

    Part(int number, int stride) {
        this.number = number;
        this.stride = stride;
    }

    int[] cellOffsets() { return cellOffsets; }

    void setCellOffsets(int[] offsets) { cellOffsets = offsets; }

    /** The coarse cell of a row: from the offsets of a sorted segment, else -1 (the memtable overrides this). */
    int cell(int row) {
        int[] off = cellOffsets;
        if (off == null) {
            return -1;
        }
        // the last cell whose start is <= row, skipping empty cells
        int lo = 0;
        int hi = off.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (off[mid] <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The codes, row after row. */
    abstract long[] words();

    abstract String id(int row);

    /** Payload text as UTF-8 (null or empty when there is none). */
    abstract byte[] textBytes(int row);

    /** Metadata JSON as UTF-8, or null. */
    abstract byte[] metaBytes(int row);

    String text(int row) {
        byte[] b = textBytes(row);
        return b == null ? "" : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Metadata JSON text, or null. */
    String metadata(int row) {
        byte[] b = metaBytes(row);
        return b == null || b.length == 0 ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    abstract boolean hasVectors();

    /** Copies row {@code row}'s float vector into {@code out}. */
    abstract void vector(int row, float[] out);

    /** Per-row inverse code norms for normalised asymmetric scorers, covering at least {@code rows} rows. */
    abstract float[] inverseNorms(Encoder encoder, int rows);

    /**
     * The text value of a metadata field for rows {@code [0, rows)} (null where absent). Immutable parts cache
     * it forever; the memtable recomputes when it has grown past the cached length.
     */
    String[] column(String field, int rows) {
        String[] c = columns.get(field);
        if (c != null && c.length >= rows) {
            return c;
        }
        String[] built = new String[rows];
        java.util.Map<String, String> intern = new java.util.HashMap<>();
        byte[][] metas = metadataRows(rows);
        for (int r = 0; r < rows; r++) {
            String v = metas[r] == null || metas[r].length == 0 ? null
                    : Metadata.fieldText(new String(metas[r], java.nio.charset.StandardCharsets.UTF_8), field);
            built[r] = v == null ? null : intern.computeIfAbsent(v, x -> x);
        }
        columns.put(field, built);
        return built;
    }

    /**
     * A metadata field's JSON value for rows {@code [0, rows)} (null where absent), for typed filters: parsed once
     * and cached like {@link #column}, so the scan asks a filter about a candidate row without parsing JSON.
     */
    com.fasterxml.jackson.databind.JsonNode[] typedColumn(String field, int rows) {
        com.fasterxml.jackson.databind.JsonNode[] c = typedColumns.get(field);
        if (c != null && c.length >= rows) {
            return c;
        }
        com.fasterxml.jackson.databind.JsonNode[] built = new com.fasterxml.jackson.databind.JsonNode[rows];
        byte[][] metas = metadataRows(rows);
        for (int r = 0; r < rows; r++) {
            built[r] = metas[r] == null || metas[r].length == 0 ? null
                    : org.bitsieve.store.filter.MetaFilter.fieldOf(new String(metas[r], java.nio.charset.StandardCharsets.UTF_8), field);
        }
        typedColumns.put(field, built);
        return built;
    }

    /** The cached rows passing a typed filter ({@link FilterBits}), or null. */
    FilterBits filterBits(org.bitsieve.store.filter.MetaFilter f) {
        return filterBits.get(f);
    }

    void cacheFilterBits(org.bitsieve.store.filter.MetaFilter f, FilterBits bits) {
        if (filterBits.size() >= FilterBits.MAX_CACHED) {
            filterBits.clear(); // bounded memory; a filter asked again is rebuilt from the cached columns
        }
        filterBits.put(f, bits);
    }

    /** Metadata of rows {@code [0, rows)}; parts on disk override this to read in bulk. */
    byte[][] metadataRows(int rows) {
        byte[][] out = new byte[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = metaBytes(r);
        }
        return out;
    }

    /** Inverse norms of the first {@code rows} codes, in chunks so no second full copy of the codes is made. */
    static float[] computeInverseNorms(Encoder encoder, long[] words, int stride, int rows) {
        int w = stride / 8;
        float[] out = new float[rows];
        int chunk = 65536;
        for (int from = 0; from < rows; from += chunk) {
            int n = Math.min(chunk, rows - from);
            long[] data = java.util.Arrays.copyOfRange(words, from * w, (from + n) * w);
            float[] part = encoder.inverseNorms(new PackedCodes(data, n, encoder.bits()));
            if (part == null) {
                return null;
            }
            System.arraycopy(part, 0, out, from, n);
        }
        return out;
    }
}
