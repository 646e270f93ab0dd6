package org.bitsieve.store;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A partitioned collection's default nprobe, measured on its own documents: the smallest nprobe of a fixed ladder
 * (1, 2, 3, 4, 6, 8, 12, 16, 24, ...) at which the partitioned scan finds at least {@code target} of the exact scan's
 * top 10 (codes only, asymmetric; each sample document is a query, its own row left out), averaged over
 * {@code queries} sample documents. Measured when a bulk load or compaction leaves a partitioned collection past
 * {@link Partitioning#EXACT_BELOW} rows (again once it has doubled), or on request; kept in the manifest. Why per
 * collection: how many cells hold a query's neighbours depends on the data far more than on the size (real
 * sentences need about 6x the share of cells that generated vectors need; docs/scaling.md, "Default nprobe").
 *
 * @param nprobe  the default it sets
 * @param target  the recall it had to reach
 * @param recall  the recall it reached at {@code nprobe}
 * @param queries sample documents measured
 * @param rows    live documents when measured
 * @param curve   every ladder step measured, up to {@code nprobe}
 */
public record NprobeCalibration(int nprobe, double target, double recall, int queries, int rows, List<Point> curve) {
    /** Recall of the exact scan's top 10 at one nprobe. */
    public record Point(int nprobe, double recall) {}

    /** The recall the default must reach unless told otherwise: the 0.95 against the exact scan of the same codes. */
    public static final double DEFAULT_TARGET = 0.95;
    /** Sample documents measured unless told otherwise: ~2,000 neighbours, a standard error of about 0.005 at 0.95. */
    public static final int DEFAULT_QUERIES = 200;

    public NprobeCalibration {
        curve = List.copyOf(curve);
    }

    /** One line for people: the default, what it reached and the curve that chose it. */
    public String describe() {
        return String.format(Locale.ROOT, "default nprobe %d: recall@10 %.3f of the exact scan (target %.2f; %d sample documents as queries at %,d "
                + "documents); curve %s", nprobe, recall, target, queries, rows,
                curve.stream().map(p -> String.format(Locale.ROOT, "%d:%.3f", p.nprobe(), p.recall())).collect(Collectors.joining(" ")));
    }
}
