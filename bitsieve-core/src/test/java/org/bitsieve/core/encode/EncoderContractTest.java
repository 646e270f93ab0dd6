package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.TestData;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.io.FileFormatException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every encoder family: deterministic for a seed, round-trips through its file, refuses bad vectors. */
class EncoderContractTest {
    static final FloatMatrix TRAIN = TestData.clustered(1500, 48, 1);
    static final FloatMatrix TEST = TestData.clustered(50, 48, 2);

    static Stream<Arguments> kinds() {
        return Stream.of(Arguments.of("pcaq", 64), Arguments.of("pcaq", 40),
                Arguments.of("pq", 32), Arguments.of("pq", 40), // 40 bits: 5 subspaces of 10, 10, 10, 9 and 9 dimensions
                Arguments.of("pq,iterations=3", 64), Arguments.of("pq,balanced=1", 32), Arguments.of("itq", 32), Arguments.of("witq", 32), Arguments.of("witq", 20),
                Arguments.of("witq,factorBits=3", 20), // 17 planes + 3 factor bits: a byte and a word shared by both
                Arguments.of("sign", 48), Arguments.of("simhash", 100), Arguments.of("kesieve", 0),
                Arguments.of("kesieve", 16));
    }

    /** {@code kind[,setting=value...]}, e.g. {@code witq,factorBits=3}. */
    static Encoder fit(String spec, int bits, long seed) {
        String[] parts = spec.split(",");
        FitOptions o = FitOptions.bits(bits).withSeed(seed);
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=");
            o = o.with(kv[0], kv[1]);
        }
        return Encoders.fit(parts[0], TRAIN, o);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void sameSeedSameCodes(String kind, int bits) {
        Encoder a = fit(kind, bits, 7);
        Encoder b = fit(kind, bits, 7);
        assertArrayEquals(a.encodeAll(TEST).data(), b.encodeAll(TEST).data());
        assertArrayEquals(EncoderFiles.toBytes(a), EncoderFiles.toBytes(b));
        if (bits > 0) {
            assertEquals(bits, a.bits());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void saveLoadRoundTrip(String kind, int bits, @TempDir Path dir) throws Exception {
        Encoder a = fit(kind, bits, 3);
        Path f = dir.resolve("enc.bse");
        EncoderFiles.save(a, f);
        Encoder b = EncoderFiles.load(f);
        assertEquals(a.kind(), b.kind());
        assertEquals(a.bits(), b.bits());
        assertEquals(a.dimension(), b.dimension());
        PackedCodes ca = a.encodeAll(TEST);
        assertArrayEquals(ca.data(), b.encodeAll(TEST).data());
        float[] q = TEST.row(0);
        assertArrayEquals(a.scorer(q).table(), b.scorer(q).table());
        assertArrayEquals(a.inverseNorms(ca), b.inverseNorms(ca));
        assertEquals(EncoderFiles.fingerprint(a), EncoderFiles.fingerprint(b));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void refusesWrongDimensionAndNonFinite(String kind, int bits) {
        Encoder e = fit(kind, bits, FitOptions.DEFAULT_SEED);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.encode(new float[47]));
        assertTrue(ex.getMessage().contains("dimension 47"), ex.getMessage());
        float[] v = TEST.row(0);
        v[5] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> e.encode(v));
        assertThrows(IllegalArgumentException.class, () -> e.encodeAll(TestData.clustered(3, 40, 1)));
        assertThrows(IllegalArgumentException.class, () -> e.scorer(new float[3]));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void unusedHighBitsStayZero(String kind, int bits) {
        Encoder e = fit(kind, bits, FitOptions.DEFAULT_SEED);
        PackedCodes c = e.encodeAll(TEST);
        int tail = c.bits() & 63;
        if (tail != 0) {
            for (int i = 0; i < c.count(); i++) {
                long last = c.data()[i * c.words() + c.words() - 1];
                assertEquals(0, last >>> tail, "bits past the code length must be zero");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void corruptFileRefused(String kind, int bits, @TempDir Path dir) throws Exception {
        byte[] b = EncoderFiles.toBytes(fit(kind, bits, FitOptions.DEFAULT_SEED));
        b[b.length / 2] ^= 0x10;
        FileFormatException ex = assertThrows(FileFormatException.class, () -> EncoderFiles.fromBytes(b, dir.resolve("x.bse")));
        assertTrue(ex.getMessage().contains("checksum"), ex.getMessage());
    }

    @org.junit.jupiter.api.Test
    void unknownKindAndBadBudgetsHaveClearMessages() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Encoders.fit("lsh", TRAIN, FitOptions.bits(64)));
        assertTrue(ex.getMessage().contains("known encoders: pcaq"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Encoders.fit("itq", TRAIN, FitOptions.bits(49)));
        assertThrows(IllegalArgumentException.class, () -> Encoders.fit("sign", TRAIN, FitOptions.bits(49)));
        float[] bad = TRAIN.data().clone();
        bad[100] = Float.POSITIVE_INFINITY;
        assertThrows(IllegalArgumentException.class,
                () -> Encoders.fit("pcaq", new FloatMatrix(bad, TRAIN.rows(), TRAIN.dim()), FitOptions.bits(64)));
    }
}
