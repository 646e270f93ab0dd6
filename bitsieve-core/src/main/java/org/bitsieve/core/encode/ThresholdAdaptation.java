package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;

/**
 * A shipped general encoder fitted to one collection where it cuts (docs/general-encoders.md, "Adapted thresholds"):
 * its planes kept, each threshold at the median over the collection's documents, and for witq the decoder refitted
 * ({@link WitqEncoder#adaptedTo}); itq and the other plane encoders take the thresholds alone
 * ({@link PlaneEncoder#withMedianThresholds}). Used by {@code bitsieve index} for a new collection and by collections
 * that grow in a long-running host.
 */
public final class ThresholdAdaptation {
    /** Fewest documents adapted to: below this a median per plane is too noisy to beat the shipped threshold. */
    public static final int MIN_ROWS = 1_000;
    /** Rows the thresholds and decoder are fitted on (a seeded uniform sample beyond it): 1.4 s on 2 cores. */
    public static final int SAMPLE = 20_000;

    private ThresholdAdaptation() {}

    /** Whether {@link #adapt} applies: a witq encoder without factor bits, or a plane encoder. */
    public static boolean adaptable(Encoder e) {
        return e instanceof WitqEncoder w ? w.factorBits() == 0 : e instanceof PlaneEncoder;
    }

    /** The vectors {@code e} was adapted to (its parameters say so: "20000 vectors"), or 0 when it was not adapted. */
    public static int adaptedRows(Encoder e) {
        String v = e.params().get("adaptedTo");
        if (v == null) {
            return 0;
        }
        try {
            return Math.max(1, Integer.parseInt(v.trim().split(" ")[0]));
        } catch (NumberFormatException unreadable) {
            return 1; // adapted, to an unknown count: counts as adapted
        }
    }

    /** {@code e} adapted to {@code sample} (at most {@link #SAMPLE} rows of the collection); see {@link #adaptable}. */
    public static Encoder adapt(Encoder e, FloatMatrix sample) {
        if (e instanceof WitqEncoder w && w.factorBits() == 0) {
            return w.adaptedTo(sample);
        }
        if (e instanceof PlaneEncoder p) {
            return p.withMedianThresholds(sample);
        }
        throw new IllegalArgumentException("only witq (without factor bits) and plane encoders adapt their thresholds, not " + e.describe());
    }
}
