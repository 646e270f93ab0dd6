package org.bitsieve.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The root of a collection: which segments (and which deletion file of each) and which write-ahead log make up
 * the current state. Replaced atomically as a whole, so a crash leaves either the old or the new state.
 * Stored as JSON inside the standard framing (magic {@code BSSMANIF}, checksum).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Manifest(int format, long generation, String wal, int nextSegment, int bits, int dim, long encoderFingerprint,
                String encoderKind, String floats, int memtableDocs, List<SegmentEntry> segments, int cells, long coarseFingerprint) {
    static final int FORMAT = 1;
    /**
     * Format of a partitioned collection (a coarse quantiser, segments sorted by cell with a cells part): builds
     * that read only format 1 refuse it instead of writing unsorted segments into it.
     */
    static final int FORMAT_PARTITIONED = 2;

    /** An unpartitioned collection (the form every caller used before cells existed). */
    Manifest(int format, long generation, String wal, int nextSegment, int bits, int dim, long encoderFingerprint,
             String encoderKind, String floats, int memtableDocs, List<SegmentEntry> segments) {
        this(format, generation, wal, nextSegment, bits, dim, encoderFingerprint, encoderKind, floats, memtableDocs, segments, 0, 0L);
    }

    boolean partitioned() { return cells > 0; }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record SegmentEntry(int number, int docs, String deletes, int deleted) {}

    FloatFormat floatFormat() { return FloatFormat.valueOf(floats); }

    Manifest next(String newWal, int newNextSegment, List<SegmentEntry> newSegments) {
        return new Manifest(format, generation + 1, newWal, newNextSegment, bits, dim, encoderFingerprint, encoderKind, floats,
                memtableDocs, List.copyOf(newSegments), cells, coarseFingerprint);
    }

    void write(Path dir) throws IOException {
        byte[] body = Metadata.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        StoreFile.write(dir.resolve(SegmentFiles.MANIFEST), SegmentFiles.MANIFEST_MAGIC, 0, segments.size(), generation, 0, body);
    }

    static Manifest read(Path dir) throws IOException {
        Path p = dir.resolve(SegmentFiles.MANIFEST);
        byte[] body = StoreFile.readBody(p, SegmentFiles.MANIFEST_MAGIC);
        Manifest m;
        try {
            m = Metadata.JSON.readValue(body, Manifest.class);
        } catch (IOException e) {
            throw new CorruptCollectionException(p, "manifest content is not valid: " + e.getMessage());
        }
        if (m.format() != FORMAT && m.format() != FORMAT_PARTITIONED) {
            throw new CorruptCollectionException(p, "manifest format " + m.format() + " is not supported (this build reads " + FORMAT
                    + " and " + FORMAT_PARTITIONED + ")");
        }
        if ((m.format() == FORMAT_PARTITIONED) != (m.cells() > 0) || m.cells() < 0) {
            throw new CorruptCollectionException(p, "manifest format " + m.format() + " does not fit its cell count " + m.cells());
        }
        if (m.segments() == null || m.wal() == null || !m.wal().matches("wal-\\d{6,18}\\.log") || m.bits() <= 0 || m.dim() <= 0
                || m.memtableDocs() <= 0) {
            throw new CorruptCollectionException(p, "manifest is incomplete");
        }
        try {
            m.floatFormat();
        } catch (IllegalArgumentException e) {
            throw new CorruptCollectionException(p, "unknown float format " + m.floats());
        }
        return m;
    }
}
