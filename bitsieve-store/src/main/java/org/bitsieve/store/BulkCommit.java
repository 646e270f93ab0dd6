package org.bitsieve.store;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The collection side of {@link Collection#bulkLoad}: flushes pending writes, then commits each batch that
 * {@link BulkLoad} validated and encoded as one segment plus the deletions it causes (ids already in the collection
 * are replaced), with one manifest replacement per batch; no log. A crash leaves the collection as of the last
 * committed batch. Callers hold the collection's monitor.
 */
final class BulkCommit {
    private final CollectionState st;
    private final MemtableFlush flusher;

    BulkCommit(CollectionState st, MemtableFlush flusher) {
        this.st = st;
        this.flusher = flusher;
    }

    /** See {@link Collection#bulkLoad}. */
    BulkResult load(BulkSource source, java.util.function.LongConsumer progress) throws IOException {
        long t0 = System.nanoTime();
        st.change(flusher::flush); // the log is empty from here on: bulk segments come after everything written before
        // batch k+1 is read and encoded while batch k is written (BulkLoad.pipeline); commits stay one at a time, in order
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            BulkLoad.Totals t = BulkLoad.pipeline(source, st.manifest.nextSegment(),
                    (b, n) -> BulkLoad.prepare(b, n, st.encoder, st.dim, st.floats, st.coarse), e -> {
                        try {
                            return commit(e);
                        } catch (IOException | RuntimeException ex) {
                            st.fail(ex);
                            throw ex;
                        }
                    }, progress, writer);
            return new BulkResult(t.docs(), t.replaced(), t.batches(), (System.nanoTime() - t0 - t.sourceNanos()) / 1e9);
        } finally {
            writer.shutdown();
        }
    }

    /**
     * Writes one encoded bulk batch as a segment (its live rows, by cell in a partitioned collection) plus the
     * deletions it causes, and commits them with one manifest.
     */
    private int commit(BulkLoad.Encoded e) throws IOException {
        int number = st.manifest.nextSegment();
        int n = e.live();
        long fp = st.manifest.encoderFingerprint();
        long gen = st.manifest.generation() + 1;
        Part[] pa = new Part[n];
        java.util.Arrays.fill(pa, e);
        SegmentWriter.write(st.dir, number, new SegmentWriter.Rows(pa, e.order), st.bits, fp, st.dim, st.floats, e.cellOffsets, st.manifest.coarseFingerprint());
        Map<Integer, long[]> touched = new HashMap<>();
        int removed = e.supersededCount;
        String[] live = new String[e.order.length]; // distinct: earlier rows of an id within the batch are already superseded
        for (int k = 0; k < live.length; k++) {
            live[k] = e.ids[e.order[k]];
        }
        Long[] earlier; // earlier copies only: the new segment is not among the segments yet
        try {
            earlier = st.locateAll(live, touched);
        } catch (java.io.UncheckedIOException x) {
            throw x.getCause(); // a damaged id block: this batch's segment is not committed
        }
        for (Long old : earlier) {
            if (old != null) {
                st.markDeleted(old, touched);
                removed++;
            }
        }
        List<Manifest.SegmentEntry> entries = st.segmentEntries(st.writeDeletions(touched, gen), touched);
        entries.add(new Manifest.SegmentEntry(number, n, null, 0));
        Manifest m = st.manifest.next(st.manifest.wal(), number + 1, entries);
        m.write(st.dir);
        // committed: from here on only memory changes
        st.manifest = m;
        // ids are found through the segment's own hash table (seg-N.idh), so no ids are handed over (lean bookkeeping)
        Segment s = Segment.open(st.dir, number, n, st.bits, fp, st.dim, st.floats, false, e.segmentWords(), null);
        if (e.cellOffsets != null) {
            s.setCellOffsets(e.cellOffsets);
        }
        st.lock.writeLock().lock();
        try {
            st.deleted.putAll(touched);
            st.segments.add(s);
            st.mem = st.newMemTable(m.nextSegment());
            st.sequence++;
            st.publish();
        } finally {
            st.lock.writeLock().unlock();
        }
        st.removeUnreferenced();
        return removed;
    }
}
