package org.bitsieve.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RAG example of docs/langchain4j.md, kept runnable: ingest, retrieve with a metadata filter, build the
 * augmented prompt. The generation step needs a chat model (not bundled), so the test stops at the prompt.
 */
class RagExampleTest {
    @TempDir
    Path dir;

    @Test
    void retrievesFilteredContextForAPrompt() {
        // --- example start
        BitsieveEmbeddingModel model = TestStores.MODEL; // in an application: BitsieveEmbeddingModel.builder().build()
        try (BitsieveEmbeddingStore store = BitsieveEmbeddingStore.builder().directory(dir.resolve("kb")).build()) {
            List<TextSegment> segments = List.of(
                    TextSegment.from("The store keeps a write-ahead log and survives crashes.", new Metadata().put("year", 2025)),
                    TextSegment.from("Bit codes are 32 bytes per document at 256 bits.", new Metadata().put("year", 2026)),
                    TextSegment.from("Paris is the capital of France.", new Metadata().put("year", 2026)));
            store.addAll(model.embedAll(segments).content(), segments);

            ContentRetriever retriever = EmbeddingStoreContentRetriever.builder()
                    .embeddingStore(store)
                    .embeddingModel(model)
                    .maxResults(1)
                    .filter(metadataKey("year").isGreaterThanOrEqualTo(2026))
                    .build();
            String question = "How much memory does each document take?";
            List<Content> context = retriever.retrieve(Query.from(question));
            String prompt = "Answer from the context.\nContext:\n"
                    + context.stream().map(c -> c.textSegment().text()).collect(Collectors.joining("\n"))
                    + "\nQuestion: " + question;
            // chatModel.chat(prompt) would generate the answer here
            // --- example end
            assertEquals(1, context.size());
            assertTrue(prompt.contains("32 bytes per document"), prompt);

            // a type mismatch is an error, not an empty answer
            assertThrows(IllegalArgumentException.class, () -> EmbeddingStoreContentRetriever.builder()
                    .embeddingStore(store).embeddingModel(model)
                    .filter(metadataKey("year").isEqualTo("2026")).build().retrieve(Query.from(question)));
        }
    }
}
