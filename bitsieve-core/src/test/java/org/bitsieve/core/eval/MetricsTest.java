package org.bitsieve.core.eval;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsTest {
    @Test
    void spearmanMatchesScipyWithTies() {
        // expected values from scipy.stats.spearmanr on the same inputs
        assertEquals(0.8207826816681233, Metrics.spearman(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7}), 1e-12);
        assertEquals(0.835914007637145, Metrics.spearman(new double[] {0.1, 0.4, 0.4, 0.9, -2, 3},
                new double[] {1, 1, 2, 3, 0, 2}), 1e-12);
        assertEquals(-1.0, Metrics.spearman(new double[] {1, 2, 3}, new double[] {30, 20, 10}), 1e-12);
    }

    @Test
    void spearmanRefusesMismatchedInput() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.spearman(new double[] {1, 2}, new double[] {1}));
    }

    @Test
    void pairedStandardErrorByHand() {
        // differences 0, -1, 1, 0: mean 0, sample variance 2/3, standard error sqrt(2/3 / 4)
        assertEquals(Math.sqrt(2.0 / 3 / 4), Metrics.pairedStandardError(new double[] {1, 0, 1, 1}, new double[] {1, 1, 0, 1}), 1e-12);
        // a constant shift has no spread
        assertEquals(0, Metrics.pairedStandardError(new double[] {3, 5, 9}, new double[] {2, 4, 8}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Metrics.pairedStandardError(new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Metrics.pairedStandardError(new double[] {1}, new double[] {1}));
    }

    @Test
    void spearmanDifferenceStandardErrorMatchesTheLargeSampleFormula() {
        // x, gold bivariate normal; against a perfect scorer (gold itself, rho 1 in every resample) the difference's
        // error is the error of spearman(x, gold) alone: (1 - rho^2) sqrt(1.06 / (n - 3)) (Fieller, Hartley and Pearson 1957)
        int n = 3000;
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        double[] gold = new double[n];
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            gold[i] = r.nextGaussian();
            x[i] = gold[i] + 0.75 * r.nextGaussian();
        }
        double rho = Metrics.spearman(x, gold);
        double expected = (1 - rho * rho) * Math.sqrt(1.06 / (n - 3));
        double se = Metrics.spearmanDifferenceStandardError(x, gold, gold, 400, 42);
        assertEquals(expected, se, 0.2 * expected, "bootstrap " + se + " vs formula " + expected);
        assertEquals(se, Metrics.spearmanDifferenceStandardError(x, gold, gold, 400, 42), 0, "seeded, so reproducible");
        assertEquals(0, Metrics.spearmanDifferenceStandardError(x, x, gold, 50, 1), 1e-12, "a scorer against itself");
        assertThrows(IllegalArgumentException.class, () -> Metrics.spearmanDifferenceStandardError(x, new double[3], gold, 10, 1));
    }

    @Test
    void ndcgAndRecallByHand() {
        Map<String, Integer> rel = Map.of("a", 1, "c", 1, "z", 1);
        String[] ranked = {"a", "b", "c", "d"};
        // dcg = 1/log2(2) + 1/log2(4) = 1.5; idcg (3 relevant, k = 10) = 1 + 1/log2(3) + 1/log2(4)
        double idcg = 1 + 1 / (Math.log(3) / Math.log(2)) + 0.5;
        assertEquals(1.5 / idcg, Metrics.ndcgAt(ranked, rel, 10), 1e-12);
        // k = 1: only "a", ideal 1
        assertEquals(1.0, Metrics.ndcgAt(ranked, rel, 1), 1e-12);
        assertEquals(2.0 / 3, Metrics.recallAt(ranked, rel, 100), 1e-12);
        assertEquals(1.0 / 3, Metrics.recallAt(ranked, rel, 2), 1e-12);
        assertEquals(0.0, Metrics.ndcgAt(new String[] {"q"}, rel, 10), 0);
    }
}
