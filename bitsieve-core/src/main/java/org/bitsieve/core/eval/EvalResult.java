package org.bitsieve.core.eval;

/**
 * One row of an evaluation: an encoder at a bit budget (or the float32 baseline, kind "float32").
 * Accuracies are kNN accuracies in percent; recall is the mean fraction of the float top-10 found in the
 * code's top-10. {@code hammingSe10} and {@code asymSe10} are the standard errors (points) of acc10 minus the float32
 * baseline's acc10, paired over the test items: how much the difference would move with another test sample of the
 * same size (0 for the baseline itself).
 */
public record EvalResult(
        String encoder,
        int bits,
        double bytesPerVector,
        double compression,
        long datasetBytes,
        double hammingAcc1,
        double hammingAcc10,
        double asymAcc1,
        double asymAcc10,
        double hammingRecall10,
        double asymRecall10,
        double hammingSe10,
        double asymSe10,
        double fitSeconds,
        String notes) {
}
