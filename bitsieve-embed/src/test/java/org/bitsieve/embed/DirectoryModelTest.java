package org.bitsieve.embed;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A local model folder, made from the bundled all-MiniLM files copied out of their jar. */
class DirectoryModelTest {
    @TempDir
    static Path tmp;
    static Path onnx;
    static Path tokenizer;

    @BeforeAll
    static void extractBundledFiles() throws IOException {
        onnx = tmp.resolve("files/minilm.onnx");
        tokenizer = tmp.resolve("files/minilm-tokenizer.json");
        Files.createDirectories(onnx.getParent());
        copy("all-minilm-l6-v2.onnx", onnx);
        copy("all-minilm-l6-v2-tokenizer.json", tokenizer);
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = DirectoryModelTest.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A model folder whose files are links to the extracted ones (so no 90 MB copy per test). */
    private static Path folder(String name, String descriptor, boolean withModel, boolean withTokenizer)
            throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        if (withModel) {
            Files.createSymbolicLink(dir.resolve("model.onnx"), onnx);
        }
        if (withTokenizer) {
            Files.createSymbolicLink(dir.resolve("tokenizer.json"), tokenizer);
        }
        if (descriptor != null) {
            Files.writeString(dir.resolve(ModelDescriptor.FILE_NAME), descriptor);
        }
        return dir;
    }

    @Test
    void folderModelGivesTheSameVectorsAsTheBundledOne() throws IOException {
        Path dir = folder("ok", null, true, true);
        ModelDescriptor.write(dir, Models.spec(Models.DEFAULT).withDimension(384), "model.onnx", "tokenizer.json");
        List<String> texts = List.of("A short sentence.", "Another, rather different, sentence about football.");
        try (TextEmbedder e = Models.open(dir.toString())) {
            assertEquals("all-minilm-l6-v2", e.modelName());
            assertEquals(256, e.maxTokens());
            float[][] got = e.embed(texts, TextRole.PASSAGE);
            float[][] want = SharedModel.get().embed(texts, TextRole.PASSAGE);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(want[i], got[i], 1e-5f);
            }
        }
    }

    @Test
    void filesGivesTheSpecAndBothFilesOfAFolderOrABundledModel() throws IOException {
        Path dir = folder("files", "{\"name\": \"mini\", \"pooling\": \"cls\", \"maxTokens\": 100, \"queryPrefix\": \"q: \"}",
                true, true);
        ModelFiles f = Models.files(dir.toString());
        assertEquals("mini", f.spec().name());
        assertEquals(Pooling.CLS, f.spec().pooling());
        assertEquals("q: ", f.spec().queryPrefix());
        try (InputStream m = f.openModel(); InputStream t = f.openTokenizer()) {
            assertArrayEquals(Files.readAllBytes(onnx), m.readAllBytes());
            assertArrayEquals(Files.readAllBytes(tokenizer), t.readAllBytes());
        }
        ModelFiles bundled = Models.files("all-minilm-l6-v2");
        assertEquals(256, bundled.spec().maxTokens());
        try (InputStream t = bundled.openTokenizer()) {
            assertArrayEquals(Files.readAllBytes(tokenizer), t.readAllBytes());
        }
        assertThrows(EmbeddingException.class, () -> Models.files("no-such-model"));
    }

    @Test
    void descriptorMayNameFilesElsewhere() throws IOException {
        Path dir = folder("elsewhere", "{\"name\": \"mini\", \"pooling\": \"mean\", \"maxTokens\": 128, "
                + "\"model\": \"" + onnx + "\", \"tokenizer\": \"../files/minilm-tokenizer.json\"}", false, false);
        try (TextEmbedder e = Models.open(dir.toString(), EmbedOptions.defaults().withThreads(1))) {
            assertEquals("mini", e.modelName());
            assertEquals(128, e.maxTokens());
            assertEquals(384, e.dimension()); // dimension omitted: taken from the model
        }
    }

    @Test
    void missingTokenizerIsNamed() throws IOException {
        Path dir = folder("notok", "{\"name\": \"x\", \"pooling\": \"mean\", \"maxTokens\": 256}", true, false);
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> Models.open(dir.toString()));
        assertTrue(e.getMessage().contains("tokenizer file") && e.getMessage().contains("is missing"), e.getMessage());
    }

    @Test
    void missingModelFileIsNamed() throws IOException {
        Path dir = folder("nomodel", "{\"name\": \"x\", \"pooling\": \"mean\", \"maxTokens\": 256}", false, true);
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> Models.open(dir.toString()));
        assertTrue(e.getMessage().contains("model file") && e.getMessage().contains("model.onnx"), e.getMessage());
    }

    @Test
    void missingDescriptorSaysWhatToWrite() throws IOException {
        Path dir = folder("nodesc", null, true, true);
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> Models.open(dir.toString()));
        assertTrue(e.getMessage().contains("has no " + ModelDescriptor.FILE_NAME), e.getMessage());
    }

    @Test
    void dimensionDisagreeingWithTheModelIsRefused() throws IOException {
        Path dir = folder("baddim", "{\"name\": \"x\", \"pooling\": \"mean\", \"maxTokens\": 256, \"dimension\": 768}",
                true, true);
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> Models.open(dir.toString()));
        assertTrue(e.getMessage().contains("dimension 384") && e.getMessage().contains("dimension 768"), e.getMessage());
    }

    @Test
    void brokenDescriptorsAreExplained() throws IOException {
        assertMessage(folder("badjson", "{\"name\": ", true, true), "not valid JSON");
        assertMessage(folder("nopool", "{\"name\": \"x\", \"maxTokens\": 256}", true, true), "'pooling' is missing");
        assertMessage(folder("badpool", "{\"name\": \"x\", \"pooling\": \"max\", \"maxTokens\": 256}", true, true),
                "unknown pooling 'max'");
        assertMessage(folder("typo", "{\"name\": \"x\", \"pooling\": \"cls\", \"maxToken\": 256}", true, true),
                "unknown key 'maxToken'");
    }

    @Test
    void aFileThatIsNotAModelIsReportedWithoutANativeTrace() throws IOException {
        Path dir = folder("garbage", "{\"name\": \"x\", \"pooling\": \"mean\", \"maxTokens\": 256}", false, true);
        Files.writeString(dir.resolve("model.onnx"), "this is not an onnx file");
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> Models.open(dir.toString()));
        assertTrue(e.getMessage().startsWith("cannot load model x from "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    private static void assertMessage(Path dir, String expected) {
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> Models.open(dir.toString()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
