package org.bitsieve.spark;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic document ids and shard numbers. An id that is a function of the input alone is what makes a retried
 * task or a rerun job write the same documents again instead of new ones: the indexer upserts, so repeats replace.
 */
public final class DocIds {
    private DocIds() {}

    /** {@code "t"} + the first 16 bytes of the SHA-256 of the UTF-8 text, in hex: equal texts get one id. */
    public static String ofText(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder(33).append('t');
            for (int i = 0; i < 16; i++) {
                sb.append(Character.forDigit((h[i] >>> 4) & 15, 16)).append(Character.forDigit(h[i] & 15, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * The shard of an id among {@code n}: FNV-1a (64-bit) of its UTF-8 bytes modulo {@code n}. Fixed here and
     * documented so that any other tool (or a Spark {@code partitionBy}) can route ids the same way.
     */
    public static int shard(String id, int n) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return (int) Long.remainderUnsigned(h, n);
    }
}
