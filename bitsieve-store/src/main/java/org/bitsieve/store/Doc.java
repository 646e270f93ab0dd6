package org.bitsieve.store;

/**
 * A document as the caller gives it and gets it back: a unique string id, its embedding, a payload text and
 * optional metadata (a JSON object as text). The store never embeds text; {@code text} is opaque to it.
 *
 * @param vector       the embedding; {@code null} on read when the collection keeps no float vectors
 * @param metadataJson a JSON object, or {@code null}
 */
public record Doc(String id, float[] vector, String text, String metadataJson) {
    public Doc {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("a document needs a non-empty id");
        }
    }

    public static Doc of(String id, float[] vector, String text) { return new Doc(id, vector, text, null); }
}
