package org.bitsieve.embed;

/**
 * How to run a model.
 *
 * @param threads   ONNX Runtime intra-op threads; 0 means all cores
 * @param batchSize texts per model call; larger batches pay more padding, smaller ones more call overhead
 * @param maxTokens token limit per text; 0 keeps the model's own limit. Longer texts are cut and counted.
 */
public record EmbedOptions(int threads, int batchSize, int maxTokens) {
    public static final int DEFAULT_BATCH_SIZE = 16;

    public EmbedOptions {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (maxTokens < 0 || maxTokens == 1) {
            throw new IllegalArgumentException("max tokens must be 0 (model default) or >= 2, got " + maxTokens);
        }
    }

    public static EmbedOptions defaults() {
        return new EmbedOptions(0, DEFAULT_BATCH_SIZE, 0);
    }

    public EmbedOptions withThreads(int n) { return new EmbedOptions(n, batchSize, maxTokens); }

    public EmbedOptions withBatchSize(int n) { return new EmbedOptions(threads, n, maxTokens); }

    public EmbedOptions withMaxTokens(int n) { return new EmbedOptions(threads, batchSize, n); }

    /** The thread count to give ONNX Runtime. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
