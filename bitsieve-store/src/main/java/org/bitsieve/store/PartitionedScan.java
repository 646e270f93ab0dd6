package org.bitsieve.store;

import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.encode.QueryScorer;
import org.bitsieve.core.search.FloatHeap;
import org.bitsieve.core.search.QuantizedLut;
import org.bitsieve.core.search.TopK;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;

/**
 * The partitioned (IVF) scan of one query: the {@code nprobe} coarse cells nearest the query, as row ranges in
 * every sorted segment, plus every row of parts without cells (the memtable). The ranges are scanned in snapshot
 * order with the same loops as the exact scan ({@link Scan}), so within the rows read, scores and ties are
 * exactly the exact scan's; with nprobe = cells every row is read and the result equals the exact scan.
 */
final class PartitionedScan {
    /** Rows {@code [from, to)} of view {@code view}. */
    private record Piece(int view, int from, int to) {}

    private PartitionedScan() {}

    static TopK scan(Snapshot snap, SearchRequest r, int nprobe) {
        Snapshot.Shared sh = snap.shared;
        CoarseQuantizer q = sh.coarse();
        int[] cells = q.probe(r.vector(), nprobe);
        Arrays.sort(cells); // ascending cells give ascending rows in a sorted segment
        List<View> views = snap.views();
        List<Piece> pieces = new ArrayList<>();
        long total = 0;
        for (int vi = 0; vi < views.size(); vi++) {
            View v = views.get(vi);
            int[] off = v.part().cellOffsets();
            if (off == null) {
                if (v.rows() > 0) {
                    pieces.add(new Piece(vi, 0, v.rows()));
                    total += v.rows();
                }
                continue;
            }
            for (int c : cells) {
                int a = off[c];
                int b = Math.min(off[c + 1], v.rows());
                if (a < b) {
                    // adjacent cells make one range: fewer, longer scans
                    Piece last = pieces.isEmpty() ? null : pieces.get(pieces.size() - 1);
                    if (last != null && last.view == vi && last.to == a) {
                        pieces.set(pieces.size() - 1, new Piece(vi, last.from, b));
                    } else {
                        pieces.add(new Piece(vi, a, b));
                    }
                    total += b - a;
                }
            }
        }
        if (total == 0) {
            return new TopK(new int[0], new float[0]);
        }
        long[] code = null;
        QueryScorer scorer = null;
        QuantizedLut lut = null;
        if (r.mode() == SearchMode.HAMMING) {
            code = sh.encoder().encode(r.vector());
        } else {
            scorer = sh.encoder().scorer(r.vector());
            lut = QuantizedLut.of(scorer);
        }
        int threads = r.threads() > 0 ? r.threads() : sh.threads();
        int tasks = (int) Math.max(1, Math.min(threads, total / Snapshot.MIN_ROWS_PER_TASK));
        List<List<Piece>> split = split(pieces, total, tasks);
        long[] fc = code;
        QueryScorer fs = scorer;
        QuantizedLut fl = lut;
        List<Future<FloatHeap>> futures = new ArrayList<>();
        for (int t = 1; t < split.size(); t++) {
            List<Piece> mine = split.get(t);
            futures.add(sh.pool().submit(() -> scanPieces(snap, mine, r, fc, fs, fl)));
        }
        FloatHeap merged = scanPieces(snap, split.get(0), r, fc, fs, fl);
        Snapshot.joinAll(futures, merged::addAll);
        return merged.toTopK();
    }

    /** Cuts the pieces (in order) into {@code tasks} runs of about equal row counts. */
    private static List<List<Piece>> split(List<Piece> pieces, long total, int tasks) {
        List<List<Piece>> out = new ArrayList<>();
        if (tasks == 1) {
            out.add(pieces);
            return out;
        }
        long per = (total + tasks - 1) / tasks;
        List<Piece> cur = new ArrayList<>();
        long have = 0;
        for (Piece p : pieces) {
            int from = p.from;
            while (from < p.to) {
                int take = (int) Math.min(p.to - from, per - have);
                cur.add(new Piece(p.view, from, from + take));
                from += take;
                have += take;
                if (have == per) {
                    out.add(cur);
                    cur = new ArrayList<>();
                    have = 0;
                }
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    private static FloatHeap scanPieces(Snapshot snap, List<Piece> pieces, SearchRequest r, long[] code, QueryScorer scorer, QuantizedLut lut) {
        FloatHeap heap = new FloatHeap((int) Math.min(Integer.MAX_VALUE - 8, (long) r.k() * r.oversample()));
        Scan.Query[] qs = {new Scan.Query(code, lut, r.filterValue(), heap)};
        int current = -1;
        for (Piece p : pieces) {
            View v = snap.views().get(p.view);
            if (p.view != current) {
                current = p.view;
                qs[0].column = r.filterField() == null ? null : v.part().column(r.filterField(), v.rows());
                qs[0].where = r.where() == null ? null : Snapshot.rowFilter(r.where(), v);
                qs[0].invNorms = scorer != null && scorer.normalized() ? v.part().inverseNorms(snap.shared.encoder(), v.rows()) : null;
            }
            Scan.range(v, p.from, p.to, qs);
        }
        return heap;
    }
}
