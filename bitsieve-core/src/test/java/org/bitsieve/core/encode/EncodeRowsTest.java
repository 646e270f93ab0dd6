package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.TestData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@link Encoder#encodeRowsInto} (plane encoders: two rows per pass) must give {@link Encoder#encodeInto}'s codes bit
 * for bit, for every kind, odd and even row counts, and at offsets inside both arrays.
 */
class EncodeRowsTest {
    @Test
    void rowsAtOnceGiveTheCodesOfOneAtATime() {
        FloatMatrix train = TestData.clustered(3000, 48, 3);
        FloatMatrix x = TestData.clustered(301, 48, 4);
        for (String kind : new String[] {"itq", "witq", "pcaq", "sign", "simhash"}) {
            for (int bits : new int[] {32, 40, 96}) {
                FitOptions o = FitOptions.bits(bits);
                if (kind.equals("witq") && bits == 40) {
                    o = o.with("factorBits", "4"); // the factor path: rows one by one
                }
                Encoder e;
                try {
                    Encoders.kind(kind).checkBits(bits, 48);
                    e = Encoders.fit(kind, train, o);
                } catch (IllegalArgumentException cannot) {
                    continue; // e.g. itq past one bit per dimension
                }
                int w = e.words();
                for (int rows : new int[] {1, 2, 3, 64, 301}) {
                    int from = 301 - rows;
                    long[] want = new long[(rows + 2) * w];
                    long[] got = new long[(rows + 2) * w];
                    java.util.Arrays.fill(want, 0x5A5A5A5AL);
                    java.util.Arrays.fill(got, 0x5A5A5A5AL);
                    for (int i = 0; i < rows; i++) {
                        e.encodeInto(x.data(), (from + i) * 48, want, (i + 1) * w);
                    }
                    for (int rep = 0; rep < 2; rep++) {
                        e.encodeRowsInto(x.data(), from * 48, rows, got, w);
                    }
                    assertArrayEquals(want, got, kind + " " + bits + " bits, " + rows + " rows");
                }
            }
        }
    }
}
