package org.bitsieve.store;

import java.nio.file.Path;

/** File names of a collection folder. Numbers are zero-padded so a listing sorts in creation order. */
final class SegmentFiles {
    static final String MANIFEST = "MANIFEST";
    static final String ENCODER = "encoder.bse";
    static final String LOCK = "LOCK";

    static final byte[] CODES_MAGIC = StoreFile.magic("BSSCODES");
    static final byte[] IDS_MAGIC = StoreFile.magic("BSSIDS01");
    static final byte[] PAYLOADS_MAGIC = StoreFile.magic("BSSPAYLD");
    static final byte[] VECTORS_MAGIC = StoreFile.magic("BSSVECTS");
    static final byte[] DELETES_MAGIC = StoreFile.magic("BSSDELET");
    static final byte[] MANIFEST_MAGIC = StoreFile.magic("BSSMANIF");
    static final byte[] WAL_MAGIC = StoreFile.magic("BSSWALOG");

    private SegmentFiles() {}

    static String base(int segment) { return String.format("seg-%06d", segment); }

    static Path codes(Path dir, int segment) { return dir.resolve(base(segment) + ".codes"); }

    static Path ids(Path dir, int segment) { return dir.resolve(base(segment) + ".ids"); }

    static Path idHashes(Path dir, int segment) { return dir.resolve(base(segment) + ".idh"); }

    static Path payloads(Path dir, int segment) { return dir.resolve(base(segment) + ".payloads"); }

    static Path vectors(Path dir, int segment) { return dir.resolve(base(segment) + ".vectors"); }

    static String deletes(int segment, long generation) { return base(segment) + String.format(".del-%06d", generation); }

    static String wal(long generation) { return String.format("wal-%06d.log", generation); }

    /**
     * Whether a folder holds a collection's data (segment files, or a log with records or past the first
     * generation), with or without its manifest. An unfinished create leaves only the encoder and an empty first
     * log: no data, so not a collection.
     */
    static boolean hasData(Path dir) {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return false;
        }
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir)) {
            return s.anyMatch(p -> {
                String n = p.getFileName().toString();
                try {
                    return n.startsWith("seg-") && !n.endsWith(".tmp")
                            || n.matches("wal-\\d{6,18}\\.log") && (!n.equals(wal(1)) || java.nio.file.Files.size(p) > StoreFile.HEADER);
                } catch (java.io.IOException e) {
                    return true;
                }
            });
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
