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

    /** Embeds texts with a progress bar (texts/s, ETA), via the cache unless disabled; prints a summary line. */
    public FloatMatrix embed(List<String> texts, TextRole role, String what) throws Exception {
        TextChecks.requireNonBlank(texts); // fail before the model loads, not after a bar was drawn
        EmbedOptions opts = EmbedOptions.defaults().withBatchSize(batch);
        if (threads > 0) {
            opts = opts.withThreads(threads);
        }
        long t0 = System.nanoTime();
        try (TextEmbedder e = Models.open(model, opts); Bars.Bar bar = Bars.bar("embed " + what, texts.size(), "texts")) {
            FloatMatrix m;
            String cacheNote = "";
            if (noCache) {
                m = e.embedAll(texts, role, bar::update);
            } else {
                EmbeddingCache c = new EmbeddingCache(cache != null ? cache : EmbeddingCache.defaultRoot());
                m = c.embedAll(e, texts, role, bar::update);
                cacheNote = String.format(Locale.ROOT, ", %d from cache, %d embedded", c.hits(), c.misses());
            }
            bar.close();
            EmbedStats s = e.stats();
            System.err.printf(Locale.ROOT, "%s: %d texts with %s (%d-d) in %.1fs%s; %d truncated at %d tokens%n", what,
                    texts.size(), e.modelName(), e.dimension(), (System.nanoTime() - t0) / 1e9, cacheNote, s.truncated(), e.maxTokens());
            return m;
        }
    }
}
