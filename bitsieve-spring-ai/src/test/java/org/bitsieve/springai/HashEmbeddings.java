package org.bitsieve.springai;

import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A tiny deterministic embedding model (hashed bag of words, L2-normalised), for the tests where only the wiring
 * matters (which bean is used, how many dimensions) and loading the real model would only cost time.
 */
public final class HashEmbeddings implements EmbeddingModel {
    private final int dim;

    public HashEmbeddings() { this(384); }

    public HashEmbeddings(int dim) { this.dim = dim; }

    public float[] vector(String text) {
        float[] v = new float[dim];
        for (String w : text.toLowerCase(Locale.ROOT).split("\\W+")) {
            if (!w.isEmpty()) {
                int h = w.hashCode();
                v[Math.floorMod(h, dim)] += (h & 1) == 0 ? 1 : -1;
            }
        }
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        if (n == 0) {
            v[0] = 1;
            return v;
        }
        for (int i = 0; i < dim; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<Embedding> out = new ArrayList<>();
        for (String t : request.getInstructions()) {
            out.add(new Embedding(vector(t), out.size()));
        }
        return new EmbeddingResponse(out);
    }

    @Override
    public float[] embed(Document document) { return vector(document.getText()); }

    @Override
    public int dimensions() { return dim; }
}
