package org.bitsieve.cli;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** eval leaves the tracked reports alone, says how long it will take, takes string labels and describes every option. */
class EvalDefaultsTest {
    @TempDir
    Path dir;

    private final String root = System.getProperty("bitsieve.root");

    @AfterEach
    void restore() {
        if (root == null) {
            System.clearProperty("bitsieve.root");
        } else {
            System.setProperty("bitsieve.root", root);
        }
    }

    @Test
    void stringLabelsAnUpFrontEstimateAndAnUntrackedDefaultOutput() throws Exception {
        FloatMatrix train = CliTest.vectors(300, 16, 2);
        FloatMatrix test = CliTest.vectors(50, 16, 3);
        Path tr = dir.resolve("train.npy");
        Path te = dir.resolve("test.npy");
        Npy.write(tr, train);
        Npy.write(te, test);
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            a.append("{\"sentiment\": \"").append(train.get(i, 0) > 0 ? "positive" : "negative").append("\"}\n");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            b.append("{\"sentiment\": \"").append(test.get(i, 0) > 0 ? "positive" : "negative").append("\"}\n");
        }
        Files.writeString(dir.resolve("train.jsonl"), a);
        Files.writeString(dir.resolve("test.jsonl"), b);
        Path checkout = Files.createDirectories(dir.resolve("checkout"));
        System.setProperty("bitsieve.root", checkout.toString());
        CliTest.Run r = CliTest.run("eval", "-q", "--train", tr.toString(), "--train-labels", dir.resolve("train.jsonl").toString(),
                "--test", te.toString(), "--test-labels", dir.resolve("test.jsonl").toString(), "--label-field", "sentiment",
                "-e", "sign", "-b", "16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("estimated run time: about"), r.out());
        assertTrue(Files.exists(checkout.resolve("results/tmp/train.npy/eval.md")), "default output goes to the git-ignored results/tmp");
        String md = Files.readString(checkout.resolve("results/tmp/train.npy/eval.md"));
        // first dimension decides the label, so float kNN is far above chance: the strings were read as two classes
        assertTrue(md.matches("(?s).*\\| float32 \\| 32/dim \\| 64 \\| 1x \\| [0-9.]+ KB \\| (9[0-9]|100)\\.\\d\\d .*"), md);
    }

    @Test
    void theEstimateScalesWithTheWork() {
        String imdb = EvalCommand.estimate(25_000, 25_000, 384, List.of("witq", "pcaq", "itq", "sign", "simhash", "kesieve"), List.of(128, 256), 2);
        assertTrue(imdb.contains("about 15 min on 2 cores"), imdb);
        assertTrue(EvalCommand.estimate(1000, 200, 384, List.of("witq"), List.of(256), 2).contains("about 0 s")
                || EvalCommand.estimate(1000, 200, 384, List.of("witq"), List.of(256), 2).matches(".*about [0-9] s.*"));
    }

    @Test
    void everyEvalOptionIsDescribed() {
        CommandLine cl = new CommandLine(new Main());
        for (CommandLine.Model.OptionSpec o : cl.getSubcommands().get("eval").getCommandSpec().options()) {
            assertFalse(String.join("", o.description()).isBlank(), o.longestName() + " has no description");
        }
    }
}
