package org.bitsieve.server;

import org.bitsieve.embed.EmbeddingException;
import org.bitsieve.embed.Models;
import org.bitsieve.embed.TextEmbedder;
import org.bitsieve.embed.TextRole;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The text models, each loaded on first use (about 1 s and 100+ MB per model) and then shared by every
 * request. A {@link TextEmbedder} is not thread-safe, and one call already uses every core, so calls to one
 * model take turns on a lock; different models run side by side.
 */
final class Embedders implements AutoCloseable {
    private record Slot(TextEmbedder embedder) {}

    private final Map<String, Slot> loaded = new ConcurrentHashMap<>();
    private final LongAdder texts = new LongAdder();
    private volatile boolean closed;

    /** The canonical name of a model (as Models spells it), or an {@link ApiError} naming the known ones. */
    static String canonical(String model) {
        try {
            return Models.spec(model).name();
        } catch (EmbeddingException e) {
            throw new ApiError(ApiError.Code.UNKNOWN_MODEL, e.getMessage());
        }
    }

    static int dimension(String model) {
        try {
            return Models.spec(model).dimension();
        } catch (EmbeddingException e) {
            throw new ApiError(ApiError.Code.UNKNOWN_MODEL, e.getMessage());
        }
    }

    float[][] embed(String model, List<String> input, TextRole role) {
        Slot s = slot(canonical(model));
        synchronized (s) {
            if (closed) {
                throw new ApiError(ApiError.Code.UNAVAILABLE, "the server is shutting down");
            }
            try {
                float[][] out = s.embedder().embed(input, role);
                texts.add(input.size());
                return out;
            } catch (EmbeddingException e) {
                throw new ApiError(ApiError.Code.INVALID_VALUE, "embedding failed: " + e.getMessage());
            }
        }
    }

    private Slot slot(String name) {
        if (closed) {
            throw new ApiError(ApiError.Code.UNAVAILABLE, "the server is shutting down");
        }
        try {
            // computeIfAbsent holds the map bin while loading, so concurrent first requests load the model once
            return loaded.computeIfAbsent(name, n -> new Slot(Models.open(n)));
        } catch (EmbeddingException e) {
            throw new ApiError(ApiError.Code.UNKNOWN_MODEL, e.getMessage());
        }
    }

    long textsEmbedded() { return texts.sum(); }

    int modelsLoaded() { return loaded.size(); }

    @Override
    public void close() {
        closed = true;
        for (Slot s : loaded.values()) {
            synchronized (s) {
                s.embedder().close();
            }
        }
        loaded.clear();
    }
}
