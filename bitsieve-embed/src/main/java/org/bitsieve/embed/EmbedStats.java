package org.bitsieve.embed;

/**
 * Counts over all texts an embedder has embedded since it was opened.
 *
 * @param texts     texts embedded
 * @param tokens    tokens fed to the model after truncation, special tokens included, padding excluded
 * @param truncated texts that were longer than the model's token limit and so were cut
 */
public record EmbedStats(long texts, long tokens, long truncated) {
    public static final EmbedStats ZERO = new EmbedStats(0, 0, 0);

    public EmbedStats plus(EmbedStats o) {
        return new EmbedStats(texts + o.texts, tokens + o.tokens, truncated + o.truncated);
    }

    public EmbedStats minus(EmbedStats o) {
        return new EmbedStats(texts - o.texts, tokens - o.tokens, truncated - o.truncated);
    }
}
