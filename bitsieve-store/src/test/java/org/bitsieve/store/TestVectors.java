package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;

import java.util.Random;

/** Seeded clustered unit vectors (so neighbours and labels mean something) and small fitted encoders. */
final class TestVectors {
    static final int DIM = 48;

    private TestVectors() {}

    static float[] vector(long seed) {
        Random r = new Random(seed);
        int cluster = (int) Math.floorMod(seed, 8L);
        Random c = new Random(1000 + cluster);
        float[] v = new float[DIM];
        double n = 0;
        for (int j = 0; j < DIM; j++) {
            v[j] = (float) (c.nextGaussian() + 0.6 * r.nextGaussian());
            n += v[j] * v[j];
        }
        for (int j = 0; j < DIM; j++) {
            v[j] /= (float) Math.sqrt(n);
        }
        return v;
    }

    static int cluster(long seed) { return (int) Math.floorMod(seed, 8L); }

    static FloatMatrix matrix(int rows, long seed0) {
        float[] d = new float[rows * DIM];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(vector(seed0 + i), 0, d, i * DIM, DIM);
        }
        return new FloatMatrix(d, rows, DIM);
    }

    static Encoder encoder(String kind, int bits) {
        return Encoders.fit(kind, matrix(2000, 77_000_000L), FitOptions.bits(bits));
    }

    static Doc doc(long seed) {
        return new Doc("d" + seed, vector(seed), "text of " + seed, "{\"label\":" + cluster(seed) + ",\"parity\":\"" + (seed % 2 == 0 ? "even" : "odd") + "\"}");
    }
}
