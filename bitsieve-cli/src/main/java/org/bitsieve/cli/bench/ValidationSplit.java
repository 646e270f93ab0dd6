package org.bitsieve.cli.bench;

import java.util.Arrays;

/**
 * The validation protocol's split of a train split (docs/general-encoders.md, "Selection protocol"): a Fisher-Yates
 * shuffle with the fixed seed {@link #SEED}; the first {@link #QUERY_SHARE} of the rows are the queries, the rest the
 * database. The seed and the share are part of the protocol, fixed before any candidate was measured, and not options:
 * a decision made on one split must not be re-made on another until it looks better.
 */
record ValidationSplit(int[] queries, int[] database) {
    static final long SEED = 25; // issue 25
    static final double QUERY_SHARE = 0.2;

    static ValidationSplit of(int n) {
        if (n < 10) {
            throw new IllegalArgumentException("a validation split needs at least 10 rows, got " + n);
        }
        int[] p = BenchData.permutation(n, SEED);
        int q = (int) Math.round(n * QUERY_SHARE);
        int[] qs = Arrays.copyOfRange(p, 0, q);
        int[] db = Arrays.copyOfRange(p, q, n);
        Arrays.sort(qs); // file order inside each part; the Evaluator shuffles the database itself
        Arrays.sort(db);
        return new ValidationSplit(qs, db);
    }

    /** {@code rows[i]} for each i of {@code part}: the split applied to a subset of a file's rows. */
    int[] select(int[] part, int[] rows) {
        int[] out = new int[part.length];
        for (int i = 0; i < part.length; i++) {
            out[i] = rows[part[i]];
        }
        return out;
    }

    String describe() {
        return String.format(java.util.Locale.ROOT, "validation: %d held-out queries (%.0f%%, shuffle seed %d) against a database of the other %d rows",
                queries.length, QUERY_SHARE * 100, SEED, database.length);
    }
}
