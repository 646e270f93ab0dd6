package org.bitsieve.core;

import java.nio.file.Path;
import java.util.Random;

/** Test inputs: seeded synthetic vectors with structure, and the shared real datasets. */
public final class TestData {
    private TestData() {}

    /** Unit vectors with a few dominant directions and an offset mean, like sentence embeddings. */
    public static FloatMatrix clustered(int rows, int dim, long seed) {
        Random r = new Random(seed);
        int centres = 8;
        float[][] c = new float[centres][dim];
        for (float[] row : c) {
            for (int j = 0; j < dim; j++) {
                row[j] = (float) r.nextGaussian() * (j < dim / 4 ? 1.0f : 0.3f) + 0.5f;
            }
        }
        float[] data = new float[rows * dim];
        for (int i = 0; i < rows; i++) {
            float[] cc = c[r.nextInt(centres)];
            for (int j = 0; j < dim; j++) {
                data[i * dim + j] = cc[j] + (float) r.nextGaussian() * 0.6f;
            }
        }
        return new FloatMatrix(data, rows, dim).normalizeRows();
    }

    /** The shared real datasets; skips the calling test when absent and not required (see {@link SharedData}). */
    public static Path shared() {
        return SharedData.dir();
    }
}
