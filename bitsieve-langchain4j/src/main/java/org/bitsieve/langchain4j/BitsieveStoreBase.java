package org.bitsieve.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingStore;

import java.util.ArrayList;
import java.util.List;

import static dev.langchain4j.internal.ValidationUtils.ensureNotNull;

/**
 * What the embedded and the remote store share: LangChain4j's convenience forms of {@code add} and the checks of
 * {@code addAll}, so both variants accept and refuse exactly the same input. A subclass writes one checked batch.
 */
abstract class BitsieveStoreBase implements EmbeddingStore<TextSegment> {

    /** One document to write: a non-blank id, its vector, and the segment's text and metadata JSON (null if none). */
    record Row(String id, float[] vector, String text, String metadataJson) {}

    /** Writes the rows as one atomic upsert (an id that exists is replaced). */
    abstract void upsert(List<Row> rows);

    @Override
    public String add(Embedding embedding) {
        String id = generateIds(1).get(0);
        add(id, embedding);
        return id;
    }

    @Override
    public void add(String id, Embedding embedding) { addAll(List.of(id), List.of(embedding), null); }

    @Override
    public String add(Embedding embedding, TextSegment segment) {
        String id = generateIds(1).get(0);
        addAll(List.of(id), List.of(embedding), List.of(segment));
        return id;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        List<String> ids = generateIds(embeddings.size());
        addAll(ids, embeddings, null);
        return ids;
    }

    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
        ensureNotNull(ids, "ids");
        ensureNotNull(embeddings, "embeddings");
        if (ids.size() != embeddings.size() || (segments != null && segments.size() != ids.size())) {
            throw new IllegalArgumentException("ids, embeddings and segments must have the same size");
        }
        List<Row> rows = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id cannot be null or blank");
            }
            TextSegment s = segments == null ? null : segments.get(i);
            Embedding e = ensureNotNull(embeddings.get(i), "embedding");
            rows.add(new Row(id, e.vector(), s == null ? null : s.text(), MetadataCodec.encode(s)));
        }
        // everything was converted and checked above: one atomic batch, so bad input writes nothing
        upsert(rows);
    }
}
