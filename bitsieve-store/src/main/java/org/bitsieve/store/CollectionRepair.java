package org.bitsieve.store;

import org.bitsieve.core.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Salvages everything intact from a damaged collection and moves what it discards into
 * {@code quarantine/repair-<time>/} with a REPORT.txt; it never deletes a byte. In order:
 * <ol>
 *   <li>a missing or unreadable MANIFEST is rebuilt from the files when that is unambiguous (exactly one log, one
 *       deletion set per segment, no id live twice), otherwise repair stops and says why;</li>
 *   <li>a segment whose codes or ids are damaged is dropped whole (its ids are reported when readable); one whose
 *       payloads or vectors have damaged blocks is rewritten without the rows those blocks hold (ids reported);
 *       a damaged deletion set is dropped, so rows it deleted come back unless a later write replaced them
 *       (reported);</li>
 *   <li>the log is rewritten from its intact records, in order, repeats dropped, sequences renumbered;</li>
 *   <li>a new manifest commits all of that at once; then the replaced files move to the quarantine folder.</li>
 * </ol>
 */
final class CollectionRepair {

    private final Path dir;
    private final List<String> actions = new ArrayList<>();
    private final List<String> lost = new ArrayList<>();
    private final List<Path> discard = new ArrayList<>();
    private long lostUnknown;
    private Path quarantine;

    private CollectionRepair(Path dir) { this.dir = dir; }

    static RepairReport repair(Path dir) throws IOException {
        CollectionRepair r = new CollectionRepair(dir);
        try (java.io.Closeable l = CollectionCheck.lock(dir)) {
            r.run();
        }
        int docs;
        try (Collection c = Collection.open(dir)) {
            docs = c.count();
        } catch (IOException | RuntimeException e) {
            r.actions.add("the collection still does not open: " + e.getMessage());
            if (r.quarantine != null) {
                r.writeReport(-1);
            }
            throw e;
        }
        r.actions.add("the collection opens: " + docs + " documents");
        if (r.quarantine != null) {
            r.writeReport(docs);
        }
        return new RepairReport(dir, List.copyOf(r.actions), List.copyOf(r.lost), r.lostUnknown, r.quarantine, docs);
    }

    private void run() throws IOException {
        CollectionCheck check = CollectionCheck.run(dir);
        if (check.healthy()) {
            actions.add("nothing to repair: every file verified");
            return;
        }
        // refusals first: a repair that cannot proceed changes nothing (not even a quarantine folder)
        if (check.encoder == null) {
            throw new CorruptCollectionException(dir.resolve(check.manifest != null && check.manifest.encoderFile() != null
                    ? check.manifest.encoderFile() : SegmentFiles.ENCODER), "cannot be repaired: without the encoder the codes cannot be "
                    + "searched; restore the encoder file (encoder.bse, encoder.ref or a refit's encoder-<fingerprint>.bse) from a backup "
                    + "(its fingerprint is in the MANIFEST and in every segment's codes header)" + problemsOf(check, "encoder"));
        }
        boolean partitioned = check.manifest != null ? check.manifest.partitioned() : Cells.hasQuantizer(dir) || hasCellsParts();
        if (partitioned && check.coarse == null) {
            throw new CorruptCollectionException(dir.resolve(Cells.QUANTIZER), "cannot be repaired: the coarse quantiser is missing, damaged "
                    + "or not the manifest's, and every segment's rows are sorted by its cells; restore coarse.bsq from a backup (its "
                    + "fingerprint is in the MANIFEST)");
        }
        if (check.manifest != null && partitioned && check.manifest.floatFormat() == FloatFormat.NONE) {
            for (CollectionCheck.Seg s : check.segments) {
                if (!s.cellsOk && s.ids != null) {
                    throw new CorruptCollectionException(Cells.path(dir, s.entry.number()), "cannot be repaired: the cells part is damaged "
                            + "and the collection keeps no floats to assign its rows' cells again; restore it from a backup");
                }
            }
        }
        quarantine = dir.resolve(WalRecovery.QUARANTINE).resolve("repair-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        for (int i = 1; Files.exists(quarantine); i++) {
            quarantine = quarantine.resolveSibling(quarantine.getFileName() + "-" + i);
        }
        Files.createDirectories(quarantine);
        for (CollectionCheck.Problem p : check.problems) {
            actions.add("found: " + p);
        }
        if (check.manifest == null) {
            Path old = dir.resolve(SegmentFiles.MANIFEST);
            Manifest m = ManifestRebuild.rebuild(dir, check, actions);
            if (Files.exists(old)) {
                Files.copy(old, quarantine.resolve(SegmentFiles.MANIFEST), StandardCopyOption.COPY_ATTRIBUTES);
            }
            m.write(dir);
            actions.add("rebuilt MANIFEST from the files: " + m.segments().size() + " segment(s), log " + m.wal());
            check = CollectionCheck.run(dir);
            for (CollectionCheck.Problem p : check.problems) {
                actions.add("found: " + p);
            }
            if (check.manifest == null) {
                throw new CorruptCollectionException(old, "the rebuilt manifest does not verify");
            }
        }
        salvage(check);
    }

