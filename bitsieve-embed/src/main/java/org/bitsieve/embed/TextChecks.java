package org.bitsieve.embed;

import java.util.List;

/**
 * Input rules shared by every embedder, so a fake in tests and the real model refuse the same texts; public so that a
 * caller can check a batch before it loads a model or starts a progress bar.
 */
public final class TextChecks {
    private TextChecks() {}

    /**
     * Refuses null, empty and blank texts before any work is done. Such a text has no content to embed and
     * usually means a wrong field or column was read; embedding it silently would plant a meaningless vector.
     */
    public static void requireNonBlank(List<String> texts) {
        if (texts == null) {
            throw new EmbeddingException("no text list given");
        }
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t == null) {
                throw new EmbeddingException("text " + i + " (0-based) is null; every text must have content");
            }
            if (t.isBlank()) {
                throw new EmbeddingException("text " + i + " (0-based) is " + (t.isEmpty() ? "empty" : "blank")
                        + "; every text must have content (remove it or fill it in)");
            }
        }
    }
}
