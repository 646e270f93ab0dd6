package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;

/**
 * One bit per input dimension: is the value above its training mean? With a budget below the dimension,
 * the dimensions of largest variance are kept. Centring makes the bits balanced; raw signs of sentence
 * embeddings are not, because their dimensions have non-zero means.
 */
final class SignKind implements EncoderKind {
    @Override public String name() { return "sign"; }

    @Override public String summary() { return "one bit per dimension (value above the training mean), highest-variance dimensions first"; }

    @Override
    public void checkBits(int bits, int dim) {
        if (bits < 1 || bits > dim) {
            throw new IllegalArgumentException("sign makes at most one bit per dimension: bits must be 1.." + dim + ", got " + bits);
        }
    }

    @Override
    public Encoder fit(FloatMatrix train, FitOptions o) {
        FloatMatrix s = Encoders.sample(train, o.maxSample(), o.seed());
        int d = s.dim();
        double[] mu = Encoders.columnMeans(s);
        double[] var = new double[d];
        for (int i = 0; i < s.rows(); i++) {
            for (int j = 0; j < d; j++) {
                double x = s.get(i, j) - mu[j];
                var[j] += x * x;
            }
        }
        Integer[] order = new Integer[d];
        for (int j = 0; j < d; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -var[j]).thenComparingInt(j -> j));
        int bits = o.bits();
        float[] planes = new float[bits * d];
        float[] offsets = new float[bits];
        for (int b = 0; b < bits; b++) {
            int j = order[b];
            planes[b * d + j] = 1f;
            offsets[b] = (float) mu[j];
        }
        return new PlaneEncoder(name(), d, planes, offsets, Encoders.params("seed", Long.toString(o.seed())));
    }

    @Override
    public Encoder restore(int dim, int bits, Map<String, String> params, Map<String, float[]> arrays) {
        return Encoders.restorePlanes(name(), dim, bits, params, arrays);
    }
}
