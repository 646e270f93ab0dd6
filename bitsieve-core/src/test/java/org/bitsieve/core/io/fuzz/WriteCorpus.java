package org.bitsieve.core.io.fuzz;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.io.CodesFile;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.io.Npy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes the seed corpus of the parser fuzz tests (run once; the files are kept in the repository):
 * {@code java -cp bitsieve-core/target/classes:bitsieve-core/target/test-classes org.bitsieve.core.io.fuzz.WriteCorpus
 * bitsieve-core/src/test/resources/fuzz}. Seeds are small, valid files of each format.
 */
public final class WriteCorpus {
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        Random r = new Random(42);
        FloatMatrix m = random(r, 6, 8);
        Path npy = Files.createDirectories(root.resolve("npy"));
        Npy.write(npy.resolve("f4-6x8.npy"), m);
        Files.write(npy.resolve("f2-3x4.npy"), f16Npy(random(r, 3, 4)));
        Path fv = Files.createDirectories(root.resolve("fvecs"));
        Files.write(fv.resolve("3x5.fvecs"), fvecs(random(r, 3, 5)));
        Files.write(fv.resolve("1x1.fvecs"), fvecs(random(r, 1, 1)));
        FloatMatrix train = random(r, 200, 16);
        Path enc = Files.createDirectories(root.resolve("encoder"));
        for (String kind : new String[] {"sign", "pcaq", "witq", "itq"}) {
            Encoder e = Encoders.fit(kind, train, FitOptions.bits(16));
            Files.write(enc.resolve(kind + "-16d-16b.bse"), EncoderFiles.toBytes(e));
        }
        Path codes = Files.createDirectories(root.resolve("codes"));
        Encoder sign = Encoders.fit("sign", train, FitOptions.bits(16));
        PackedCodes pc = sign.encodeAll(train.slice(0, 5));
        CodesFile.write(codes.resolve("5x16.bsc"), pc, EncoderFiles.fingerprint(sign));
        CodesFile.write(codes.resolve("0x16.bsc"), PackedCodes.allocate(0, 16), 0);
    }

    private static FloatMatrix random(Random r, int rows, int dim) {
        float[] d = new float[rows * dim];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return new FloatMatrix(d, rows, dim);
    }

    private static byte[] fvecs(FloatMatrix m) {
        ByteBuffer b = ByteBuffer.allocate(m.rows() * (4 + 4 * m.dim())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < m.rows(); i++) {
            b.putInt(m.dim());
            for (float x : m.row(i)) {
                b.putFloat(x);
            }
        }
        return b.array();
    }

    private static byte[] f16Npy(FloatMatrix m) throws IOException {
        String h = "{'descr': '<f2', 'fortran_order': False, 'shape': (" + m.rows() + ", " + m.dim() + "), }";
        int total = 10 + h.length() + 1;
        int pad = (64 - total % 64) % 64;
        h = h + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + 2 * m.rows() * m.dim()).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes()).put((byte) 1).put((byte) 0).putShort((short) h.length()).put(h.getBytes());
        for (int i = 0; i < m.rows(); i++) {
            for (float x : m.row(i)) {
                b.putShort(org.bitsieve.core.io.Half.fromFloat(x));
            }
        }
        return b.array();
    }
}
