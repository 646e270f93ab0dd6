package org.bitsieve.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Facts about a collection: document counts and bytes on disk per part ({@code codes}, {@code ids},
 * {@code payloads}, {@code vectors}, {@code deletes}, {@code wal}, {@code manifest}, {@code encoder}).
 */
public record StoreInfo(int documents, int deletedRows, int segments, int memtableRows, int bits, int dim,
                        FloatFormat floats, String encoder, Map<String, Long> bytes) {
    public long totalBytes() { return bytes.values().stream().mapToLong(Long::longValue).sum(); }

    /** Everything but payload texts and float vectors: what search needs. */
    public long indexBytes() { return totalBytes() - bytes.getOrDefault("payloads", 0L) - bytes.getOrDefault("vectors", 0L); }

    /** Counts from the current snapshot, bytes from the folder's files as they are now. */
    static StoreInfo of(CollectionState st) throws IOException {
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String k : List.of("codes", "ids", "idh", "payloads", "vectors", "deletes", "wal", "manifest", "encoder")) {
            bytes.put(k, 0L);
        }
        try (Stream<Path> s = Files.list(st.dir)) {
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
        Snapshot snap = st.snapshot;
        int deletedRows = 0;
        for (View v : snap.views()) {
            deletedRows += v.rows() - v.liveCount();
        }
        return new StoreInfo(snap.count(), deletedRows, st.segments.size(), st.mem.size(), st.bits, st.dim, st.floats, st.encoder.describe(), bytes);
    }
}
