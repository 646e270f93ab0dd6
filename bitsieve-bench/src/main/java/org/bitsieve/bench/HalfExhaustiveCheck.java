package org.bitsieve.bench;

import org.bitsieve.core.io.Half;

/**
 * {@link Half#fromFloats} against {@link Half#fromFloat} for all 2^32 float bit patterns (about 20 s on one core); the
 * unit test (HalfTest) covers every edge of the fast path and a stride through the rest. Prints the mismatches (the
 * first five by pattern) and exits 1 if there are any.
 *
 * <pre>java -cp bitsieve-bench/target/benchmarks.jar org.bitsieve.bench.HalfExhaustiveCheck</pre>
 */
public final class HalfExhaustiveCheck {
    private HalfExhaustiveCheck() {}

    public static void main(String[] args) {
        float[] f = new float[1 << 16];
        byte[] b = new byte[2 * f.length];
        long bad = 0;
        long t0 = System.nanoTime();
        for (long base = 0; base < 1L << 32; base += f.length) {
            for (int i = 0; i < f.length; i++) {
                f[i] = Float.intBitsToFloat((int) (base + i));
            }
            Half.fromFloats(f, 0, b, 0, f.length);
            for (int i = 0; i < f.length; i++) {
                short h = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8));
                if (h != Half.fromFloat(f[i]) && bad++ < 5) {
                    System.out.printf("mismatch at float bits %08x%n", base + i);
                }
            }
        }
        System.out.printf("%d mismatches over 2^32 float patterns in %.1f s%n", bad, (System.nanoTime() - t0) / 1e9);
        System.exit(bad == 0 ? 0 : 1);
    }
}
