package org.bitsieve.core.eval;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.TestData;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quality bar on real data (MR sentence polarity, reference all-MiniLM-L6-v2 embeddings): the default
 * encoder at 256 bits keeps kNN accuracy (k = 10) within 1.0 point of float32, asymmetric and Hamming.
 */
class QualityTest {
    static final Pattern LABEL = Pattern.compile("\"label\"\\s*:\\s*(-?\\d+)");

    static int[] labels(Path p) throws Exception {
        List<Integer> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(p))))) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher m = LABEL.matcher(line);
                if (!m.find()) {
                    throw new IllegalStateException("no label in " + p);
                }
                out.add(Integer.parseInt(m.group(1)));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void defaultEncoderAt256BitsWithinOnePointOfFloatOnMr() throws Exception {
        Path shared = TestData.shared();
        Path emb = shared.resolve("embeddings/all-minilm-l6-v2/mr");
        Path data = shared.resolve("data/mr");
        FloatMatrix train = Npy.read(emb.resolve("train.npy"));
        FloatMatrix test = Npy.read(emb.resolve("test.npy"));
        Evaluator ev = new Evaluator(train, labels(data.resolve("train.jsonl.gz")), test, labels(data.resolve("test.jsonl.gz")), 42);
        EvalResult base = ev.floatBaseline();
        EvalResult r = ev.evaluate(Encoders.DEFAULT, 256);
        System.out.printf("MR float %.2f, %s 256 asym %.2f hamming %.2f recall@10 %.3f%n", base.asymAcc10(), r.encoder(),
                r.asymAcc10(), r.hammingAcc10(), r.asymRecall10());
        assertTrue(r.asymAcc10() >= base.asymAcc10() - 1.0, "asymmetric kNN accuracy " + r.asymAcc10() + " vs float " + base.asymAcc10());
        // Hamming kNN accuracy on MR's 2,132 test texts moves by up to ~2 points with the fit seed alone (README,
        // "seed spread"), so it gets a regression bound here; the 1.0-point target is judged on the benchmark.
        assertTrue(r.hammingAcc10() >= base.hammingAcc10() - 3.0, "Hamming kNN accuracy " + r.hammingAcc10() + " vs float " + base.hammingAcc10());
        // recall is the less noisy signal: a regression in the estimator shows here first
        assertTrue(r.asymRecall10() >= 0.55, "asymmetric recall@10 " + r.asymRecall10());
        assertTrue(r.hammingRecall10() >= 0.38, "Hamming recall@10 " + r.hammingRecall10());
        // test-sample error of the differences: paired 0/1 outcomes over 2,132 texts, so between 0 and 100 / sqrt(n)
        // (about 2.2 points), and far from both ends as codes and floats disagree on some texts only
        assertEquals(0, base.asymSe10(), 0);
        assertTrue(r.asymSe10() > 0.2 && r.asymSe10() < 1.5, "asymmetric s.e. " + r.asymSe10());
        assertTrue(r.hammingSe10() > 0.2 && r.hammingSe10() < 1.5, "Hamming s.e. " + r.hammingSe10());
    }
}
