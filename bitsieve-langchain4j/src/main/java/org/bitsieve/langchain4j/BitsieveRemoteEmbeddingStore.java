package org.bitsieve.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import org.bitsieve.store.filter.MetaFilterJson;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.langchain4j.internal.ValidationUtils.ensureNotEmpty;
import static dev.langchain4j.internal.ValidationUtils.ensureNotNull;

/**
 * A LangChain4j {@link EmbeddingStore} over one collection of a bitsieve server, through {@link BitsieveClient}.
 * The same document model as {@link BitsieveEmbeddingStore} (typed metadata, relevance {@code (cosine + 1) / 2}):
 * the server scans the codes with the filter inside the scan and re-ranks the best {@code k * oversample}; the
 * store then fetches the hits' vectors (handed back as {@code match.embedding()}) and scores them by exact
 * cosine. Filter errors (type mismatches) are the server's 400 {@code invalid_value}, thrown here as
 * {@link IllegalArgumentException}.
 */
public final class BitsieveRemoteEmbeddingStore extends BitsieveStoreBase {
    private final BitsieveClient client;
    private final String collection;
    private final int oversample;
    private final int maxK;

    private BitsieveRemoteEmbeddingStore(Builder b) {
        this.client = ensureNotNull(b.client, "client");
        this.collection = ensureNotNull(b.collection, "collection");
        this.oversample = b.oversample;
        this.maxK = b.maxK;
        if (client.info(collection) == null) {
            // f32: the embeddings handed back equal the ones added
            client.createCollection(collection, b.model, b.bits, "f32");
        }
    }

    public static Builder builder() { return new Builder(); }

    @Override
    void upsert(List<Row> rows) {
        List<BitsieveClient.Document> docs = new ArrayList<>(rows.size());
        for (Row r : rows) {
            docs.add(new BitsieveClient.Document(r.id(), r.text(), r.vector(), r.metadataJson()));
        }
        run(() -> client.upsert(collection, docs));
    }

    @Override
    public void removeAll(java.util.Collection<String> ids) {
        ensureNotEmpty(ids, "ids");
        run(() -> client.delete(collection, List.copyOf(ids)));
    }

    @Override
    public void removeAll(Filter filter) {
        ensureNotNull(filter, "filter");
        JsonNode where = MetaFilterJson.toJson(FilterTranslator.translate(filter));
        run(() -> client.deleteWhere(collection, where));
    }

    /** Drops the collection and creates it again with the same model, bits and float format. */
    @Override
    public void removeAll() {
        JsonNode info = client.info(collection);
        if (info == null) {
            return;
        }
        client.dropCollection(collection);
        client.createCollection(collection, info.get("model").asText(), info.get("bits").asInt(), info.get("floats").asText());
    }

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        int k = Math.min(request.maxResults(), maxK);
        int over = Math.max(1, Math.min(oversample, maxK / k));
        JsonNode where = request.filter() == null ? null : MetaFilterJson.toJson(FilterTranslator.translate(request.filter()));
        float[] q = request.queryEmbedding().vector();
        List<BitsieveClient.Hit> hits = call(() -> client.search(collection, q, k, over, where));
        Map<String, float[]> vectors = new HashMap<>();
        List<String> ids = hits.stream().map(BitsieveClient.Hit::id).toList();
        if (!ids.isEmpty()) {
            for (BitsieveClient.Document d : client.get(collection, ids, true)) {
                vectors.put(d.id(), d.vector());
            }
        }
        List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>();
        for (BitsieveClient.Hit h : hits) {
            float[] v = vectors.get(h.id());
            if (v == null) {
                continue; // deleted between the search and the fetch
            }
            double score = RelevanceScore.fromCosineSimilarity(cosine(q, v));
            if (score >= request.minScore()) {
                matches.add(new EmbeddingMatch<>(score, h.id(), Embedding.from(v), MetadataCodec.decode(h.text(), h.metadataJson())));
            }
        }
        // the server ranked by its float32 cosine; re-sorting by ours keeps the order the scores state (stable for ties)
        matches.sort(Comparator.comparingDouble((EmbeddingMatch<TextSegment> m) -> m.score()).reversed());
        return new EmbeddingSearchResult<>(matches);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    private static void run(Runnable r) {
        call(() -> {
            r.run();
            return null;
        });
    }

    /** A 400 from the server is bad input from the caller: LangChain4j's convention is IllegalArgumentException. */
    private static <T> T call(java.util.function.Supplier<T> s) {
        try {
            return s.get();
        } catch (BitsieveClient.ApiException e) {
            if (e.status() == 400) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            throw e;
        }
    }

    public static final class Builder {
        private BitsieveClient client;
        private String collection;
        private String model = org.bitsieve.embed.Models.DEFAULT;
        private int bits = org.bitsieve.embed.GeneralEncoders.DEFAULT_BITS;
        private int oversample = 10;
        private int maxK = 1000;

        public Builder client(BitsieveClient c) { this.client = c; return this; }

        /** Server URL and API key (null for a server without keys). */
        public Builder baseUrl(String url, String apiKey) { this.client = new BitsieveClient(url, apiKey); return this; }

        /** The collection's name; created (model, bits, f32 floats) when it does not exist. */
        public Builder collection(String name) { this.collection = name; return this; }

        public Builder model(String m) { this.model = m; return this; }

        public Builder bits(int b) { this.bits = b; return this; }

        /** Candidates re-ranked per result (default 10), within the server's max_k. */
        public Builder oversample(int o) { this.oversample = Math.max(1, o); return this; }

        /** The server's max_k (default 1000): k x oversample is kept within it. */
        public Builder maxK(int m) { this.maxK = m; return this; }

        public BitsieveRemoteEmbeddingStore build() { return new BitsieveRemoteEmbeddingStore(this); }
    }
}
