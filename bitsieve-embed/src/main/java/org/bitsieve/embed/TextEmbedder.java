package org.bitsieve.embed;

import org.bitsieve.core.FloatMatrix;

import java.util.List;

/**
 * Turns texts into unit-length vectors. Not thread-safe: use one instance per thread (each holds a model
 * session that already uses all configured cores).
 */
public interface TextEmbedder extends AutoCloseable {
    /** The model's name, e.g. {@code all-minilm-l6-v2}; part of cache keys. */
    String modelName();

    /** Length of every vector. */
    int dimension();

    /** Token limit per text (special tokens included); longer texts are truncated and counted in {@link #stats()}. */
    int maxTokens();

    /**
     * Embeds texts, returning one L2-normalised vector per text in input order.
     *
     * @throws EmbeddingException if a text is null, empty or blank (the message names its index), or the model fails
     */
    float[][] embed(List<String> texts, TextRole role);

    /** Like {@link #embed} but into one row-major matrix (row i = text i), reporting progress after each batch. */
    FloatMatrix embedAll(List<String> texts, TextRole role, ProgressListener progress);

    /** Counts since this embedder was opened. */
    EmbedStats stats();

    /** Releases the native model session. */
    @Override
    void close();
}
