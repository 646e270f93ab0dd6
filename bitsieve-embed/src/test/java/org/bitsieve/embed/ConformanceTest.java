package org.bitsieve.embed;

import org.bitsieve.core.FloatMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Our embedder against the reference vectors in shared/embeddings (made with the same model jar, ONNX Runtime
 * and tokenizer versions): every text of a small spread sample must reach cosine 0.999. The full check over every
 * dataset is {@code org.bitsieve.bench.embed.Conformance} (bitsieve-bench).
 */
class ConformanceTest {
    static final int SAMPLE = 30;

    private static Path shared() {
        return org.bitsieve.core.SharedData.dir(); // skips without the data folder unless it was asked for
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({"imdb,test", "sst2,test", "trec,test", "agnews,test", "stsb,test_b", "scifact,corpus",
            "scifact,queries", "banking77,test"})
    void matchesReferenceVectors(String dataset, String split) throws Exception {
        ReferenceSets.Sample s = ReferenceSets.of(shared(), Models.DEFAULT, dataset, split).sample(SAMPLE);
        TextEmbedder e = SharedModel.get();
        FloatMatrix got = e.embedAll(s.texts(), TextRole.PASSAGE, ProgressListener.NONE);
        double[] cos = ReferenceSets.rowCosines(got, s.reference());
        for (int i = 0; i < cos.length; i++) {
            assertTrue(cos[i] >= 0.999, dataset + "/" + split + " row " + s.rows()[i] + ": cosine " + cos[i]);
        }
    }

    /** IMDB reviews are mostly longer than 256 tokens: the reference was cut at 256, not at the jar's 128. */
    @Test
    void longTextsAreTruncatedAt256TokensAndCounted() throws Exception {
        ReferenceSets.Sample s = ReferenceSets.of(shared(), Models.DEFAULT, "imdb", "train").sample(SAMPLE);
        TextEmbedder e = SharedModel.get();
        assertEquals(256, e.maxTokens());
        EmbedStats before = e.stats();
        FloatMatrix got = e.embedAll(s.texts(), TextRole.PASSAGE, ProgressListener.NONE);
        EmbedStats st = e.stats().minus(before);
        assertEquals(SAMPLE, st.texts());
        assertTrue(st.truncated() > 5, "expected several truncated IMDB reviews, got " + st.truncated());
        assertTrue(st.tokens() <= 256L * SAMPLE);
        double[] cos = ReferenceSets.rowCosines(got, s.reference());
        assertTrue(Arrays.stream(cos).min().orElseThrow() >= 0.999);
    }
}
