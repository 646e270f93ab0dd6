package org.bitsieve.cli;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.embed.EmbedOptions;
import org.bitsieve.embed.EmbedStats;
import org.bitsieve.embed.EmbeddingCache;
import org.bitsieve.embed.Models;
import org.bitsieve.embed.TextChecks;
import org.bitsieve.embed.TextEmbedder;
import org.bitsieve.embed.TextRole;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Options and plumbing shared by every command that turns text into vectors. */
public final class TextEmbedding {
    @Option(names = {"-m", "--model"}, defaultValue = Models.DEFAULT,
            description = "Embedding model: a bundled name (all-minilm-l6-v2, all-minilm-l6-v2-q, bge-small-en-v1.5, e5-small-v2, ...) "
                    + "or a model folder (model.onnx + tokenizer.json + bitsieve-model.json). Default: ${DEFAULT-VALUE}.")
    public String model;

    @Option(names = "--embed-threads", defaultValue = "0", description = "Inference threads (0 = all cores).")
    int threads;

    @Option(names = "--embed-batch", defaultValue = "16", description = "Texts per inference batch. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--cache", description = "Embedding cache folder (default: $BITSIEVE_CACHE or ~/.cache/bitsieve).")
    Path cache;

    @Option(names = "--no-cache", description = "Do not read or write the embedding cache.")
    boolean noCache;

    /** Opens the model with the thread and batch options (the caller closes it). */
    public TextEmbedder open() {
        EmbedOptions opts = EmbedOptions.defaults().withBatchSize(batch);
        if (threads > 0) {
            opts = opts.withThreads(threads);
        }
        return Models.open(model, opts);
    }

    /** Embeds texts with a progress bar (texts/s, ETA), via the cache unless disabled; prints a summary line. */
    public FloatMatrix embed(List<String> texts, TextRole role, String what) throws Exception {
        TextChecks.requireNonBlank(texts); // fail before the model loads, not after a bar was drawn
        try (TextEmbedder e = open()) {
            return embed(e, texts, role, what);
        }
    }

    /**
     * Embeds texts with an open model. A single text (a query) gets neither a bar nor a summary line: it takes
     * milliseconds, and the lines would outnumber the answer.
     */
    public FloatMatrix embed(TextEmbedder e, List<String> texts, TextRole role, String what) {
        TextChecks.requireNonBlank(texts);
        boolean one = texts.size() == 1;
        long t0 = System.nanoTime();
        try (Bars.Bar bar = new Bars.Bar("embed " + what, texts.size(), "texts", Bars.quiet || one)) {
            FloatMatrix m;
            String cacheNote = "";
            if (noCache || one) {
                m = e.embedAll(texts, role, bar::update);
            } else {
                EmbeddingCache c = new EmbeddingCache(cache != null ? cache : EmbeddingCache.defaultRoot());
                m = c.embedAll(e, texts, role, bar::update);
                cacheNote = String.format(Locale.ROOT, ", %d from cache, %d embedded", c.hits(), c.misses());
            }
            bar.close();
            if (!one) {
                EmbedStats s = e.stats();
                System.err.printf(Locale.ROOT, "%s: %d texts with %s (%d-d) in %.1fs%s; %d truncated at %d tokens%n", what,
                        texts.size(), e.modelName(), e.dimension(), (System.nanoTime() - t0) / 1e9, cacheNote, s.truncated(), e.maxTokens());
            }
            return m;
        }
    }
}
