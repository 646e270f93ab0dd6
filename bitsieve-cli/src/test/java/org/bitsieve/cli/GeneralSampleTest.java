package org.bitsieve.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneralSampleTest {
    static List<String> corpus(String prefix, int n) {
        List<String> c = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            c.add(prefix + i);
        }
        return c;
    }

    @Test
    void shareZeroIsTheSentenceSampleOfEarlierFits() {
        List<String> s = corpus("s", 1000);
        GeneralSample plan = GeneralSample.plan(300, 0, s.size(), 50);
        assertEquals(new GeneralSample(300, 0), plan);
        List<String> texts = plan.texts(s, null, 42);
        int[] old = org.bitsieve.core.Shuffle.firstOf(1000, 300, 42); // how fit --general drew its sample before passages existed
        for (int i = 0; i < old.length; i++) {
            assertEquals(s.get(old[i]), texts.get(i));
        }
    }

    @Test
    void mixHasTheAskedShareWithoutRepeats() {
        List<String> s = corpus("s", 1000);
        List<String> p = corpus("p", 200);
        GeneralSample plan = GeneralSample.plan(400, 0.25, s.size(), p.size());
        assertEquals(new GeneralSample(300, 100), plan);
        List<String> texts = plan.texts(s, p, 7);
        assertEquals(400, new HashSet<>(texts).size(), "drawn without replacement");
        assertEquals(100, texts.stream().filter(t -> t.startsWith("p")).count());
        assertEquals(texts, plan.texts(s, p, 7), "seeded");
        assertTrue(!texts.equals(plan.texts(s, p, 8)), "the seed draws the sample");
    }

    @Test
    void runningOutOfPassagesShrinksTheSampleButKeepsTheShare() {
        GeneralSample half = GeneralSample.plan(1000, 0.5, 5000, 200);
        assertEquals(new GeneralSample(200, 200), half);
        GeneralSample only = GeneralSample.plan(1000, 1, 5000, 200);
        assertEquals(new GeneralSample(0, 200), only);
        assertEquals(1.0, only.passageShare());
        GeneralSample tenth = GeneralSample.plan(100_000, 0.4, 209_613, 21_580);
        assertEquals(21_580, tenth.passages());
        assertEquals(0.4, tenth.passageShare(), 1e-4);
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> GeneralSample.plan(100, 1.5, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> GeneralSample.plan(100, -0.1, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> GeneralSample.plan(0, 0, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> new GeneralSample(5, 5).texts(corpus("s", 10), null, 1));
    }
}
