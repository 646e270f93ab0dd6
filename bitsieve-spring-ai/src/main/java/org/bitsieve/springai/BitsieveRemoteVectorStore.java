package org.bitsieve.springai;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.Models;
import org.bitsieve.langchain4j.BitsieveClient;
import org.bitsieve.store.filter.MetaFilterJson;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.DocumentMetadata;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.observation.conventions.VectorStoreSimilarityMetric;
import org.springframework.ai.vectorstore.AbstractVectorStoreBuilder;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.observation.AbstractObservationVectorStore;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationContext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Spring AI {@link org.springframework.ai.vectorstore.VectorStore} over a collection of a bitsieve server
 * (docs/server.md), through {@link BitsieveClient} (JDK HTTP client + Jackson; this module takes it from
 * bitsieve-langchain4j without LangChain4j itself). The documents are embedded here, by the given
 * {@link EmbeddingModel}; the server scans with the filter inside the scan and re-ranks {@code topK x oversample}
 * (kept within the server's {@code max_k}); the store fetches the hits' vectors and reports their exact cosine,
 * as {@link BitsieveVectorStore} does. A 400 from the server (a filter type mismatch, a wrong dimension) is an
 * {@link IllegalArgumentException}.
 */
public final class BitsieveRemoteVectorStore extends AbstractObservationVectorStore {
    private final BitsieveClient client;
    private final String collection;
    private final int oversample;
    private final int maxK;

    private BitsieveRemoteVectorStore(Builder b) {
        super(b);
        this.client = Objects.requireNonNull(b.client, "a remote store needs a client (baseUrl(url, key) or client(c))");
        if (b.collection == null || b.collection.isBlank()) {
            throw new IllegalArgumentException("a remote store needs a collection name");
        }
        if (b.oversample < 1 || b.maxK < 1) {
            throw new IllegalArgumentException("oversample and maxK must be at least 1, got " + b.oversample + " and " + b.maxK);
        }
        this.collection = b.collection;
        this.oversample = b.oversample;
        this.maxK = b.maxK;
        if (call(() -> client.info(collection)) == null) {
            if (!b.createIfMissing) {
                throw new IllegalStateException("the server has no collection '" + collection + "' and create-if-missing is off: create it first"
                        + " (POST /v1/collections) or turn create-if-missing on");
            }
            // f32: exact cosines from the vectors the server hands back
            run(() -> client.createCollection(collection, b.model, b.bits, "f32"));
        }
    }

    public static Builder builder(EmbeddingModel embeddingModel) { return new Builder(embeddingModel); }

    @Override
    public void doAdd(List<Document> documents) {
        Objects.requireNonNull(documents, "documents must not be null");
        if (documents.isEmpty()) {
            return;
        }
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            if (d == null || d.getId() == null || d.getId().isBlank() || d.getText() == null) {
                throw new IllegalArgumentException("document " + i + " of the batch is null or has a blank id or no text");
            }
        }
        List<float[]> vectors = embeddingModel.embed(documents, EmbeddingOptions.builder().build(), batchingStrategy);
        List<BitsieveClient.Document> docs = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            docs.add(new BitsieveClient.Document(d.getId(), d.getText(), vectors.get(i), MetadataJson.encode(d.getId(), d.getMetadata())));
        }
        run(() -> client.upsert(collection, docs));
    }

    @Override
    public void doDelete(List<String> idList) {
        Objects.requireNonNull(idList, "ids must not be null");
        for (String id : idList) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("ids to delete must not be null or blank, got " + idList);
            }
        }
        if (!idList.isEmpty()) {
            run(() -> client.delete(collection, List.copyOf(idList)));
        }
    }

    @Override
    protected void doDelete(Filter.Expression filterExpression) {
        Objects.requireNonNull(filterExpression, "filter expression must not be null");
        JsonNode where = MetaFilterJson.toJson(FilterConverter.convert(filterExpression));
        run(() -> client.deleteWhere(collection, where));
    }

    @Override
    public List<Document> doSimilaritySearch(SearchRequest request) {
        JsonNode where = request.getFilterExpression() == null ? null : MetaFilterJson.toJson(FilterConverter.convert(request.getFilterExpression()));
        float[] q = embeddingModel.embed(request.getQuery());
        int k = Math.min(request.getTopK(), maxK);
        int over = Math.max(1, Math.min(oversample, maxK / k));
        List<BitsieveClient.Hit> hits = call(() -> client.search(collection, q, k, over, where));
        Map<String, float[]> vectors = new HashMap<>();
        List<String> ids = hits.stream().map(BitsieveClient.Hit::id).toList();
        if (!ids.isEmpty()) {
            for (BitsieveClient.Document d : call(() -> client.get(collection, ids, true))) {
                vectors.put(d.id(), d.vector());
            }
        }
        List<Document> out = new ArrayList<>();
        for (BitsieveClient.Hit h : hits) {
            float[] v = vectors.get(h.id());
            if (v == null) {
                continue; // deleted between the search and the fetch
            }
            double score = cosine(q, v);
            if (score >= request.getSimilarityThreshold()) {
                Map<String, Object> meta = MetadataJson.decode(h.metadataJson());
                meta.put(DocumentMetadata.DISTANCE.value(), (float) (1 - score));
                out.add(Document.builder().id(h.id()).text(h.text() == null ? "" : h.text()).metadata(meta).score(score).build());
            }
        }
        // the server ranked by its float32 cosine; re-sorting by ours keeps the order the scores state (stable for ties)
        out.sort(Comparator.comparingDouble(Document::getScore).reversed());
        return out;
    }

    private static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("the query has " + a.length + " dimensions, the collection's vectors " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    @Override
    public VectorStoreObservationContext.Builder createObservationContextBuilder(String operationName) {
        return VectorStoreObservationContext.builder(BitsieveVectorStore.PROVIDER, operationName)
                .collectionName(collection)
                .similarityMetric(VectorStoreSimilarityMetric.COSINE.value());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> getNativeClient() {
        return Optional.of((T) client);
    }

    private static void run(Runnable r) {
        call(() -> {
            r.run();
            return null;
        });
    }

    private static <T> T call(Supplier<T> s) {
        try {
            return s.get();
        } catch (BitsieveClient.ApiException e) {
            if (e.status() == 400) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            throw e;
        }
    }

    public static final class Builder extends AbstractVectorStoreBuilder<Builder> {
        private BitsieveClient client;
        private String collection;
        private String model = Models.DEFAULT;
        private int bits = GeneralEncoders.DEFAULT_BITS;
        private boolean createIfMissing = true;
        private int oversample = 10;
        private int maxK = 1000;

        private Builder(EmbeddingModel embeddingModel) {
            super(embeddingModel);
        }

        public Builder client(BitsieveClient c) { this.client = c; return this; }

        /** The server's base URL and an API key with write access (null for a server without keys). */
        public Builder baseUrl(String url, String apiKey) { this.client = new BitsieveClient(url, apiKey); return this; }

        public Builder collection(String name) { this.collection = name; return this; }

        /** Model and bits of a collection this store creates (the server's shipped encoder for them). */
        public Builder model(String m) { this.model = m; return this; }

        public Builder bits(int b) { this.bits = b; return this; }

        public Builder createIfMissing(boolean c) { this.createIfMissing = c; return this; }

        public Builder oversample(int o) { this.oversample = o; return this; }

        /** The server's {@code max_k} (default 1000): {@code topK x oversample} stays within it. */
        public Builder maxK(int m) { this.maxK = m; return this; }

        @Override
        public BitsieveRemoteVectorStore build() { return new BitsieveRemoteVectorStore(this); }
    }
}
