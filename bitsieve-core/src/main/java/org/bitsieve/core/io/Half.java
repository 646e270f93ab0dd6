package org.bitsieve.core.io;

/** IEEE 754 half-precision conversion (Java 17 has no Float.float16ToFloat). */
public final class Half {
    private Half() {}

    public static float toFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal half: value = mant * 2^-24
            float v = mant * 5.9604645E-8f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** Round-to-nearest-even conversion to half precision. */
    public static short fromFloat(float f) {
        int x = Float.floatToRawIntBits(f);
        int sign = (x >>> 16) & 0x8000;
        int exp = (x >>> 23) & 0xFF;
        int mant = x & 0x7FFFFF;
        if (exp == 0xFF) {
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 112;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >>> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }

    private static final java.lang.invoke.VarHandle SHORT_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(short[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * {@link #fromFloat} of {@code n} floats from {@code src[srcOff..]}, written little-endian to {@code dst[dstOff..]}
     * (2 bytes each): the same shorts, bit for bit. Values that round to a normal half (nearly all of an embedding)
     * take a branch-free rounding, the rest go through {@link #fromFloat}; segment writers convert millions of values
     * per batch, where the one-by-one call and a ByteBuffer per row cost more than the disk.
     */
    public static void fromFloats(float[] src, int srcOff, byte[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            int x = Float.floatToRawIntBits(src[srcOff + i]);
            int a = x & 0x7FFFFFFF;
            short h;
            // [2^-14, 65520): the result is a normal half or, from 65504 + half an ulp up, rounds to infinity exactly
            // as fromFloat does; re-bias the exponent, then round to nearest even on the 13 dropped bits
            if (a >= 0x38800000 && a < 0x477FF000) {
                h = (short) (((x >>> 16) & 0x8000) | ((a - 0x38000000 + 0xFFF + ((a >>> 13) & 1)) >>> 13));
            } else {
                h = fromFloat(src[srcOff + i]);
            }
            SHORT_LE.set(dst, dstOff + 2 * i, h);
        }
    }
}
