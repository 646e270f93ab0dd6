package org.bitsieve.embed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelsTest {
    @Test
    void unknownModelNameListsTheKnownOnes() {
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> Models.open("no-such-model"));
        assertTrue(e.getMessage().contains("unknown model 'no-such-model'"), e.getMessage());
        for (String name : Models.knownNames()) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void missingFolderIsReportedAsAFolder() {
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> Models.open("./no/such/dir"));
        assertTrue(e.getMessage().contains("no model folder at './no/such/dir'"), e.getMessage());
    }

    @Test
    void aFileInsteadOfAFolderIsExplained(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("model.onnx"), "x");
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> Models.open(file.toString()));
        assertTrue(e.getMessage().contains("is a file; give the folder"), e.getMessage());
    }

    @Test
    void allBundledModelsAreOnTheClasspathOfThisModule() {
        assertEquals(Models.knownNames(), Models.availableNames());
    }

    @Test
    void namesAreMatchedLeniently() {
        assertEquals("bge-small-en-v1.5", Models.spec("BAAI/bge-small-en-v15").name());
        assertEquals("all-minilm-l6-v2", Models.spec("sentence-transformers/all-MiniLM-L6-v2").name());
    }

    @Test
    void defaultModelIsSymmetricAndUnitLength() {
        TextEmbedder e = SharedModel.get();
        assertEquals("all-minilm-l6-v2", e.modelName());
        assertEquals(384, e.dimension());
        List<String> texts = List.of("A cat sits on the mat.", "Stock markets fell sharply today.");
        float[][] q = e.embed(texts, TextRole.QUERY);
        float[][] p = e.embed(texts, TextRole.PASSAGE);
        assertArrayEquals(q[0], p[0], 1e-6f);
        double norm = 0;
        for (float x : q[1]) {
            norm += x * x;
        }
        assertEquals(1.0, norm, 1e-5);
    }

    /** Results must come back in input order although batches are sorted by length. */
    @Test
    void orderIsKeptAcrossLengthSortedBatches() {
        TextEmbedder e = SharedModel.get();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            texts.add("word ".repeat(1 + (i * 7) % 23) + i);
        }
        float[][] all = e.embed(texts, TextRole.PASSAGE);
        for (int i : new int[] {0, 13, 39}) {
            assertArrayEquals(e.embed(List.of(texts.get(i)), TextRole.PASSAGE)[0], all[i], 1e-4f);
        }
    }

    @Test
    void quantizedDefaultModelIsCloseToFloat() {
        List<String> texts = List.of("The weather is lovely today.", "How do I reset my card PIN?");
        float[][] f = SharedModel.get().embed(texts, TextRole.PASSAGE);
        try (TextEmbedder q = Models.open("all-minilm-l6-v2-q")) {
            float[][] v = q.embed(texts, TextRole.PASSAGE);
            for (int i = 0; i < texts.size(); i++) {
                assertTrue(cos(f[i], v[i]) > 0.95, "cosine " + cos(f[i], v[i]));
            }
        }
    }

    /**
     * bge (CLS pooling, query instruction) and e5 (mean pooling, query:/passage: prefixes): the relevant passage
     * must score above the unrelated one, and the query role must change the vector.
     */
    @Test
    void retrievalModelsRankTheRelevantPassageFirst() {
        for (String model : List.of("bge-small-en-v1.5", "e5-small-v2", "bge-small-en-v1.5-q", "e5-small-v2-q")) {
            try (TextEmbedder e = Models.open(model, EmbedOptions.defaults().withThreads(2))) {
                assertEquals(384, e.dimension());
                float[] query = e.embed(List.of("how much protein should a woman eat"), TextRole.QUERY)[0];
                float[] asPassage = e.embed(List.of("how much protein should a woman eat"), TextRole.PASSAGE)[0];
                float[][] passages = e.embed(List.of(
                        "As a general guideline, the average requirement of protein for women ages 19 to 70 is 46 grams per day.",
                        "The Eiffel Tower was completed in 1889 and is located in Paris."), TextRole.PASSAGE);
                assertTrue(cos(query, passages[0]) > cos(query, passages[1]) + 0.1, model);
                assertTrue(cos(query, asPassage) < 0.9999, model + ": query prefix had no effect");
            }
        }
    }

    static double cos(float[] a, float[] b) {
        return ReferenceSets.cosine(a, 0, b, 0, a.length);
    }
}
