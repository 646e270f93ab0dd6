package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites every live row of a {@link Collection} into fresh segments (without the deleted rows, sorted by coarse
 * cell in a partitioned collection) and replaces the manifest in one step: compaction, and the switch of a refit,
 * which re-encodes the rows from their stored floats with the new encoder ({@link CollectionRefit.Recoded}) and
 * names it in the same manifest. A crash before the manifest leaves the old state (the new files are unreferenced
 * and removed at the next open). The memtable must be flushed first; callers hold the collection's monitor.
 */
final class SegmentRewrite {
    private final CollectionState st;

    SegmentRewrite(CollectionState st) { this.st = st; }

    /**
     * Rewrites the live rows (with {@code next}: re-encoded by it, which becomes the collection's encoder) and drops
     * the old segments. Snapshots taken before keep working (their files stay readable until they are no longer
     * referenced).
     */
    void rewrite(Encoder next) throws IOException {
        int maxDocs = Math.min(1 << 24, (1 << 30) / st.stride);
        List<Part> sources = next == null ? new ArrayList<>(st.segments) : CollectionRefit.Recoded.of(st.segments, next);
        long fp = next == null ? st.manifest.encoderFingerprint() : EncoderFiles.fingerprint(next);
        List<Part> parts = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < st.segments.size(); i++) {
            Segment s = st.segments.get(i);
            long[] d = st.deleted.get(s.number);
            for (int r = 0; r < s.count(); r++) {
                if (!Deletions.isSet(d, r)) {
                    parts.add(sources.get(i));
                    rows.add(r);
                }
            }
        }
        if (st.coarse != null) {
            Partitioning.sortByCell(parts, rows, st.coarse.cells());
        }
        int number = st.manifest.nextSegment();
        List<Manifest.SegmentEntry> entries = new ArrayList<>();
        Map<Integer, int[]> offsets = new HashMap<>();
        Manifest m;
        // until the manifest is replaced nothing has changed: a failure (a full disk) removes the new files again and
        // leaves the collection as it was, writable
        try {
            for (int from = 0; from < rows.size(); from += maxDocs) {
                int to = Math.min(rows.size(), from + maxDocs);
                Part[] pa = parts.subList(from, to).toArray(new Part[0]);
                int[] ra = rows.subList(from, to).stream().mapToInt(Integer::intValue).toArray();
                int[] off = st.coarse == null ? null : Partitioning.offsets(pa, ra, st.coarse.cells());
                SegmentWriter.write(st.dir, number, new SegmentWriter.Rows(pa, ra), st.bits, fp, st.dim, st.floats, off, st.manifest.coarseFingerprint());
                entries.add(new Manifest.SegmentEntry(number, ra.length, null, 0));
                offsets.put(number, off);
                number++;
            }
            m = st.manifest.next(st.manifest.wal(), number, entries);
            if (next != null) {
                String file = Manifest.encoderFileName(fp);
                EncoderFiles.save(next, st.dir.resolve(file));
                m = m.withEncoder(fp, next.kind(), file);
            }
            m.write(st.dir);
        } catch (IOException e) {
            throw st.undoUncommitted(e, null);
        }
        st.manifest = m;
        List<Segment> fresh = new ArrayList<>();
        for (Manifest.SegmentEntry e : entries) {
            Segment s = Segment.open(st.dir, e.number(), e.docs(), st.bits, m.encoderFingerprint(), st.dim, st.floats, false, null, null);
            s.setCellOffsets(offsets.get(e.number()));
            fresh.add(s);
        }
        st.lock.writeLock().lock();
        try {
            if (next != null) {
                st.useEncoder(next);
            }
            // old segments are not closed: snapshots taken before may still read them; the OS keeps an
            // unlinked file readable while it is open, and the channels close when collected
            st.segments.clear();
            st.segments.addAll(fresh);
            st.deleted.clear();
            st.memIds.clear();
            st.mem = st.newMemTable(m.nextSegment());
            st.publish();
        } finally {
            st.lock.writeLock().unlock();
        }
        st.removeUnreferenced();
    }
}
