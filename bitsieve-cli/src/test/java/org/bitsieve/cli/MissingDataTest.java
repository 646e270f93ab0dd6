package org.bitsieve.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without the shared data folder every command that needs it says what is missing and how to point at it. */
class MissingDataTest {
    @TempDir
    Path dir;

    private final String shared = System.getProperty("bitsieve.shared"); // the build passes the real one; put it back

    @AfterEach
    void restore() {
        if (shared == null) {
            System.clearProperty("bitsieve.shared");
        } else {
            System.setProperty("bitsieve.shared", shared);
        }
    }

    @Test
    void evalWithoutTheSharedFolderNamesItAndTheWaysIn() {
        System.setProperty("bitsieve.shared", dir.resolve("shared").toString());
        CliTest.Run r = CliTest.run("eval", "--dataset", "imdb");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("the shared data folder " + dir.resolve("shared") + " does not exist"), r.err());
        assertTrue(r.err().contains("BITSIEVE_SHARED=") && r.err().contains("--data-dir") && r.err().contains("./bitsieve demo"), r.err());
    }

    @Test
    void aMissingDatasetListsWhatIsThere() throws Exception {
        Path shared = dir.resolve("shared");
        Files.createDirectories(shared.resolve("embeddings/all-minilm-l6-v2/mr"));
        System.setProperty("bitsieve.shared", shared.toString());
        CliTest.Run r = CliTest.run("eval", "--dataset", "imdb");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("reference embeddings of dataset 'imdb' (model all-minilm-l6-v2) not found"), r.err());
        assertTrue(r.err().contains("holds: mr"), r.err());
        CliTest.Run fit = CliTest.run("fit", "--general", "--output-dir", dir.resolve("enc").toString());
        assertEquals(2, fit.code());
        assertTrue(fit.err().contains("the general corpus not found") && fit.err().contains("--corpus FILE"), fit.err());
    }

    @Test
    void theSharedFolderIsFoundNextToTheCheckoutFromAnyWorkingDirectory() throws Exception {
        Path checkout = Files.createDirectories(dir.resolve("bitsieve"));
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path elsewhere = Files.createDirectories(dir.resolve("home/user/notes"));
        // what the launcher passes (-Dbitsieve.root), run from an unrelated working directory
        assertEquals(shared, Inputs.shared(null, null, checkout.toString(), elsewhere));
        // BITSIEVE_SHARED, and the property over it, still win
        assertEquals(Path.of("/x/env"), Inputs.shared(null, "/x/env", checkout.toString(), elsewhere));
        assertEquals(Path.of("/x/prop"), Inputs.shared("/x/prop", "/x/env", checkout.toString(), elsewhere));
        // no launcher, no variable: a shared folder next to the working directory or a parent of it
        Files.createDirectories(dir.resolve("home/shared/data"));
        Files.createDirectories(dir.resolve("home/shared/embeddings"));
        assertEquals(dir.resolve("home/shared"), Inputs.shared(null, null, null, elsewhere));
    }
}
