package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.SharedData;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@link RefitOptions.Ranking}: which candidate wins under each ranking, the kinds each tries, and the Hamming warning. */
class RefitRankingTest {

    @Test
    void eachRankingTakesItsOwnBestAndSaysWhenHammingGetsWeaker() throws IOException {
        // TREC questions measured against an itq encoder fitted on IMDB reviews: every candidate gains, and pq and pcaq trade
        // Hamming recall for asymmetric recall, so the two rankings can disagree
        FloatMatrix own = Npy.read(SharedData.dir().resolve("embeddings/all-minilm-l6-v2/trec/train.npy")).slice(0, 1500);
        Encoder current = Encoders.fit("itq", Npy.read(SharedData.dir().resolve("embeddings/all-minilm-l6-v2/imdb/train.npy")).slice(0, 1500),
                FitOptions.bits(256));
        List<String> kinds = List.of("sign", "pcaq", "pq");
        RefitOptions base = RefitOptions.defaults().withMinimums(1000, 300).withDryRun(true);
        RefitReport asym = EncoderSelection.select(own, current, 256, base.withRanking(RefitOptions.Ranking.ASYMMETRIC).withKinds(kinds),
                own.rows()).report();
        RefitReport bal = EncoderSelection.select(own, current, 256, base.withRanking(RefitOptions.Ranking.BALANCED).withKinds(kinds),
                own.rows()).report();

        RefitReport.Candidate bestAsym = asym.candidates().stream().max(Comparator.comparingDouble(RefitReport.Candidate::recall)).orElseThrow();
        RefitReport.Candidate bestMean = bal.candidates().stream()
                .max(Comparator.comparingDouble(c -> (c.recall() + c.hammingRecall()) / 2)).orElseThrow();
        assertEquals(bestAsym.kind(), asym.chosen().split(" ")[0], asym.describe());
        assertEquals(bestMean.kind(), bal.chosen().split(" ")[0], bal.describe());
        assertTrue(asym.reason().contains("asymmetric recall@10"), asym.reason());
        assertTrue(bal.reason().contains("mean of asymmetric and Hamming"), bal.reason());
        // the fits are seeded: both rankings measured the same candidates
        for (int i = 0; i < kinds.size(); i++) {
            assertEquals(asym.candidates().get(i).recall(), bal.candidates().get(i).recall(), 1e-12);
        }
        // pq's Hamming recall is far below its asymmetric one (polysemous numbering only): say so when it is chosen
        RefitReport.Candidate pq = asym.candidates().get(2);
        assertEquals("pq", pq.kind());
        assertTrue(pq.hammingRecall() < pq.recall() - 0.2, asym.describe());
        // the warning is there exactly when the winner's Hamming recall is 5+ points below the current encoder's
        assertEquals(bestAsym.hammingRecall() < asym.hammingBefore() - 0.05, asym.reason().contains("Hamming recall@10 drops"),
                asym.describe());
        assertTrue(asym.reason().contains("Hamming recall@10 drops") || !bestAsym.kind().equals("pq"),
                "pq wins here and its Hamming recall is far below the itq encoder's: " + asym.describe());
        RefitReport.Candidate chosenBal = bal.candidates().stream().filter(c -> bal.chosen().startsWith(c.kind() + " ")).findFirst().orElseThrow();
        assertEquals(bestAsym.recall() >= chosenBal.recall() + 0.03, bal.reason().contains("by asymmetric recall alone " + bestAsym.kind() + " leads"),
                bal.reason());
        assertFalse(bal.chosen().startsWith("pq"), "the balanced ranking should not take pq's coarse Hamming codes: " + bal.describe());
    }

    @Test
    void rankingsNameTheirKindsAndRefuseUnknownNames() {
        assertEquals(List.of("witq", "itq", "pcaq", "pq"), RefitOptions.defaults().withRanking(RefitOptions.Ranking.ASYMMETRIC).kinds());
        assertEquals(List.of("witq", "itq", "pcaq"), RefitOptions.defaults().withRanking(RefitOptions.Ranking.BALANCED).kinds());
        assertEquals(RefitOptions.DEFAULT_RANKING, RefitOptions.defaults().ranking());
        // kinds the caller chose survive a change of ranking
        assertEquals(List.of("pcaq"), RefitOptions.defaults().withKinds(List.of("pcaq")).withRanking(RefitOptions.Ranking.ASYMMETRIC).kinds());
        assertEquals(RefitOptions.Ranking.ASYMMETRIC, RefitOptions.Ranking.parse(" Asymmetric "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RefitOptions.Ranking.parse("fastest"));
        assertTrue(e.getMessage().contains("asymmetric or balanced"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RefitOptions.Ranking.parse(null));
    }
}
