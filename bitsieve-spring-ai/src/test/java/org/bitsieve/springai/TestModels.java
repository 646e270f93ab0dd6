package org.bitsieve.springai;

import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.core.io.DefaultResourceLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real bundled all-MiniLM-L6-v2, loaded once for the test JVM. {@link #shared()} hands out a view that is
 * not {@link AutoCloseable} (so a closing application context leaves the shared model open) and remembers the
 * vectors of texts it has embedded (the same model's own output, so the suites do not embed a text twice).
 */
final class TestModels {
    private static BitsieveEmbeddingModel model;
    private static final Map<String, float[]> CACHE = new ConcurrentHashMap<>();

    private TestModels() {}

    static synchronized BitsieveEmbeddingModel bundled() {
        if (model == null) {
            model = new BitsieveEmbeddingModel();
        }
        return model;
    }

    static EmbeddingModel shared() {
        return new EmbeddingModel() {
            @Override
            public EmbeddingResponse call(EmbeddingRequest request) {
                List<String> texts = request.getInstructions();
                List<String> missing = new ArrayList<>();
                for (String t : texts) {
                    if (!CACHE.containsKey(t) && !missing.contains(t)) {
                        missing.add(t);
                    }
                }
                if (!missing.isEmpty()) {
                    List<Embedding> got = bundled().call(new EmbeddingRequest(missing, org.springframework.ai.embedding.EmbeddingOptions.builder().build())).getResults();
                    for (int i = 0; i < missing.size(); i++) {
                        CACHE.put(missing.get(i), got.get(i).getOutput());
                    }
                }
                List<Embedding> out = new ArrayList<>(texts.size());
                for (int i = 0; i < texts.size(); i++) {
                    out.add(new Embedding(CACHE.get(texts.get(i)).clone(), i));
                }
                return new EmbeddingResponse(out);
            }

            @Override
            public float[] embed(Document document) {
                return embed(document.getText());
            }

            @Override
            public int dimensions() {
                return bundled().dimensions();
            }
        };
    }

    /** A text Spring AI's store tests use (spring-ai-test's test/data). */
    static String text(String name) {
        try {
            return new DefaultResourceLoader().getResource("classpath:/test/data/" + name).getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Plain float cosine in double precision, the reference the store's scores are checked against. */
    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
