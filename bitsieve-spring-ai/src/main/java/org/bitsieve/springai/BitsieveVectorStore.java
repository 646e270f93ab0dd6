package org.bitsieve.springai;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.Models;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.Doc;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.Hit;
import org.bitsieve.store.filter.MetaFilter;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Spring AI {@link org.springframework.ai.vectorstore.VectorStore} over an in-process bitsieve
 * {@link Collection}, built like Spring AI's own stores (on {@link AbstractObservationVectorStore}, so adds,
 * deletes and queries are observed through Micrometer).
 *
 * <p>Search scans the bit codes for the best {@code topK * oversample} documents that pass the filter (the
 * filter is applied inside the scan, so top k is over matching documents), then re-ranks them by the exact
 * cosine of the stored float vectors. Collections of up to {@code exactBelow} documents re-rank every matching
 * document, so their results are exact. {@link Document#getScore()} is that cosine, as in Spring AI's
 * {@code SimpleVectorStore} and the pgvector store's cosine distance ({@code score = 1 - distance}); the
 * {@code distance} metadata entry is {@code 1 - score}; {@code similarityThreshold} cuts on the score.
 *
 * <p>Adding a document whose id exists replaces it. A batch is embedded and checked whole before one atomic,
 * fsynced write, so bad input writes nothing.
 */
public final class BitsieveVectorStore extends AbstractObservationVectorStore implements AutoCloseable {
    /** The observation's {@code db.system}. */
    public static final String PROVIDER = "bitsieve";

    private final Collection collection;
    private final boolean owned;
    private final String collectionName;
    private final int oversample;
    private final int exactBelow;

    private BitsieveVectorStore(Builder b) {
        super(b);
        if (b.oversample < 1) {
            throw new IllegalArgumentException("oversample must be at least 1, got " + b.oversample);
        }
        if (b.exactBelow < 0) {
            throw new IllegalArgumentException("exactBelow must not be negative, got " + b.exactBelow);
        }
        this.oversample = b.oversample;
        this.exactBelow = b.exactBelow;
        if (b.collection != null) {
            this.collection = b.collection;
            this.owned = false;
        } else {
            if (b.directory == null) {
                throw new IllegalArgumentException("a BitsieveVectorStore needs a collection directory (directory(path)) or an open collection (collection(c))");
            }
            this.collection = openOrCreate(b);
            this.owned = true;
        }
        if (collection.floats() == FloatFormat.NONE) {
            if (owned) {
                closeQuietly(collection);
            }
            throw new IllegalArgumentException("collection " + collection.dir() + " keeps no float vectors, which the store needs to re-rank"
                    + " and score by exact cosine: use a collection created with floats f16 or f32");
        }
        Path dir = collection.dir();
        this.collectionName = b.collectionName != null ? b.collectionName
                : dir != null && dir.getFileName() != null ? dir.getFileName().toString() : "bitsieve";
    }

    private static Collection openOrCreate(Builder b) {
        try {
            if (Collection.exists(b.directory)) {
                return Collection.open(b.directory);
            }
            if (!b.createIfMissing) {
                throw new IllegalStateException("no bitsieve collection at " + b.directory.toAbsolutePath()
                        + " and create-if-missing is off: create it first (bitsieve CLI or Collection.create) or turn create-if-missing on");
            }
            Encoder enc = b.encoder != null ? b.encoder : GeneralEncoders.load(b.model, b.bits);
            return Collection.create(b.directory, enc, CollectionOptions.defaults().withFloats(FloatFormat.F32));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open or create the bitsieve collection at " + b.directory.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    public static Builder builder(EmbeddingModel embeddingModel) { return new Builder(embeddingModel); }

    /** The collection underneath, for bitsieve's own API (snapshots, compaction, info). */
    public Collection collection() { return collection; }

    /** How many documents the store holds. */
    public int count() { return collection.count(); }

    @Override
    public void doAdd(List<Document> documents) {
        Objects.requireNonNull(documents, "documents must not be null");
        if (documents.isEmpty()) {
            return;
        }
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            if (d == null) {
                throw new IllegalArgumentException("document " + i + " of the batch is null");
            }
            if (d.getId() == null || d.getId().isBlank()) {
                throw new IllegalArgumentException("document " + i + " of the batch has a blank id");
            }
            if (d.getText() == null) {
                throw new IllegalArgumentException("document '" + d.getId() + "' has no text");
            }
        }
        List<float[]> vectors = embeddingModel.embed(documents, EmbeddingOptions.builder().build(), batchingStrategy);
        List<Doc> docs = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            float[] v = checkDimension(vectors.get(i), "document '" + d.getId() + "'");
            docs.add(new Doc(d.getId(), v, d.getText(), MetadataJson.encode(d.getId(), d.getMetadata())));
        }
        // everything was embedded and checked above: one atomic batch, so bad input writes nothing
        try {
            collection.upsert(docs);
            collection.refitIfDue(); // an application is the long-running host the automatic refit waits for
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void doDelete(List<String> idList) {
        Objects.requireNonNull(idList, "ids must not be null");
        for (String id : idList) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("ids to delete must not be null or blank, got " + idList);
            }
        }
        if (idList.isEmpty()) {
            return;
        }
        try {
            collection.delete(List.copyOf(idList)); // ids that do not exist are ignored, as in Spring AI's stores
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void doDelete(Filter.Expression filterExpression) {
        Objects.requireNonNull(filterExpression, "filter expression must not be null");
        MetaFilter f = FilterConverter.convert(filterExpression);
        try {
            collection.deleteWhere(f); // checks every document before writing: a type mismatch deletes nothing
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<Document> doSimilaritySearch(SearchRequest request) {
        Objects.requireNonNull(request, "search request must not be null");
        MetaFilter where = FilterConverter.convert(request.getFilterExpression());
        int count = collection.count();
        if (count == 0) {
            return List.of();
        }
        float[] query = checkDimension(embeddingModel.embed(request.getQuery()), "the query");
        int k = request.getTopK();
        // re-rank every candidate of a small collection (exact), a fixed multiple of k in a large one
        int over = count <= exactBelow ? Math.max(oversample, (count + k - 1) / k) : oversample;
        org.bitsieve.store.SearchRequest sr = org.bitsieve.store.SearchRequest.of(query, k).oversample(over).where(where);
        double threshold = request.getSimilarityThreshold();
        List<Document> out = new ArrayList<>();
        for (Hit h : collection.search(sr)) {
            double score = h.score();
            if (score < threshold) {
                break; // hits come best first
            }
            Map<String, Object> meta = MetadataJson.decode(h.metadataJson());
            meta.put(DocumentMetadata.DISTANCE.value(), (float) (1 - score));
            out.add(Document.builder().id(h.id()).text(h.text() == null ? "" : h.text()).metadata(meta).score(score).build());
        }
        return out;
    }

    private float[] checkDimension(float[] v, String what) {
        int dim = collection.encoder().dimension();
        if (v == null || v.length != dim) {
            throw new IllegalArgumentException("the embedding model gave " + what + " a " + (v == null ? "null" : v.length + "-d")
                    + " vector, but collection '" + collectionName + "' holds " + dim + "-d vectors: use the embedding model the collection"
                    + " was built for, or a new collection for this model");
        }
        return v;
    }

    @Override
    public VectorStoreObservationContext.Builder createObservationContextBuilder(String operationName) {
        return VectorStoreObservationContext.builder(PROVIDER, operationName)
                .collectionName(collectionName)
                .dimensions(collection.encoder().dimension())
                .similarityMetric(VectorStoreSimilarityMetric.COSINE.value());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> getNativeClient() {
        return Optional.of((T) collection);
    }

    /** Closes the collection if this store opened it. */
    @Override
    public void close() {
        if (owned) {
            try {
                collection.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void closeQuietly(Collection c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // already failing with a clearer error
        }
    }

    /** Builds a store over an open {@link Collection}, or opens / creates one in a directory. */
    public static final class Builder extends AbstractVectorStoreBuilder<Builder> {
        private Collection collection;
        private Path directory;
        private Encoder encoder;
        private String model = Models.DEFAULT;
        private int bits = GeneralEncoders.DEFAULT_BITS;
        private boolean createIfMissing = true;
        private String collectionName;
        private int oversample = 10;
        private int exactBelow = 10_000;

        private Builder(EmbeddingModel embeddingModel) {
            super(embeddingModel);
        }

        /** Use this open collection (the store will not close it). It needs stored floats (f16 or f32). */
        public Builder collection(Collection c) { this.collection = c; return this; }

        /** Open the collection in this directory, or create it there (see {@link #createIfMissing}). */
        public Builder directory(Path dir) { this.directory = dir; return this; }

        /** The encoder for a new collection (default: the shipped general encoder of {@link #model}). */
        public Builder encoder(Encoder e) { this.encoder = e; return this; }

        /** The bundled model whose shipped encoder a new collection uses (default all-minilm-l6-v2). */
        public Builder model(String name) { this.model = Objects.requireNonNull(name, "model"); return this; }

        /** The shipped encoder's bit budget for a new collection (128, 256 or 512; default 256). */
        public Builder bits(int b) { this.bits = b; return this; }

        /** Create the collection when the directory holds none (default true); off, a missing one is an error. */
        public Builder createIfMissing(boolean c) { this.createIfMissing = c; return this; }

        /** The name observations report (default: the directory's name). */
        public Builder collectionName(String name) { this.collectionName = name; return this; }

        /** Candidates re-ranked per result in large collections (default 10). */
        public Builder oversample(int o) { this.oversample = o; return this; }

        /** Collections up to this many documents re-rank every candidate, so search is exact (default 10,000). */
        public Builder exactBelow(int n) { this.exactBelow = n; return this; }

        @Override
        public BitsieveVectorStore build() { return new BitsieveVectorStore(this); }
    }
}
