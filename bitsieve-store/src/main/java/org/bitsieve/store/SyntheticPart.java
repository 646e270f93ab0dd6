package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;


/** Codes without documents (ids are "s" + row, no payloads): lets benchmarks scan 10M codes without ingesting them. */
final class SyntheticPart extends Part {
    private final long[] codes;
    private volatile float[] invNorms;

    SyntheticPart(long[] codes, int stride) {
        super(0, stride);
        this.codes = codes;
    }

    @Override
    long[] words() { return codes; }

    @Override
    String id(int row) { return "s" + row; }

    @Override
    byte[] textBytes(int row) { return null; }

    @Override
    byte[] metaBytes(int row) { return null; }

    @Override
    boolean hasVectors() { return false; }

    @Override
    void vector(int row, float[] out) { throw new UnsupportedOperationException("synthetic codes have no vectors"); }

    @Override
    float[] inverseNorms(Encoder encoder, int rows) {
        if (invNorms == null) {
            invNorms = computeInverseNorms(encoder, codes, stride, rows);
        }
        return invNorms;
    }
}
