package org.bitsieve.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import org.bitsieve.embed.Models;
import org.bitsieve.embed.TextEmbedder;
import org.bitsieve.embed.TextRole;

import java.util.ArrayList;
import java.util.List;

/**
 * A LangChain4j {@link EmbeddingModel} over one of bitsieve's bundled ONNX models (or a model folder), run
 * in-process. LangChain4j does not say whether a text is a query or a passage, so texts are embedded as
 * passages (symmetric models such as all-MiniLM ignore the role).
 */
public final class BitsieveEmbeddingModel implements EmbeddingModel, AutoCloseable {
    private final TextEmbedder embedder;

    private BitsieveEmbeddingModel(Builder b) {
        this.embedder = Models.open(b.model);
    }

    public static Builder builder() { return new Builder(); }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<String> texts = new ArrayList<>(segments.size());
        for (TextSegment s : segments) {
            texts.add(s.text());
        }
        float[][] vs;
        // one embedder holds one native session and is not thread-safe
        synchronized (embedder) {
            vs = embedder.embed(texts, TextRole.PASSAGE);
        }
        List<Embedding> out = new ArrayList<>(vs.length);
        for (float[] v : vs) {
            out.add(Embedding.from(v));
        }
        return Response.from(out);
    }

    @Override
    public int dimension() { return embedder.dimension(); }

    @Override
    public String modelName() { return embedder.modelName(); }

    @Override
    public void close() {
        synchronized (embedder) {
            embedder.close();
        }
    }

    public static final class Builder {
        private String model = Models.DEFAULT;

        /** A bundled model name (e.g. all-minilm-l6-v2) or a model folder; default all-minilm-l6-v2. */
        public Builder model(String nameOrDirectory) { this.model = nameOrDirectory; return this; }

        public BitsieveEmbeddingModel build() { return new BitsieveEmbeddingModel(this); }
    }
}
