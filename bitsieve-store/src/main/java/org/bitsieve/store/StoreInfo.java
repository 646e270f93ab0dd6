package org.bitsieve.store;

import java.util.Map;

/**
 * Facts about a collection: document counts and bytes on disk per part ({@code codes}, {@code ids},
 * {@code payloads}, {@code vectors}, {@code deletes}, {@code wal}, {@code manifest}, {@code encoder}).
 */
public record StoreInfo(int documents, int deletedRows, int segments, int memtableRows, int bits, int dim,
                        FloatFormat floats, String encoder, Map<String, Long> bytes) {
    public long totalBytes() { return bytes.values().stream().mapToLong(Long::longValue).sum(); }

    /** Everything but payload texts and float vectors: what search needs. */
    public long indexBytes() { return totalBytes() - bytes.getOrDefault("payloads", 0L) - bytes.getOrDefault("vectors", 0L); }
}
