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
                String encoderKind, String floats, int memtableDocs, List<SegmentEntry> segments, int cells, long coarseFingerprint,
                String encoderFile, int autoRefitDocs, int refitDocs, NprobeCalibration nprobeCalibration) {
    static final int FORMAT = 1;
    /**
     * Format of a partitioned collection (a coarse quantiser, segments sorted by cell with a cells part): builds
     * that read only format 1 refuse it instead of writing unsorted segments into it.
     */
    static final int FORMAT_PARTITIONED = 2;
    /**
     * Format 3: the encoder is the file {@code encoderFile} names (a refit wrote it); older builds must not open it.
     * A format-3 collection may be partitioned too ({@code cells > 0}).
     */
    static final int FORMAT_REFIT = 3;

    /** An unpartitioned collection without the refit fields (format 1): no encoder file named, automatic refit off. */
    Manifest(int format, long generation, String wal, int nextSegment, int bits, int dim, long encoderFingerprint,
             String encoderKind, String floats, int memtableDocs, List<SegmentEntry> segments) {
        this(format, generation, wal, nextSegment, bits, dim, encoderFingerprint, encoderKind, floats, memtableDocs, segments, 0, 0L,
                null, 0, 0, null);
    }

    boolean partitioned() { return cells > 0; }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record SegmentEntry(int number, int docs, String deletes, int deleted) {}

    FloatFormat floatFormat() { return FloatFormat.valueOf(floats); }

    Manifest next(String newWal, int newNextSegment, List<SegmentEntry> newSegments) {
        return new Manifest(format, generation + 1, newWal, newNextSegment, bits, dim, encoderFingerprint, encoderKind, floats,
                memtableDocs, List.copyOf(newSegments), cells, coarseFingerprint, encoderFile, autoRefitDocs, refitDocs, nprobeCalibration);
    }

    /** The same state with a refitted encoder stored as {@code file} (format 3). */
    Manifest withEncoder(long fingerprint, String kind, String file) {
        return new Manifest(FORMAT_REFIT, generation, wal, nextSegment, bits, dim, fingerprint, kind, floats, memtableDocs, segments,
                cells, coarseFingerprint, file, autoRefitDocs, refitDocs, nprobeCalibration);
    }

    /** The same state, recording that a refit (kept or not) looked at {@code docs} documents. */
    Manifest withRefitDocs(int docs) {
        return new Manifest(format, generation, wal, nextSegment, bits, dim, encoderFingerprint, encoderKind, floats, memtableDocs,
                segments, cells, coarseFingerprint, encoderFile, autoRefitDocs, docs, nprobeCalibration);
    }

    /**
     * The same state with a measured default nprobe. The field is optional in every format: a build that does not know
     * it ignores it and uses the fixed share of the cells, which changes speed and recall, never correctness.
     */
    Manifest withCalibration(NprobeCalibration c) {
        return new Manifest(format, generation, wal, nextSegment, bits, dim, encoderFingerprint, encoderKind, floats, memtableDocs,
                segments, cells, coarseFingerprint, encoderFile, autoRefitDocs, refitDocs, c);
    }

    /** The name a refitted encoder is stored under: by fingerprint, so a new one never overwrites the one in use. */
    static String encoderFileName(long fingerprint) { return String.format("encoder-%016x.bse", fingerprint); }

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
        if (m.format() != FORMAT && m.format() != FORMAT_PARTITIONED && m.format() != FORMAT_REFIT) {
            throw new CorruptCollectionException(p, "manifest format " + m.format() + " is not supported (this build reads " + FORMAT
                    + ", " + FORMAT_PARTITIONED + " and " + FORMAT_REFIT + ")");
        }
        if (m.cells() < 0 || (m.format() == FORMAT && m.cells() != 0) || (m.format() == FORMAT_PARTITIONED && m.cells() == 0)) {
            throw new CorruptCollectionException(p, "manifest format " + m.format() + " does not fit its cell count " + m.cells());
        }
        if (m.segments() == null || m.wal() == null || !m.wal().matches("wal-\\d{6,18}\\.log") || m.bits() <= 0 || m.dim() <= 0
                || m.memtableDocs() <= 0 || m.autoRefitDocs() < 0 || m.refitDocs() < 0) {
            throw new CorruptCollectionException(p, "manifest is incomplete");
        }
        if ((m.format() == FORMAT_REFIT) != (m.encoderFile() != null)
                || m.encoderFile() != null && !m.encoderFile().equals(encoderFileName(m.encoderFingerprint()))) {
            throw new CorruptCollectionException(p, "manifest names the encoder file '" + m.encoderFile() + "', which does not fit format "
                    + m.format() + " and fingerprint " + String.format("%016x", m.encoderFingerprint()));
        }
        try {
            m.floatFormat();
        } catch (IllegalArgumentException e) {
            throw new CorruptCollectionException(p, "unknown float format " + m.floats());
        }
        return m;
    }

    /** Whether a file name is a refitted encoder's (removable once no manifest names it). */
    static boolean isEncoderFile(String n) { return n.matches("encoder-[0-9a-f]{16}\\.bse"); }
}
