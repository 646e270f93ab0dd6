package org.bitsieve.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Which texts of the two general corpora (sentences, passages) a general encoder is fitted on: {@code size} texts of
 * which a share {@code passageShare} are passages. Both corpora are drawn without replacement by the same seeded
 * Fisher-Yates ({@link FitCommand#sample}): sentences with {@code seed}, passages with {@code seed + 1}, so that a
 * share of 0 selects exactly the sentences of the fits made before passages existed (their files stay reproducible).
 * When the passages asked for exceed the corpus, the sample shrinks so that the share still holds: the share, not the
 * size, is what the validation study varies (a share of 1 is every passage and nothing else).
 */
public record GeneralSample(int sentences, int passages) {
    public GeneralSample {
        if (sentences < 0 || passages < 0 || sentences + passages == 0) {
            throw new IllegalArgumentException("empty general sample: " + sentences + " sentences, " + passages + " passages");
        }
    }

    /** How many of each corpus a sample of {@code size} texts with {@code passageShare} passages takes. */
    public static GeneralSample plan(int size, double passageShare, int sentencesAvailable, int passagesAvailable) {
        if (!(passageShare >= 0 && passageShare <= 1)) {
            throw new IllegalArgumentException("passage share must be in [0, 1], got " + passageShare);
        }
        if (size <= 0) {
            throw new IllegalArgumentException("sample size must be positive, got " + size);
        }
        int p = (int) Math.round(size * passageShare);
        int s = size - p;
        if (p > passagesAvailable) { // keep the share: fewer sentences rather than a different mix
            p = passagesAvailable;
            s = passageShare == 1 ? 0 : (int) Math.round(p * (1 - passageShare) / passageShare);
        }
        return new GeneralSample(Math.min(s, sentencesAvailable), p);
    }

    /** The texts: the chosen sentences, then the chosen passages (each in its shuffled order). */
    public List<String> texts(List<String> sentenceCorpus, List<String> passageCorpus, long seed) {
        if (passages > 0 && passageCorpus == null) {
            throw new IllegalArgumentException("a sample with passages needs the passage corpus");
        }
        List<String> out = new ArrayList<>(sentences + passages);
        for (int i : org.bitsieve.core.Shuffle.firstOf(sentenceCorpus.size(), sentences, seed)) {
            out.add(sentenceCorpus.get(i));
        }
        if (passages > 0) {
            for (int i : org.bitsieve.core.Shuffle.firstOf(passageCorpus.size(), passages, seed + 1)) {
                out.add(passageCorpus.get(i));
            }
        }
        return out;
    }

    public double passageShare() {
        return passages / (double) (sentences + passages);
    }

}
