package org.bitsieve.store;

/** How codes are scored against a query vector. */
public enum SearchMode {
    /** The query is encoded too; codes rank by Hamming distance (XOR + popcount). */
    HAMMING,
    /** The query stays float; codes rank by the encoder's per-byte table score (more accurate). */
    ASYMMETRIC;

    public static SearchMode parse(String s) {
        return switch (s == null ? "" : s.toLowerCase(java.util.Locale.ROOT)) {
            case "hamming" -> HAMMING;
            case "asymmetric", "asym" -> ASYMMETRIC;
            default -> throw new IllegalArgumentException("unknown search mode '" + s + "'; use hamming or asymmetric");
        };
    }
}
