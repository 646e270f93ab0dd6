package org.bitsieve.store;

/**
 * One search result: higher scores are better (Hamming results carry the negated distance; re-ranked results
 * the cosine of the stored float vector with the query).
 *
 * @param metadataJson the document's metadata object as JSON text, or {@code null}
 */
public record Hit(String id, float score, String text, String metadataJson) {}
