package org.bitsieve.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Bad input is a clear error and writes nothing. */
class StoreBadInputTest {
    @TempDir
    Path dir;

    private static Embedding e(int seed) {
        float[] v = new float[384];
        v[seed % 384] = 1;
        v[(seed * 7 + 3) % 384] = 0.5f;
        return Embedding.from(v);
    }

    @Test
    void badBatchesWriteNothing() {
        try (BitsieveEmbeddingStore s = TestStores.embedded(dir)) {
            TextSegment ok = TextSegment.from("ok", new Metadata().put("n", 1));
            assertThrows(IllegalArgumentException.class, () -> s.addAll(List.of("a", " "), List.of(e(1), e(2)), List.of(ok, ok)));
            TextSegment reserved = TextSegment.from("x", Metadata.from(MetadataCodec.TYPES, "y"));
            assertThrows(IllegalArgumentException.class, () -> s.addAll(List.of("a", "b"), List.of(e(1), e(2)), List.of(ok, reserved)));
            assertThrows(IllegalArgumentException.class,
                    () -> s.addAll(List.of("a", "b"), List.of(e(1), Embedding.from(new float[3])), List.of(ok, ok)));
            assertThrows(IllegalArgumentException.class, () -> s.addAll(List.of("a"), List.of(e(1), e(2)), null));
            assertEquals(0, s.collection().count());
        }
    }

    @Test
    void filterTypeMismatchIsAnErrorInSearchAndDelete() {
        try (BitsieveEmbeddingStore s = TestStores.embedded(dir)) {
            s.addAll(List.of("a", "b"), List.of(e(1), e(2)),
                    List.of(TextSegment.from("a", new Metadata().put("n", 1)), TextSegment.from("b", new Metadata().put("n", 2))));
            EmbeddingSearchRequest bad = EmbeddingSearchRequest.builder().queryEmbedding(e(1)).maxResults(5)
                    .filter(metadataKey("n").isEqualTo("1")).build();
            assertThrows(IllegalArgumentException.class, () -> s.search(bad));
            assertThrows(IllegalArgumentException.class, () -> s.removeAll(metadataKey("n").isGreaterThan("1")));
            assertEquals(2, s.collection().count());
            s.removeAll(metadataKey("n").isGreaterThan(1));
            assertEquals(List.of("a"), s.search(EmbeddingSearchRequest.builder().queryEmbedding(e(2)).maxResults(5).build())
                    .matches().stream().map(m -> m.embeddingId()).toList());
        }
    }

    @Test
    void scoresAreRelevanceOfTheExactCosine() {
        try (BitsieveEmbeddingStore s = TestStores.embedded(dir)) {
            s.addAll(List.of("a", "b"), List.of(e(1), e(2)), null);
            var m = s.search(EmbeddingSearchRequest.builder().queryEmbedding(e(1)).maxResults(2).build()).matches();
            assertEquals(1.0, m.get(0).score(), 1e-6);
            float[] a = e(1).vector();
            float[] b = e(2).vector();
            double dot = 0, na = 0, nb = 0;
            for (int i = 0; i < a.length; i++) {
                dot += a[i] * b[i];
                na += a[i] * a[i];
                nb += b[i] * b[i];
            }
            assertEquals((dot / Math.sqrt(na * nb) + 1) / 2, m.get(1).score(), 1e-6, Arrays.toString(new double[] {dot}));
        }
    }
}
