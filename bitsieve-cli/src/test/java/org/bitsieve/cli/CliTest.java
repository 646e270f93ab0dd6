package org.bitsieve.cli;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.CodesFile;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands end to end, in-process: real files in, real files out, clear errors for bad input. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static FloatMatrix vectors(int n, int dim, long seed) {
        Random r = new Random(seed);
        float[] d = new float[n * dim];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian() + (i % dim < 3 ? 2f : 0f);
        }
        return new FloatMatrix(d, n, dim).normalizeRows();
    }

    @Test
    void fitThenEncodeWritesValidFiles() throws Exception {
        Path v = dir.resolve("v.npy");
        Npy.write(v, vectors(500, 32, 1));
        Path enc = dir.resolve("e.bse");
        Run fit = run("fit", v.toString(), "-o", enc.toString(), "--bits", "64", "-e", "pcaq");
        assertEquals(0, fit.code(), fit.err());
        assertTrue(fit.out().contains("pcaq"), fit.out());
        assertEquals(64, EncoderFiles.load(enc).bits());
        Path codes = dir.resolve("c.bsc");
        Run encode = run("encode", v.toString(), "-e", enc.toString(), "-o", codes.toString());
        assertEquals(0, encode.code(), encode.err());
        CodesFile.Loaded l = CodesFile.read(codes);
        assertEquals(500, l.codes().count());
        assertEquals(EncoderFiles.fingerprint(EncoderFiles.load(enc)), l.encoderFingerprint());
        Run hex = run("encode", v.toString(), "-e", enc.toString());
        assertEquals(500, hex.out().lines().count());
        assertEquals(16, hex.out().lines().findFirst().orElseThrow().length(), "64 bits = 8 bytes = 16 hex digits");
    }

    @Test
    void evalWritesMarkdownAndJson() throws Exception {
        FloatMatrix train = vectors(400, 16, 2);
        FloatMatrix test = vectors(60, 16, 3);
        Path tr = dir.resolve("train.npy");
        Path te = dir.resolve("test.npy");
        Npy.write(tr, train);
        Npy.write(te, test);
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            a.append("{\"label\": ").append(train.get(i, 0) > 0 ? 1 : 0).append("}\n");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            b.append(test.get(i, 0) > 0 ? 1 : 0).append('\n');
        }
        Files.writeString(dir.resolve("train.jsonl"), a);
        Files.writeString(dir.resolve("test.txt"), b);
        Path out = dir.resolve("out");
        Run r = run("eval", "-q", "--train", tr.toString(), "--train-labels", dir.resolve("train.jsonl").toString(),
                "--test", te.toString(), "--test-labels", dir.resolve("test.txt").toString(),
                "-e", "pcaq,sign,kesieve", "-b", "16,32", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        String md = Files.readString(out.resolve("eval.md"));
        assertTrue(md.contains("| float32 |") && md.contains("| pcaq | 32 |") && md.contains("| kesieve |"), md);
        String json = Files.readString(out.resolve("eval.json"));
        assertTrue(json.contains("\"asymAcc10\""), json);
    }

    @Test
    void badInputGivesOneClearLineAndExitCode2() throws Exception {
        Path v = dir.resolve("v.npy");
        Npy.write(v, vectors(100, 8, 1));
        Run missing = run("fit", dir.resolve("nope.npy").toString(), "-o", dir.resolve("e.bse").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("not found"), missing.err());
        assertFalse(missing.err().contains("\tat "), "no stack trace: " + missing.err());

        Run badKind = run("fit", v.toString(), "-o", dir.resolve("e.bse").toString(), "-e", "lsh");
        assertEquals(2, badKind.code());
        assertTrue(badKind.err().contains("unknown encoder 'lsh'"), badKind.err());

        Path enc = dir.resolve("e.bse");
        assertEquals(0, run("fit", v.toString(), "-o", enc.toString(), "-b", "16", "-e", "pcaq").code());
        Path other = dir.resolve("w.npy");
        Npy.write(other, vectors(10, 12, 1));
        Run dim = run("encode", other.toString(), "-e", enc.toString());
        assertEquals(2, dim.code());
        assertTrue(dim.err().contains("dimension 12") && dim.err().contains("expects 8"), dim.err());

        Path corrupt = dir.resolve("bad.bse");
        byte[] b = Files.readAllBytes(enc);
        b[b.length - 10] ^= 4;
        Files.write(corrupt, b);
        Run bad = run("encode", v.toString(), "-e", corrupt.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("checksum"), bad.err());

        // NaN in the input vectors
        float[] d = vectors(10, 8, 2).data();
        d[17] = Float.NaN;
        Path nan = dir.resolve("nan.npy");
        Npy.write(nan, new FloatMatrix(d, 10, 8));
        Run n = run("encode", nan.toString(), "-e", enc.toString());
        assertEquals(2, n.code());
        assertTrue(n.err().contains("row 2") && n.err().contains("NaN"), n.err());
        // a failed fit aimed at an existing encoder file leaves it byte for byte as it was
        byte[] before = Files.readAllBytes(enc);
        assertEquals(2, run("fit", nan.toString(), "-o", enc.toString(), "-e", "pcaq", "-b", "16").code());
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(enc), "a failed command leaves existing files alone");
    }
}
