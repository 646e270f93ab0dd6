package org.bitsieve.embed;

import org.bitsieve.core.FloatMatrix;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadInputTest {
    @Test
    void emptyTextIsRefusedNamingItsIndex() {
        EmbeddingException e = assertThrows(EmbeddingException.class,
                () -> SharedModel.get().embed(List.of("fine", "", "also fine"), TextRole.PASSAGE));
        assertTrue(e.getMessage().startsWith("text 1 (0-based) is empty"), e.getMessage());
    }

    @Test
    void blankTextIsRefused() {
        EmbeddingException e = assertThrows(EmbeddingException.class,
                () -> SharedModel.get().embed(List.of(" \t\n"), TextRole.QUERY));
        assertTrue(e.getMessage().startsWith("text 0 (0-based) is blank"), e.getMessage());
    }

    @Test
    void nullTextIsRefused() {
        List<String> texts = new ArrayList<>(List.of("a", "b"));
        texts.add(null);
        EmbeddingException e = assertThrows(EmbeddingException.class,
                () -> SharedModel.get().embedAll(texts, TextRole.PASSAGE, ProgressListener.NONE));
        assertTrue(e.getMessage().startsWith("text 2 (0-based) is null"), e.getMessage());
    }

    @Test
    void noTextsGiveAnEmptyMatrix() {
        FloatMatrix m = SharedModel.get().embedAll(List.of(), TextRole.PASSAGE, ProgressListener.NONE);
        assertEquals(0, m.rows());
        assertEquals(384, m.dim());
    }

    @Test
    void overlongTextIsTruncatedAndCounted() {
        TextEmbedder e = SharedModel.get();
        String longText = "lorem ipsum dolor sit amet ".repeat(400);
        String head = "lorem ipsum dolor sit amet ".repeat(100);
        EmbedStats before = e.stats();
        float[][] v = e.embed(List.of(longText, "short text"), TextRole.PASSAGE);
        EmbedStats st = e.stats().minus(before);
        assertEquals(new EmbedStats(2, 256 + 4, 1), st); // "short text" = [CLS] short text [SEP]
        // only the first 256 tokens count: the vector equals that of any text with the same first 254 word pieces
        float[] headVector = e.embed(List.of(head), TextRole.PASSAGE)[0];
        assertTrue(ModelsTest.cos(v[0], headVector) > 0.9999);
    }

    @Test
    void maxTokensOptionOverridesTheModelLimit() {
        try (TextEmbedder e = Models.open(Models.DEFAULT, EmbedOptions.defaults().withMaxTokens(16).withThreads(1))) {
            assertEquals(16, e.maxTokens());
            e.embed(List.of("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen",
                    "short"), TextRole.PASSAGE);
            assertEquals(new EmbedStats(2, 16 + 3, 1), e.stats());
        }
    }

    @Test
    void progressIsReportedUpToTheTotal() {
        List<long[]> calls = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            texts.add("sentence number " + i);
        }
        SharedModel.get().embedAll(texts, TextRole.PASSAGE, (done, total) -> calls.add(new long[] {done, total}));
        assertEquals(3, calls.size()); // batches of 16, 16, 8
        assertEquals("[40, 40]", Arrays.toString(calls.get(2)));
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> EmbedOptions.defaults().withBatchSize(0));
        assertThrows(IllegalArgumentException.class, () -> EmbedOptions.defaults().withThreads(-1));
        assertThrows(IllegalArgumentException.class, () -> EmbedOptions.defaults().withMaxTokens(1));
    }
}