    /** Whether any segment has a cells part (without a manifest, the sign of a partitioned collection besides coarse.bsq). */
    private boolean hasCellsParts() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().matches("seg-\\d{6,9}\\.cells"));
        }
    }

    /** The problems found with files whose name contains {@code what}, for a refusal's message. */
    private static String problemsOf(CollectionCheck check, String what) {
        List<String> l = check.problems.stream().filter(p -> p.file().getFileName().toString().contains(what)).map(Object::toString).toList();
        return l.isEmpty() ? "" : " (" + String.join("; ", l) + ")";
    }

    private void salvage(CollectionCheck check) throws IOException {
        Manifest m = check.manifest;
        int next = m.nextSegment();
        boolean changed = false;
        List<Manifest.SegmentEntry> entries = new ArrayList<>();
        for (int i = 0; i < check.segments.size(); i++) {
            CollectionCheck.Seg s = check.segments.get(i);
            if (s.intact()) {
                entries.add(s.entry);
                continue;
            }
            changed = true;
            discardSegment(s.entry);
            int kept = rewrite(check, i, next);
            if (kept > 0) {
                entries.add(new Manifest.SegmentEntry(next, kept, null, 0));
                actions.add("segment " + s.entry.number() + ": " + kept + " intact live documents rewritten as segment " + next);
                next++;
            }
        }
        String walName = m.wal();
        boolean walBad = check.wal == null || !check.wal.damage().isEmpty() || WalRecovery.sequenceProblem(check.wal.records()) != null
                || check.walBatches.contains(null) || check.problems.stream().anyMatch(p -> p.file().getFileName().toString().equals(m.wal()));
        if (walBad) {
            changed = true;
            walName = SegmentFiles.wal(m.generation() + 1);
            rewriteWal(check, dir.resolve(walName));
            if (Files.exists(dir.resolve(m.wal()))) {
                discard.add(dir.resolve(m.wal()));
            }
        }
        if (!changed) {
            return;
        }
        // copies first, durably: a crash after the commit would let open delete the unreferenced originals
        for (Path p : discard) {
            try (FileChannel in = FileChannel.open(p, StandardOpenOption.READ)) {
                WalRecovery.copyInto(quarantine, in, p, 0, in.size(), "");
            }
        }
        Manifest fresh = m.next(walName, next, entries);
        fresh.write(dir); // the commit point: before it the damaged state stands, after it the salvaged one
        for (Path p : discard) {
            Files.delete(p);
            actions.add("moved " + p.getFileName() + " to " + dir.relativize(quarantine));
        }
        AtomicFiles.fsyncDirectory(dir);
    }

    private void discardSegment(Manifest.SegmentEntry e) {
        for (Path p : List.of(SegmentFiles.codes(dir, e.number()), SegmentFiles.ids(dir, e.number()), SegmentFiles.idHashes(dir, e.number()),
                SegmentFiles.payloads(dir, e.number()),
                SegmentFiles.vectors(dir, e.number()), Cells.path(dir, e.number()))) {
            if (Files.exists(p)) {
                discard.add(p);
            }
        }
        if (e.deletes() != null && Files.exists(dir.resolve(e.deletes()))) {
            discard.add(dir.resolve(e.deletes()));
        }
    }

    /** Writes the intact live rows of segment {@code i} as segment {@code number}; returns how many. */
    private int rewrite(CollectionCheck check, int i, int number) throws IOException {
        CollectionCheck.Seg s = check.segments.get(i);
        Manifest m = check.manifest;
        int n = s.entry.docs();
        if (s.ids == null) {
            lostUnknown += n - s.entry.deleted();
            actions.add("segment " + s.entry.number() + ": ids unreadable; its " + (n - s.entry.deleted()) + " live documents are lost");
            return 0;
        }
        Set<String> later = s.deletesOk ? Set.of() : laterIds(check, i);
        List<Integer> live = new ArrayList<>();
        int unnamed = 0;
        for (int r = 0; r < n; r++) {
            if (s.ids[r] == null) {
                // in a damaged chunk of the ids file: the document cannot be named, only counted
                if (!s.deletesOk || !Deletions.isSet(s.deletes, r)) {
                    unnamed++;
                }
            } else if (s.deletesOk ? !Deletions.isSet(s.deletes, r) : !later.contains(s.ids[r])) {
                live.add(r);
            }
        }
        if (unnamed > 0) {
            lostUnknown += unnamed;
            actions.add("segment " + s.entry.number() + ": " + unnamed + " documents in damaged chunks of the ids file are lost (ids unreadable)");
        }
        if (!s.deletesOk) {
            actions.add("segment " + s.entry.number() + ": deletion set damaged; rows not replaced by a later write are kept (up to "
                    + s.entry.deleted() + " deleted documents may be back)");
        }
        boolean wholeFile = !s.codesOk || !s.payloadsOk || !s.vectorsOk || s.badCodeBlocks.contains(-1L) || s.badPayloadBlocks.contains(-1L)
                || s.badVectorBlocks.contains(-1L);
        if (wholeFile) {
            for (int r : live) {
                lost.add(s.ids[r]);
            }
            actions.add("segment " + s.entry.number() + ": damage cannot be narrowed to rows; its " + live.size() + " live documents are lost");
            return 0;
        }
        List<Part> parts = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        List<Integer> cellOf = new ArrayList<>();
        FloatFormat floats = m.floatFormat();
        // a partitioned collection's kept rows keep their cells (from the intact cells part) or, when that part is
        // damaged, get them again from their stored floats (f16-rounded: a near-tie may now go to the other cell,
        // which is harmless, since the new cells part records whatever is assigned now)
        boolean reassign = m.partitioned() && s.cellOffsets == null;
        try (Segment seg = Segment.open(dir, s.entry.number(), n, m.bits(), m.encoderFingerprint(), m.dim(), floats, false, null, s.ids)) {
            if (m.partitioned() && !reassign) {
                seg.setCellOffsets(s.cellOffsets);
            }
            float[] v = new float[m.dim()];
            int stride = PackedCodesStride.of(m.bits());
            for (int r : live) {
                if (inBadBlock(s.badCodeBlocks, (long) r * stride, (long) (r + 1) * stride)) {
                    lost.add(s.ids[r]);
                    continue;
                }
                try {
                    seg.textBytes(r);
                    seg.metaBytes(r);
                    if (seg.hasVectors()) {
                        seg.vector(r, v);
                    }
                    if (m.partitioned()) {
                        cellOf.add(reassign ? check.coarse.assign(v) : seg.cell(r));
                    }
                    parts.add(seg);
                    rows.add(r);
                } catch (UncheckedIOException e) {
                    lost.add(s.ids[r]);
                }
            }
            if (!rows.isEmpty()) {
                Part[] pa = parts.toArray(new Part[0]);
                int[] ra = rows.stream().mapToInt(Integer::intValue).toArray();
                int[] offsets = null;
                if (m.partitioned()) { // stably by cell, as a flush writes them (already so unless cells were re-assigned)
                    Cells.Order o = Cells.order(cellOf.stream().mapToInt(Integer::intValue).toArray(), m.cells());
                    int[] r2 = new int[ra.length];
                    for (int k = 0; k < r2.length; k++) {
                        r2[k] = ra[o.perm()[k]];
                    }
                    ra = r2;
                    offsets = o.offsets();
                    if (reassign) {
                        actions.add("segment " + s.entry.number() + ": cells part damaged; the cells of its rows were assigned again from "
                                + "their stored floats by the collection's quantiser");
                    }
                }
                SegmentWriter.write(dir, number, new SegmentWriter.Rows(pa, ra), m.bits(), m.encoderFingerprint(), m.dim(), floats, offsets,
                        m.coarseFingerprint());
            }
        }
        if (live.size() > rows.size()) {
            actions.add("segment " + s.entry.number() + ": " + (live.size() - rows.size()) + " documents in damaged blocks are lost");
        }
        return rows.size();
    }

    /** Whether body bytes [from, to) touch one of the damaged blocks. */
    private static boolean inBadBlock(List<Long> bad, long from, long to) {
        for (long b : bad) {
            if (from < (b + 1) * BlockFile.BLOCK && to > b * BlockFile.BLOCK) {
                return true;
            }
        }
        return false;
    }

    /** Ids written after segment {@code i}: later segments and the log (a later write replaces or deletes them). */
    private static Set<String> laterIds(CollectionCheck check, int i) {
        Set<String> ids = new HashSet<>();
        for (int j = i + 1; j < check.segments.size(); j++) {
            if (check.segments.get(j).ids != null) {
                for (String id : check.segments.get(j).ids) {
                    if (id != null) {
                        ids.add(id);
                    }
                }
            }
        }
        for (List<Prepared> b : check.walBatches) {
            if (b != null) {
                b.forEach(p -> ids.add(p.id()));
            }
        }
        return ids;
    }

    /** A fresh version-2 log of the intact records, in file order, repeats dropped, renumbered 1, 2, 3... */
    private void rewriteWal(CollectionCheck check, Path out) throws IOException {
        long gen = CollectionCheck.walGeneration(out.getFileName().toString());
        List<byte[]> recs = new ArrayList<>();
        int dropped = 0;
        if (check.wal != null) {
            long last = 0;
            TreeMap<Long, Long> gaps = new TreeMap<>();
            for (int k = 0; k < check.wal.records().size(); k++) {
                WalScan.Record r = check.wal.records().get(k);
                if (r.seq() <= last || check.walBatches.get(k) == null) {
                    dropped++;
                    continue;
                }
                if (r.seq() != last + 1) {
                    gaps.put(last + 1, r.seq() - 1);
                }
                last = r.seq();
                recs.add(Wal.record(Wal.VERSION, recs.size() + 1, r.ops()));
            }
            long bad = check.wal.damage().stream().mapToLong(d -> d.end() - d.offset()).sum();
            actions.add("log " + check.wal.path().getFileName() + ": " + recs.size() + " intact records kept, " + dropped
                    + " repeated or malformed dropped, " + bad + " damaged bytes discarded" + (gaps.isEmpty() ? "" : "; batches missing: "
                    + gaps.entrySet().stream().map(e -> e.getKey().equals(e.getValue()) ? "#" + e.getKey() : "#" + e.getKey() + "-#" + e.getValue()).toList()));
        } else {
            actions.add("log missing: the batches acknowledged since the last flush are lost; a new empty log is started");
        }
        AtomicFiles.write(out, o -> {
            o.write(Wal.header(Wal.VERSION, gen));
            for (byte[] r : recs) {
                o.write(r);
            }
        });
    }

    private void writeReport(int docs) throws IOException {
        StringBuilder b = new StringBuilder("bitsieve repair of " + dir + " at " + LocalDateTime.now() + "\n\n");
        actions.forEach(a -> b.append(a).append('\n'));
        b.append("\ndocuments lost (").append(lost.size()).append(lost.size() > 0 ? "):\n" : ")\n");
        lost.forEach(id -> b.append(id).append('\n'));
        if (lostUnknown > 0) {
            b.append(lostUnknown).append(" more documents lost whose ids were unreadable\n");
        }
        b.append("\nthe collection now holds ").append(docs).append(" documents\n");
        AtomicFiles.write(quarantine.resolve("REPORT.txt"), o -> o.write(b.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
