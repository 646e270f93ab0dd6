package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;

import java.util.Map;
import java.util.SplittableRandom;

/** Random Gaussian hyperplanes through the training mean (Charikar's SimHash, centred). */
final class SimHashKind implements EncoderKind {
    @Override public String name() { return "simhash"; }

    @Override public String summary() { return "random hyperplanes through the training mean"; }

    @Override
    public void checkBits(int bits, int dim) {
        if (bits < 1 || bits > 65536) {
            throw new IllegalArgumentException("simhash bits must be 1..65536, got " + bits);
        }
    }

    @Override
    public Encoder fit(FloatMatrix train, FitOptions o) {
        FloatMatrix s = Encoders.sample(train, o.maxSample(), o.seed());
        int d = s.dim();
        double[] mu = Encoders.columnMeans(s);
        SplittableRandom r = new SplittableRandom(o.seed());
        int bits = o.bits();
        float[] planes = new float[bits * d];
        float[] offsets = new float[bits];
        for (int b = 0; b < bits; b++) {
            double c = 0;
            for (int j = 0; j < d; j++) {
                float w = (float) gaussian(r);
                planes[b * d + j] = w;
                c += w * mu[j];
            }
            offsets[b] = (float) c;
        }
        return new PlaneEncoder(name(), d, planes, offsets, Encoders.params("seed", Long.toString(o.seed())));
    }

    static double gaussian(SplittableRandom r) {
        // Box-Muller: SplittableRandom has no nextGaussian in Java 17
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    public Encoder restore(int dim, int bits, Map<String, String> params, Map<String, float[]> arrays) {
        return Encoders.restorePlanes(name(), dim, bits, params, arrays);
    }
}
