package org.bitsieve.core.encode;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Turns float vectors into fixed-length bit codes. Implementations are immutable once fitted and safe to
 * share between threads. Fitting lives in {@link EncoderKind}; saving and loading in {@link EncoderFiles}.
 */
public interface Encoder {
    /** Registry name of the encoder family, e.g. {@code "itq"}. */
    String kind();

    /** Input vector dimension. */
    int dimension();

    /** Code length in bits. */
    int bits();

    default int words() { return PackedCodes.wordsFor(bits()); }

    /**
     * Encodes {@code vector[offset, offset + dimension())} into {@code out[outOffset, outOffset + words())}.
     * The caller guarantees dimension and finiteness; use {@link #encode(float[])} for checked input.
     */
    void encodeInto(float[] vector, int offset, long[] out, int outOffset);

    /**
     * {@link #encodeInto} of {@code rows} consecutive vectors from {@code data[offset..]} into consecutive codes of
     * {@link #words()} longs from {@code out[outOffset..]}: the same codes, possibly faster (plane encoders project two
     * rows per pass). Same caller guarantees as {@link #encodeInto}.
     */
    default void encodeRowsInto(float[] data, int offset, int rows, long[] out, int outOffset) {
        int d = dimension();
        int w = words();
        for (int i = 0; i < rows; i++) {
            encodeInto(data, offset + i * d, out, outOffset + i * w);
        }
    }

    /** Encodes one vector, checking its dimension and values. */
    default long[] encode(float[] vector) {
        Vectors.check(vector, dimension());
        long[] out = new long[words()];
        encodeInto(vector, 0, out, 0);
        return out;
    }

    /** Encodes every row, in parallel over the common pool. */
    default PackedCodes encodeAll(FloatMatrix m) { return encodeAll(m, null); }

    default PackedCodes encodeAll(FloatMatrix m, Progress progress) {
        if (m.dim() != dimension()) {
            throw new IllegalArgumentException("vectors have dimension " + m.dim() + " but the " + kind()
                    + " encoder was fitted on dimension " + dimension());
        }
        PackedCodes codes = PackedCodes.allocate(m.rows(), bits());
        int w = words();
        int chunk = 4096;
        int chunks = (m.rows() + chunk - 1) / chunk;
        AtomicLong done = new AtomicLong();
        float[] data = m.data();
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int from = c * chunk;
            int to = Math.min(m.rows(), from + chunk);
            encodeRowsInto(data, from * m.dim(), to - from, codes.data(), from * w);
            long d = done.addAndGet(to - from);
            if (progress != null) {
                progress.update(d, m.rows());
            }
        });
        return codes;
    }

    /**
     * Prepares asymmetric scoring of codes against a float query: the score of a code is a sum of per-byte
     * table entries, optionally divided by a per-code norm derived from the code. Higher is more similar.
     */
    QueryScorer scorer(float[] query);

    /**
     * Per-code inverse norms that {@link QueryScorer#normalized()} scorers divide by, or {@code null} when
     * this encoder's scorers are not normalised. Derived from the codes alone, so nothing extra is stored.
     */
    default float[] inverseNorms(PackedCodes codes) { return null; }

    /** Small, human-readable parameters (also stored in the encoder file). */
    Map<String, String> params();

    /** Named float arrays that, with {@link #params()}, fully describe the fitted encoder. */
    Map<String, float[]> arrays();

    /** One-line description for logs and reports. */
    default String describe() {
        // sorted: params() of an immutable map iterates in a per-JVM order, and reports should not change between runs
        return kind() + " " + dimension() + "d -> " + bits() + " bits " + new java.util.TreeMap<>(params());
    }
}
