package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Measures a {@link NprobeCalibration} on one snapshot; never writes (the collection commits the result). */
final class NprobeCalibrator {
    private static final int K = 10;
    /** Queries per batched exact pass: each tile of codes is read once for all of them. */
    private static final int BATCH = 16;

    private NprobeCalibrator() {}

    /** Measured on {@code queries} stored documents drawn with a fixed seed (floats must be kept). */
    static NprobeCalibration onStored(CollectionState st, Snapshot snap, double target, int queries) {
        if (st.floats == FloatFormat.NONE) {
            throw new IllegalArgumentException("collection " + st.dir + " keeps no float vectors to draw calibration queries from: give sample "
                    + "vectors (bitsieve calibrate --vectors sample.npy), or let a bulk load calibrate it");
        }
        if (queries < 1) {
            throw new IllegalArgumentException("calibrating nprobe needs at least one query, got " + queries);
        }
        CollectionRefit.Sample s = CollectionRefit.sample(snap, queries, 42, true);
        return measure(snap, s.vectors(), s.ids(), target);
    }

    /** Whether a load or compaction should measure: partitioned, past exact-search size, never measured or since doubled. */
    static boolean due(CollectionState st, int live) {
        NprobeCalibration c = st.manifest.nprobeCalibration();
        return st.coarse != null && live >= Partitioning.EXACT_BELOW && (c == null || live >= 2L * c.rows());
    }

    /** A re-measurement keeps the target the last one was given. */
    static double target(CollectionState st) {
        NprobeCalibration c = st.manifest.nprobeCalibration();
        return c == null ? NprobeCalibration.DEFAULT_TARGET : c.target();
    }

    /** Keeps a measured default: one manifest update, then new snapshots use it. The caller holds the collection's monitor. */
    static void commit(CollectionState st, NprobeCalibration c) throws java.io.IOException {
        Manifest m = st.manifest.withCalibration(c).next(st.manifest.wal(), st.manifest.nextSegment(), st.manifest.segments());
        m.write(st.dir);
        st.lock.writeLock().lock();
        try {
            st.manifest = m;
            st.useCalibration();
            st.publish();
        } finally {
            st.lock.writeLock().unlock();
        }
    }

    /**
     * @param ids the queries' own ids when they are documents of the collection (each is left out of its own
     *            results), or null for outside queries
     */
    static NprobeCalibration measure(Snapshot snap, FloatMatrix queries, String[] ids, double target) {
        org.bitsieve.core.coarse.CoarseQuantizer q = snap.shared.coarse();
        if (q == null) {
            throw new IllegalArgumentException("the collection is not partitioned (no coarse quantiser): it has no nprobe to calibrate");
        }
        if (!(target > 0 && target <= 1)) {
            throw new IllegalArgumentException("the calibration's target recall must be in (0, 1], got " + target);
        }
        int nq = queries.rows();
        if (nq == 0) {
            throw new IllegalArgumentException("calibrating nprobe needs at least one sample vector, got none");
        }
        if (ids != null && ids.length != nq) {
            throw new IllegalArgumentException(ids.length + " ids for " + nq + " sample vectors");
        }
        if (snap.count() <= K) {
            throw new IllegalArgumentException("calibrating nprobe needs more than " + K + " documents; the collection has " + snap.count());
        }
        List<Set<String>> truth = top(snap, queries, ids, 0);
        int total = 0;
        for (Set<String> t : truth) {
            total += t.size();
        }
        List<NprobeCalibration.Point> curve = new ArrayList<>();
        for (int np : ladder(q.cells())) {
            List<Set<String>> got = top(snap, queries, ids, np);
            int found = 0;
            for (int i = 0; i < nq; i++) {
                for (String id : got.get(i)) {
                    if (truth.get(i).contains(id)) {
                        found++;
                    }
                }
            }
            double recall = total == 0 ? 1 : found / (double) total;
            curve.add(new NprobeCalibration.Point(np, recall));
            if (recall >= target) {
                return new NprobeCalibration(np, target, recall, nq, snap.count(), curve);
            }
        }
        throw new IllegalStateException("nprobe = all cells did not reach the exact scan's results"); // it scans every row: cannot happen
    }

    /** 1, 2, 3, 4, 6, 8, 12, 16, 24, ...: powers of two and the steps halfway between, then all cells. */
    static int[] ladder(int cells) {
        List<Integer> out = new ArrayList<>();
        for (int p = 1; p < cells; p *= 2) {
            out.add(p);
            if (p >= 2 && p + p / 2 < cells) {
                out.add(p + p / 2);
            }
        }
        out.add(cells);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Each query's top 10 ids at {@code nprobe}, its own id left out. */
    private static List<Set<String>> top(Snapshot snap, FloatMatrix queries, String[] ids, int nprobe) {
        List<Set<String>> out = new ArrayList<>(queries.rows());
        for (int from = 0; from < queries.rows(); from += BATCH) {
            List<SearchRequest> reqs = new ArrayList<>();
            for (int i = from; i < Math.min(queries.rows(), from + BATCH); i++) {
                reqs.add(SearchRequest.of(queries.row(i), K + 1).nprobe(nprobe));
            }
            List<List<Hit>> res = snap.searchBatch(reqs);
            for (int j = 0; j < res.size(); j++) {
                String self = ids == null ? null : ids[from + j];
                Set<String> s = new HashSet<>();
                for (Hit h : res.get(j)) {
                    if (s.size() < K && !h.id().equals(self)) {
                        s.add(h.id());
                    }
                }
                out.add(s);
            }
        }
        return out;
    }
}
