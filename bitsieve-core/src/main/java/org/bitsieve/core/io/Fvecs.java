package org.bitsieve.core.io;

import org.bitsieve.core.FloatMatrix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the TEXMEX {@code .fvecs} format: each vector is an int32 dimension followed by that many float32. */
public final class Fvecs {
    private Fvecs() {}

    public static FloatMatrix read(Path path) throws IOException {
        long size = Files.size(path);
        if (size < 4) {
            throw new FileFormatException(path, "file is too short to hold an .fvecs vector");
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new FileFormatException(path, "file of " + size + " bytes is too large to load at once");
        }
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        int dim = buf.getInt(0);
        if (dim <= 0 || dim > 1 << 16) {
            throw new FileFormatException(path, "first vector claims dimension " + dim + "; not an .fvecs file");
        }
        long rec = 4L + 4L * dim;
        if (size % rec != 0) {
            throw new FileFormatException(path, "file length " + size + " is not a multiple of the record size "
                    + rec + " for dimension " + dim + " (truncated?)");
        }
        int rows = (int) (size / rec);
        float[] out = new float[rows * dim];
        for (int i = 0; i < rows; i++) {
            int d = buf.getInt();
            if (d != dim) {
                throw new FileFormatException(path, "vector " + i + " has dimension " + d + ", the first has " + dim);
            }
            for (int j = 0; j < dim; j++) {
                out[i * dim + j] = buf.getFloat();
            }
        }
        return new FloatMatrix(out, rows, dim);
    }
}
