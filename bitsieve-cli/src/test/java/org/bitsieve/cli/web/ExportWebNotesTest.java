package org.bitsieve.cli.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** export-web says when the page will rank differently from the CLI, and ships the int8 model on request. */
class ExportWebNotesTest {
    @TempDir
    Path tmp;

    @Test
    void notesTheRerankingDifferenceAndShipsTheInt8ModelOnRequest() throws Exception {
        Path docs = tmp.resolve("docs.jsonl");
        Files.writeString(docs, "{\"id\": \"a\", \"text\": \"one small text\"}\n{\"id\": \"b\", \"text\": \"another one\"}\n");
        Path kept = tmp.resolve("kept");
        assertEquals(0, ExportWebCommandTest.run("index", kept.toString(), "--docs", docs.toString(), "--no-cache", "-q").code());
        ExportWebCommandTest.Run ex = ExportWebCommandTest.run("export-web", kept.toString(), tmp.resolve("b1").toString(), "--int8-model");
        assertEquals(0, ex.code(), ex.err());
        assertTrue(ex.out().contains("keeps float vectors, so `bitsieve search` re-ranks"), ex.out());
        assertTrue(ex.out().contains("the page embeds queries with the int8 model all-minilm-l6-v2-q"), ex.out());
        JsonNode m = new ObjectMapper().readTree(tmp.resolve("b1/manifest.json").toFile());
        assertEquals("all-minilm-l6-v2-q", m.get("model").get("name").asText());
        long onnx = Files.size(tmp.resolve("b1/model.onnx"));
        assertTrue(onnx > 15_000_000 && onnx < 40_000_000, "int8 model is a quarter of the 90 MB float one: " + onnx);

        Path bare = tmp.resolve("bare");
        assertEquals(0, ExportWebCommandTest.run("index", bare.toString(), "--docs", docs.toString(), "--no-cache", "-q",
                "--keep-floats", "none").code());
        ExportWebCommandTest.Run plain = ExportWebCommandTest.run("export-web", bare.toString(), tmp.resolve("b2").toString());
        assertEquals(0, plain.code(), plain.err());
        assertFalse(plain.out().contains("note:"), "codes-only collections rank the same in the page: " + plain.out());
    }
}
