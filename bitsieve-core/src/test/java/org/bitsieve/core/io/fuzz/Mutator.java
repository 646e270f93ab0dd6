package org.bitsieve.core.io.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Byte-level mutation of a seed corpus, for the parser fuzz tests: each input is a seed with one to four of
 * bit flips, byte overwrites with boundary values, 32/64-bit overwrites with boundary integers (a declared
 * length of 2^31 - 1 must not be allocated), truncation, insertion of random bytes, and duplication or
 * deletion of a range. A fix-up (e.g. recomputing a checksum) lets mutations reach past integrity checks.
 */
public final class Mutator {
    private static final byte[] BYTES = {0, 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF, (byte) 0xFE, '(', ')', ',', '\'', ':', '-', '9'};
    private static final long[] INTS = {0, 1, -1, 2, 255, 256, 65535, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 8,
            1L << 31, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE, 0x7FF0000000000000L /* +Inf as double */, 0x7F800000 /* +Inf as float */,
            0x7FC00000 /* NaN as float */, 0x7F7FFFFF /* max float */};

    private Mutator() {}

    /** Every file of {@code src/test/resources/fuzz/<target>/}, in name order. */
    public static List<byte[]> corpus(Class<?> owner, String target) {
        try {
            Path dir = Path.of(owner.getResource("/fuzz/" + target).toURI());
            try (Stream<Path> s = Files.list(dir)) {
                List<byte[]> out = new ArrayList<>();
                for (Path p : s.sorted().toList()) {
                    out.add(Files.readAllBytes(p));
                }
                if (out.isEmpty()) {
                    throw new IllegalStateException("empty fuzz corpus " + dir);
                }
                return out;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("fuzz corpus '" + target + "' missing from the test resources", e);
        }
    }

    /** A mutated seed; {@code fixup} runs after the mutations with a coin flip (so both paths are explored). */
    public static byte[] mutate(List<byte[]> seeds, Random r, UnaryOperator<byte[]> fixup) {
        byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            b = once(b, r);
        }
        return fixup != null && r.nextInt(4) != 0 ? fixup.apply(b) : b;
    }

    static byte[] once(byte[] b, Random r) {
        int len = b.length;
        switch (r.nextInt(8)) {
            case 0 -> { // bit flip
                if (len > 0) {
                    int i = r.nextInt(len);
                    b[i] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            }
            case 1 -> { // byte overwrite with a boundary value
                if (len > 0) {
                    b[r.nextInt(len)] = BYTES[r.nextInt(BYTES.length)];
                }
                return b;
            }
            case 2, 3 -> { // a 4- or 8-byte little-endian integer overwrite: declared lengths, counts, dimensions
                int w = r.nextBoolean() ? 4 : 8;
                if (len >= w) {
                    int at = r.nextInt(len - w + 1);
                    long v = INTS[r.nextInt(INTS.length)];
                    for (int k = 0; k < w; k++) {
                        b[at + k] = (byte) (v >>> (8 * k));
                    }
                }
                return b;
            }
            case 4 -> { // truncate
                return Arrays.copyOf(b, len == 0 ? 0 : r.nextInt(len));
            }
            case 5 -> { // insert random bytes
                int at = len == 0 ? 0 : r.nextInt(len + 1);
                byte[] ins = new byte[1 + r.nextInt(16)];
                r.nextBytes(ins);
                return splice(b, at, 0, ins);
            }
            case 6 -> { // duplicate a range
                if (len == 0) {
                    return b;
                }
                int from = r.nextInt(len);
                int to = from + r.nextInt(Math.min(64, len - from) + 1);
                return splice(b, r.nextInt(len + 1), 0, Arrays.copyOfRange(b, from, to));
            }
            default -> { // delete a range
                if (len == 0) {
                    return b;
                }
                int from = r.nextInt(len);
                return splice(b, from, r.nextInt(Math.min(64, len - from) + 1), new byte[0]);
            }
        }
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
