package org.bitsieve.springai;

import org.bitsieve.embed.Models;
import org.bitsieve.embed.TextEmbedder;
import org.bitsieve.embed.TextRole;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * A Spring AI {@link EmbeddingModel} over one of bitsieve's bundled ONNX models (or a model folder), run
 * in-process and offline. Spring AI does not say whether a text is a query or a passage, so every text is
 * embedded as a passage (symmetric models such as the default all-MiniLM-L6-v2 ignore the role). Request
 * options (model name, dimensions) are ignored: the model is fixed when this is built.
 */
public final class BitsieveEmbeddingModel implements EmbeddingModel, AutoCloseable {
    private final TextEmbedder embedder;

    /** The bundled default model, all-minilm-l6-v2 (384-d). */
    public BitsieveEmbeddingModel() {
        this(Models.DEFAULT);
    }

    /** A bundled model name (e.g. all-minilm-l6-v2) or a model folder. */
    public BitsieveEmbeddingModel(String nameOrDirectory) {
        this.embedder = Models.open(nameOrDirectory);
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<String> texts = request.getInstructions();
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("text " + i + " of the embedding request is null");
            }
        }
        float[][] vs;
        // one embedder holds one native session and is not thread-safe
        synchronized (embedder) {
            vs = embedder.embed(texts, TextRole.PASSAGE);
        }
        List<Embedding> out = new ArrayList<>(vs.length);
        for (int i = 0; i < vs.length; i++) {
            out.add(new Embedding(vs[i], i));
        }
        return new EmbeddingResponse(out);
    }

    @Override
    public float[] embed(Document document) {
        if (document.getText() == null) {
            throw new IllegalArgumentException("document '" + document.getId() + "' has no text to embed");
        }
        return embed(document.getText());
    }

    @Override
    public int dimensions() { return embedder.dimension(); }

    /** The model's name, e.g. all-minilm-l6-v2. */
    public String modelName() { return embedder.modelName(); }

    @Override
    public void close() {
        synchronized (embedder) {
            embedder.close();
        }
    }
}
