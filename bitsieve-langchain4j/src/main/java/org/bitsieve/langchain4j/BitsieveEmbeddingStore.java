package org.bitsieve.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.Models;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.Doc;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.Hit;
import org.bitsieve.store.SearchRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.langchain4j.internal.ValidationUtils.ensureNotEmpty;
import static dev.langchain4j.internal.ValidationUtils.ensureNotNull;

/**
 * A LangChain4j {@link EmbeddingStore} over an in-process bitsieve {@link Collection}.
 *
 * <p>Search scans the bit codes for the best {@code maxResults * oversample} documents that pass the filter,
 * then re-ranks them by the exact cosine of the stored float vectors; the score reported is LangChain4j's
 * relevance {@code (cosine + 1) / 2} of that exact cosine. Small collections (up to {@code exactBelow}
 * documents) re-rank every matching document, so their results are exact. Collections this store creates keep
 * float32 vectors, so the embeddings handed back equal the ones added.
 *
 * <p>Adding an id that exists replaces that document. Ids are any non-blank strings (generated ones are UUIDs).
 */
public final class BitsieveEmbeddingStore extends BitsieveStoreBase implements AutoCloseable {
    private final Collection collection;
    private final boolean owned;
    private final int oversample;
    private final int exactBelow;

    private BitsieveEmbeddingStore(Builder b) {
        this.oversample = b.oversample;
        this.exactBelow = b.exactBelow;
        if (b.collection != null) {
            this.collection = b.collection;
            this.owned = false;
            return;
        }
        ensureNotNull(b.directory, "directory");
        try {
            if (Collection.exists(b.directory)) {
                this.collection = Collection.open(b.directory);
            } else {
                Encoder enc = b.encoder != null ? b.encoder : GeneralEncoders.load(b.model, b.bits);
                this.collection = Collection.create(b.directory, enc, CollectionOptions.defaults().withFloats(FloatFormat.F32));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.owned = true;
    }

    public static Builder builder() { return new Builder(); }

    /** The collection underneath, for bitsieve's own API (snapshots, compaction, info). */
    public Collection collection() { return collection; }

    @Override
    void upsert(List<Row> rows) {
        List<Doc> docs = new ArrayList<>(rows.size());
        for (Row r : rows) {
            docs.add(new Doc(r.id(), r.vector(), r.text(), r.metadataJson()));
        }
        try {
            collection.upsert(docs);
            collection.refitIfDue(); // an application is the long-running host the automatic refit waits for
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void removeAll(java.util.Collection<String> ids) {
        ensureNotEmpty(ids, "ids");
        try {
            collection.delete(List.copyOf(ids));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void removeAll(Filter filter) {
        ensureNotNull(filter, "filter");
        try {
            collection.deleteWhere(FilterTranslator.translate(filter));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void removeAll() {
        List<String> ids = new ArrayList<>();
        collection.snapshot().forEachId(ids::add);
        if (!ids.isEmpty()) {
            removeAll(ids);
        }
    }

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        int count = collection.count();
        if (count == 0) {
            return new EmbeddingSearchResult<>(List.of());
        }
        int k = request.maxResults();
        // re-rank every candidate of a small collection (exact), a fixed multiple of k in a large one
        int over = count <= exactBelow ? Math.max(oversample, (count + k - 1) / k) : oversample;
        SearchRequest sr = SearchRequest.of(request.queryEmbedding().vector(), k).oversample(over)
                .where(FilterTranslator.translate(request.filter()));
        List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>();
        for (Hit h : collection.search(sr)) {
            double score = RelevanceScore.fromCosineSimilarity(h.score());
            if (score < request.minScore()) {
                break; // hits come best first
            }
            Doc d = collection.get(h.id());
            Embedding e = d == null || d.vector() == null ? null : Embedding.from(d.vector());
            matches.add(new EmbeddingMatch<>(score, h.id(), e, MetadataCodec.decode(h.text(), h.metadataJson())));
        }
        return new EmbeddingSearchResult<>(matches);
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

    /** Builds a store over an existing {@link Collection}, or opens / creates one in a directory. */
    public static final class Builder {
        private Collection collection;
        private Path directory;
        private Encoder encoder;
        private String model = Models.DEFAULT;
        private int bits = GeneralEncoders.DEFAULT_BITS;
        private int oversample = 10;
        private int exactBelow = 10_000;

        /** Use this open collection (the store will not close it). It needs stored floats (f16 or f32). */
        public Builder collection(Collection c) { this.collection = c; return this; }

        /** Open the collection in this directory, or create it there. */
        public Builder directory(Path dir) { this.directory = dir; return this; }

        /** The encoder for a new collection (default: the shipped general encoder of {@link #model}). */
        public Builder encoder(Encoder e) { this.encoder = e; return this; }

        /** The bundled model whose shipped encoder a new collection uses (default all-minilm-l6-v2). */
        public Builder model(String name) { this.model = name; return this; }

        /** The shipped encoder's bit budget for a new collection (128, 256 or 512; default 256). */
        public Builder bits(int b) { this.bits = b; return this; }

        /** Candidates re-ranked per result in large collections (default 10). */
        public Builder oversample(int o) {
            if (o < 1) {
                throw new IllegalArgumentException("oversample must be at least 1, got " + o);
            }
            this.oversample = o;
            return this;
        }

        /** Collections up to this many documents re-rank every candidate, so search is exact (default 10,000). */
        public Builder exactBelow(int n) { this.exactBelow = n; return this; }

        public BitsieveEmbeddingStore build() { return new BitsieveEmbeddingStore(this); }
    }
}
