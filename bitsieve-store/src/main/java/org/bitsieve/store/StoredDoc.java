package org.bitsieve.store;

/**
 * A live document as a {@link Snapshot} holds it, for exporters: its id, its bit code (whole 64-bit words laid
 * out as in {@code PackedCodes}), its payload text and metadata. No float vector: codes are what search reads.
 *
 * @param text         payload text ("" when there is none)
 * @param metadataJson the metadata object as JSON text, or {@code null}
 */
public record StoredDoc(String id, long[] code, String text, String metadataJson) {}
