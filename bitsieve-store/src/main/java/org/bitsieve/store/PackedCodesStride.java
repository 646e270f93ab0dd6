package org.bitsieve.store;

/** Bytes a code takes in a store file: whole 64-bit words, so the scan reads aligned longs. */
final class PackedCodesStride {
    private PackedCodesStride() {}

    static int of(int bits) { return org.bitsieve.core.PackedCodes.wordsFor(bits) * 8; }
}
