package org.bitsieve.store;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The flush of a {@link Collection}: writes the memtable as a new segment (its live rows sorted by coarse cell in a
 * partitioned collection) and pending deletions as deletion files, starts a new log, and commits all of it with one
 * atomic manifest replacement; then the new segment replaces the memtable in memory. A crash before the manifest
 * leaves the old state (the log still holds the rows); the files it wrote are unreferenced and removed at the next
 * open. Callers hold the collection's monitor.
 */
final class MemtableFlush {
    private final CollectionState st;

    MemtableFlush(CollectionState st) { this.st = st; }

    /** Does nothing when the memtable is empty and no deletion is pending. */
    void flush() throws IOException {
        if (st.mem.size() == 0 && st.dirtyDeletes.isEmpty()) {
            return;
        }
        long gen = st.manifest.generation() + 1;
        boolean newSegment = st.mem.size() > 0;
        // a partitioned collection writes the memtable's live rows sorted by cell (deleted rows are dropped, so the
        // new segment needs no deletion set); `sorted` maps the segment's rows to memtable rows
        Cells.Order sorted = st.coarse != null && newSegment ? Partitioning.liveByCell(st.mem, st.deleted.get(st.mem.number), st.coarse.cells()) : null;
        // everything up to the manifest's replacement can fail without changing the collection: its files are removed
        // again and the memtable, log and manifest stay as they were (a full disk must not make the collection unwritable)
        Wal next = null;
        Manifest m;
        try {
            if (newSegment) {
                int[] rows = sorted != null ? sorted.perm() : new int[st.mem.size()];
                Part[] parts = new Part[rows.length];
                for (int r = 0; r < rows.length; r++) {
                    if (sorted == null) {
                        rows[r] = r;
                    }
                    parts[r] = st.mem;
                }
                SegmentWriter.write(st.dir, st.mem.number, new SegmentWriter.Rows(parts, rows), st.bits, st.manifest.encoderFingerprint(), st.dim, st.floats,
                        sorted == null ? null : sorted.offsets(), st.manifest.coarseFingerprint());
            }
            int segRows = sorted != null ? sorted.perm().length : st.mem.size();
            Map<Integer, long[]> changed = new HashMap<>();
            for (int part : st.dirtyDeletes) {
                // the memtable's set goes with an unsorted new segment only: one written sorted drops its deleted rows
                if (part != st.mem.number || (newSegment && sorted == null)) {
                    changed.put(part, st.deleted.get(part));
                }
            }
            Map<Integer, String> delFiles = st.writeDeletions(changed, gen);
            next = Wal.create(st.dir, gen);
            List<Manifest.SegmentEntry> entries = st.segmentEntries(delFiles, Map.of());
            if (newSegment) {
                entries.add(sorted != null ? new Manifest.SegmentEntry(st.mem.number, segRows, null, 0)
                        : new Manifest.SegmentEntry(st.mem.number, st.mem.size(), delFiles.get(st.mem.number), Deletions.cardinality(st.deleted.get(st.mem.number))));
            }
            m = st.manifest.next(SegmentFiles.wal(gen), newSegment ? st.mem.number + 1 : st.manifest.nextSegment(), entries);
            m.write(st.dir);
        } catch (IOException e) {
            throw st.undoUncommitted(e, next);
        } catch (RuntimeException e) {
            if (next != null) {
                next.close();
            }
            throw e;
        }
        // committed: the new manifest names the new segment and the empty log
        Wal old = st.wal;
        st.wal = next;
        st.manifest = m;
        old.close();
        st.dirtyDeletes.clear();
        if (newSegment) {
            Segment s;
            if (sorted == null) {
                s = Segment.open(st.dir, st.mem.number, st.mem.size(), st.bits, st.manifest.encoderFingerprint(), st.dim, st.floats, false,
                        java.util.Arrays.copyOf(st.mem.words(), st.mem.size() * (st.stride / 8)), null);
                s.setInverseNorms(st.mem.inverseNorms(st.encoder, st.mem.size()));
            } else {
                s = Partitioning.openFlushed(st.dir, st.mem, sorted, st.bits, st.manifest.encoderFingerprint(), st.dim, st.floats, st.encoder);
            }
            st.lock.writeLock().lock();
            try {
                long[] d = st.deleted.remove(st.mem.number);
                if (d != null && sorted == null) {
                    st.deleted.put(st.mem.number, java.util.Arrays.copyOf(d, (st.mem.size() + 63) >>> 6));
                }
                st.segments.add(s);
                st.memIds.clear(); // the new segment's hash table answers for these ids now
                st.mem = st.newMemTable(m.nextSegment());
                st.publish();
            } finally {
                st.lock.writeLock().unlock();
            }
        }
        st.removeUnreferenced();
    }
}
