package org.bitsieve.cli.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** index checks every record before it embeds anything, leaves no half-made folder, names the flag, and -q is quiet. */
class IndexChecksTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingIdFailsBeforeEmbeddingAndLeavesNoFolder() throws Exception {
        Path docs = tmp.resolve("docs.jsonl");
        Files.writeString(docs, "{\"id\": \"a\", \"text\": \"one\"}\n{\"id\": \"b\", \"text\": \"two\"}\n{\"text\": \"no id here\"}\n");
        Path coll = tmp.resolve("c");
        StoreCliTest.Run r = StoreCliTest.run("index", coll.toString(), "--docs", docs.toString(), "--no-cache");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("line 3 has no id field 'id' (choose one with --id-field)"), r.err());
        assertFalse(r.err().contains("texts with"), "nothing was embedded: " + r.err());
        assertFalse(Files.exists(coll), "no half-made collection folder");
    }

    @Test
    void repeatedIdsAreRefusedUpFrontAndTheMessageNamesTheFlag() throws Exception {
        Path docs = tmp.resolve("docs.jsonl");
        Files.writeString(docs, "{\"id\": \"a\", \"text\": \"one\"}\n{\"id\": \"a\", \"text\": \"again\"}\n");
        StoreCliTest.Run twice = StoreCliTest.run("index", tmp.resolve("c").toString(), "--docs", docs.toString(), "--no-cache");
        assertEquals(2, twice.code());
        assertTrue(twice.err().contains("line 2 repeats id 'a' of line 1"), twice.err());
        assertFalse(Files.exists(tmp.resolve("c")));

        Path one = tmp.resolve("one.jsonl");
        Files.writeString(one, "{\"id\": \"a\", \"text\": \"one\"}\n");
        StoreCliTest.Run first = StoreCliTest.run("index", tmp.resolve("c").toString(), "--docs", one.toString(), "--no-cache", "-q");
        assertEquals(0, first.code(), first.err());
        assertFalse(first.err().contains("%"), "-q draws no progress bar: " + first.err());
        StoreCliTest.Run again = StoreCliTest.run("index", tmp.resolve("c").toString(), "--docs", one.toString(), "--no-cache");
        assertEquals(2, again.code());
        assertTrue(again.err().contains("pass --upsert to replace it"), again.err());
        assertFalse(again.err().contains("texts with"), "refused before embedding: " + again.err());
        assertEquals(0, StoreCliTest.run("index", tmp.resolve("c").toString(), "--docs", one.toString(), "--no-cache", "--upsert", "-q").code());
    }

    @Test
    void aShippedEncoderIsReferencedNotCopiedAndInfoComparesWithFloat32() throws Exception {
        Path docs = tmp.resolve("docs.jsonl");
        Files.writeString(docs, "{\"id\": \"a\", \"text\": \"one small text\"}\n{\"id\": \"b\", \"text\": \"another one\"}\n");
        Path coll = tmp.resolve("c");
        assertEquals(0, StoreCliTest.run("index", coll.toString(), "--docs", docs.toString(), "--no-cache", "-q", "--keep-floats", "none").code());
        assertFalse(Files.exists(coll.resolve("encoder.bse")), "no 789 KB copy of the shipped encoder");
        assertTrue(Files.readString(coll.resolve("encoder.ref")).contains("shipped:all-minilm-l6-v2-256"));
        StoreCliTest.Run info = StoreCliTest.run("info", coll.toString());
        assertEquals(0, info.code(), info.err());
        // 2 x 384 x 4 = 3,072 bytes of float32; codes 64 bytes = 1/48
        assertTrue(info.out().contains("float32        3,072 bytes for the same 2 vectors (384 x 4 bytes each)"), info.out());
        assertTrue(info.out().contains("the codes alone 0.021x (1/48)"), info.out());
        StoreCliTest.Run search = StoreCliTest.run("search", coll.toString(), "small text", "-k", "1");
        assertEquals(0, search.code(), search.err());
        assertTrue(search.out().contains(" a "), search.out());
        assertFalse(search.err().contains("%"), "one query draws no bars: " + search.err());
    }
}
