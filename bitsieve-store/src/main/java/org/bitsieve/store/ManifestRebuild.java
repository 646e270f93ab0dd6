package org.bitsieve.store;

import org.bitsieve.core.io.EncoderFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Repair's rebuild of a lost or unreadable MANIFEST from the files, when that is unambiguous: exactly one log,
 * complete segments, one deletion set per segment, no id live twice; the encoder the segments were written with
 * (found by fingerprint, {@link CollectionCheck}); a partitioned collection's quantiser and cells parts. The
 * format follows the files (3 for a refit's encoder file, 2 for a quantiser, else 1).
 */
final class ManifestRebuild {
    private static final Pattern SEG = Pattern.compile("seg-(\\d{6,9})\\.(codes|ids|payloads|vectors|cells|del-(\\d{6,18}))");
    private static final Pattern WAL = Pattern.compile("wal-(\\d{6,18})\\.log");

    private ManifestRebuild() {}

    /** A manifest for the files of {@code dir}, or {@link CorruptCollectionException} when that is ambiguous. */
    static Manifest rebuild(Path dir, CollectionCheck check, List<String> actions) throws IOException {
        Path mp = dir.resolve(SegmentFiles.MANIFEST);
        List<String> wals = new ArrayList<>();
        Map<Integer, Set<String>> parts = new TreeMap<>();
        Map<Integer, List<String>> dels = new HashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                Matcher w = WAL.matcher(n);
                Matcher g = SEG.matcher(n);
                if (w.matches()) {
                    wals.add(n);
                } else if (g.matches()) {
                    int num = Integer.parseInt(g.group(1));
                    parts.computeIfAbsent(num, k -> new HashSet<>()).add(g.group(3) == null ? g.group(2) : "del");
                    if (g.group(3) != null) {
                        dels.computeIfAbsent(num, k -> new ArrayList<>()).add(n);
                    }
                } else if (n.endsWith(".tmp")) {
                    throw unsafe(mp, "a write was cut short (" + n + ")");
                }
            }
        }
        if (wals.size() != 1) {
            throw unsafe(mp, wals.size() + " logs " + wals + ": a flush or compaction was cut short, so which files form the last state is unknown");
        }
        var enc = check.encoder;
        var coarse = check.coarse;
        FloatFormat floats = null;
        List<Manifest.SegmentEntry> entries = new ArrayList<>();
        Map<String, Integer> liveIds = new HashMap<>();
        for (Map.Entry<Integer, Set<String>> e : parts.entrySet()) {
            int num = e.getKey();
            if (!e.getValue().containsAll(List.of("codes", "ids", "payloads"))) {
                throw unsafe(mp, "segment " + num + " is incomplete (" + e.getValue() + ")");
            }
            if (dels.getOrDefault(num, List.of()).size() > 1) {
                throw unsafe(mp, "segment " + num + " has several deletion sets " + dels.get(num));
            }
            FloatFormat f = FloatFormat.NONE;
            if (e.getValue().contains("vectors")) {
                try (FileChannel ch = FileChannel.open(SegmentFiles.vectors(dir, num), StandardOpenOption.READ)) {
                    f = BlockFile.open(SegmentFiles.vectors(dir, num), ch, SegmentFiles.VECTORS_MAGIC, false).header().flags() == 2
                            ? FloatFormat.F16 : FloatFormat.F32;
                }
            }
            if (floats != null && floats != f) {
                throw unsafe(mp, "segments disagree on whether floats are kept");
            }
            floats = f;
            int docs;
            try (FileChannel ch = FileChannel.open(SegmentFiles.codes(dir, num), StandardOpenOption.READ)) {
                docs = (int) BlockFile.open(SegmentFiles.codes(dir, num), ch, SegmentFiles.CODES_MAGIC, false).header().count();
            }
            if (coarse != null) {
                // a segment of a partitioned collection must have its cells part; a damaged one is rebuilt from the
                // stored floats by the salvage that follows, but without floats nothing can rebuild it
                try {
                    Cells.read(dir, num, docs, coarse.cells(), coarse.fingerprint());
                } catch (IOException x) {
                    if (f == FloatFormat.NONE) {
                        throw unsafe(mp, "segment " + num + "'s cells part cannot be read (" + x.getMessage() + ") and the collection"
                                + " keeps no floats to assign the cells again");
                    }
                    actions.add("segment " + num + ": cells part unreadable (" + x.getMessage() + "); repaired below");
                }
            }
            String del = dels.containsKey(num) ? dels.get(num).get(0) : null;
            long[] d = null;
            if (del != null) {
                d = Deletions.read(dir.resolve(del), docs);
            }
            String[] ids = Segment.readIds(SegmentFiles.ids(dir, num), docs);
            for (int r = 0; r < docs; r++) {
                if (!Deletions.isSet(d, r) && liveIds.put(ids[r], num) != null) {
                    throw unsafe(mp, "id '" + ids[r] + "' is live in two segments: a compaction was cut short");
                }
            }
            entries.add(new Manifest.SegmentEntry(num, docs, del, Deletions.cardinality(d)));
        }
        String wal = wals.get(0);
        long gen = CollectionCheck.walGeneration(wal);
        int memtable = CollectionOptions.defaults().memtableDocs();
        if (floats == null) {
            floats = floatsFromLog(dir.resolve(wal), gen, enc.bits(), enc.dimension());
            actions.add("no segment tells whether floats are kept; the log says " + floats);
        }
        int next = parts.isEmpty() ? 1 : ((TreeMap<Integer, Set<String>>) parts).lastKey() + 1;
        // the format follows the files: a refit's encoder file is format 3, a quantiser alone format 2
        String encoderFile = check.encoderFile;
        int format = encoderFile != null ? Manifest.FORMAT_REFIT : coarse != null ? Manifest.FORMAT_PARTITIONED : Manifest.FORMAT;
        if (encoderFile != null) {
            actions.add("the segments were written with the refitted encoder " + encoderFile);
        }
        if (coarse != null) {
            actions.add("partitioned: " + coarse.cells() + " cells (coarse.bsq)");
        }
        actions.add("automatic refit is off in the rebuilt manifest (the lost one held the setting)");
        if (coarse != null) {
            actions.add("the measured default nprobe is gone with the lost manifest (run bitsieve calibrate, or searches use 3/16 of the cells)");
        }
        return new Manifest(format, gen, wal, next, enc.bits(), enc.dimension(), EncoderFiles.fingerprint(enc), enc.kind(),
                floats.name(), memtable, entries, coarse == null ? 0 : coarse.cells(), coarse == null ? 0L : coarse.fingerprint(),
                encoderFile, 0, 0, null);
    }

    /** The float format under which every intact record of the log decodes (NONE for an empty log). */
    private static FloatFormat floatsFromLog(Path wal, long gen, int bits, int dim) throws IOException {
        WalScan.Result r;
        try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.READ)) {
            r = WalScan.scan(wal, ch, Wal.readVersion(wal, ch, gen));
        }
        outer:
        for (FloatFormat f : new FloatFormat[] {FloatFormat.NONE, FloatFormat.F16, FloatFormat.F32}) {
            for (WalScan.Record rec : r.records()) {
                try {
                    Wal.decode(java.nio.ByteBuffer.wrap(rec.ops()).order(java.nio.ByteOrder.LITTLE_ENDIAN), bits, dim, f, wal, rec.offset());
                } catch (CorruptCollectionException e) {
                    continue outer;
                }
            }
            return f;
        }
        throw unsafe(wal, "its records decode under no float format");
    }

    private static CorruptCollectionException unsafe(Path p, String why) {
        return new CorruptCollectionException(p, "cannot be rebuilt safely: " + why + "; the files are left as they are");
    }
}
