package org.bitsieve.embed;

import org.bitsieve.core.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextInputTest {
    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return bytes(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private Path bytes(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        if (name.endsWith(".gz")) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                gz.write(content);
            }
            content = bos.toByteArray();
        }
        Files.write(p, content);
        return p;
    }

    private void assertFails(Path p, TextInput.Format f, String field, String expected) {
        FileFormatException e = assertThrows(FileFormatException.class, () -> TextInput.read(p, f, field));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void jsonLinesPlainAndGzip() throws IOException {
        String content = "{\"text\": \"first\", \"label\": 1}\n\n{\"text\": \"second \\u00e9\"}\r\n";
        assertEquals(List.of("first", "second é"), TextInput.read(file("a.jsonl", content)));
        assertEquals(List.of("first", "second é"), TextInput.read(file("a.jsonl.gz", content)));
    }

    @Test
    void jsonLinesOtherAndJoinedFields() throws IOException {
        Path p = file("c.jsonl", "{\"title\": \"T\", \"text\": \"body\", \"q\": \"query\"}\n"
                + "{\"title\": \"\", \"text\": \"only body\", \"q\": \"x\"}\n");
        assertEquals(List.of("query", "x"), TextInput.read(p, TextInput.Format.JSONL, "q"));
        assertEquals(List.of("T body", "only body"), TextInput.read(p, TextInput.Format.JSONL, "title+text"));
    }

    @Test
    void jsonErrorsNameTheLine() throws IOException {
        assertFails(file("m.jsonl", "{\"text\": \"a\"}\n{\"txt\": \"b\"}\n"), TextInput.Format.JSONL, "text",
                "line 2: no field 'text' (fields: [txt])");
        assertFails(file("b.jsonl", "{\"text\": \"a\"}\n{\"text\": \n"), TextInput.Format.JSONL, "text",
                "line 2: not valid JSON");
        assertFails(file("n.jsonl", "{\"text\": 5}\n"), TextInput.Format.JSONL, "text",
                "line 1: field 'text' is number, not a string");
        assertFails(file("e.jsonl", "{\"text\": \"a\"}\n{\"text\": \"  \"}\n"), TextInput.Format.JSONL, "text",
                "line 2: field 'text' is blank");
    }

    @Test
    void invalidUtf8IsReportedWithItsLine() throws IOException {
        byte[] good = "{\"text\": \"ok\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', 'a', (byte) 0xC3, '(', '"', '}', '\n'};
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(good);
        all.write(good);
        all.write(bad);
        for (String name : List.of("u.jsonl", "u.jsonl.gz")) {
            Path p = bytes(name, all.toByteArray());
            assertFails(p, TextInput.Format.JSONL, "text", "line 3: invalid UTF-8 at byte 11");
        }
        Path latin1 = bytes("l.txt", "caf\u00e9\nna\u00efve\n".getBytes(StandardCharsets.ISO_8859_1));
        assertFails(latin1, TextInput.Format.LINES, null, "line 1: invalid UTF-8");
    }

    @Test
    void csvWithQuotingAndMultilineFields() throws IOException {
        String csv = "\uFEFFid,text,label\n"
                + "1,plain,0\n"
                + "2,\"with, comma\",1\n"
                + "3,\"say \"\"hi\"\"\",0\n"
                + "4,\"two\nlines\",1\n"
                + "5,it's 5\" tall,0\n";
        assertEquals(List.of("plain", "with, comma", "say \"hi\"", "two\nlines", "it's 5\" tall"),
                TextInput.read(file("d.csv", csv), TextInput.Format.CSV, "text"));
        assertEquals(List.of("1", "2", "3", "4", "5"),
                TextInput.read(file("d2.csv.gz", csv), TextInput.Format.CSV, "id"));
    }

    @Test
    void csvErrors() throws IOException {
        assertFails(file("x.csv", "a,b\n1,2\n"), TextInput.Format.CSV, "text", "no column 'text' in the header row; columns: [a, b]");
        assertFails(file("y.csv", "a,text\n1,ok\n2\n"), TextInput.Format.CSV, "text", "line 3: the row has 1 fields");
        assertFails(file("z.csv", "text,b\n\"open,1\nstill open\n"), TextInput.Format.CSV, "text",
                "a quoted field opened on line 2 is never closed");
        assertFails(file("w.csv", "text\n\"closed\"x\n"), TextInput.Format.CSV, "text", "line 2: unexpected 'x' after a closing quote");
        assertFails(file("v.csv", ""), TextInput.Format.CSV, "text", "empty file");
        assertFails(file("e.csv", "id,text\n1,\n"), TextInput.Format.CSV, "text", "line 2: column 'text' is empty");
    }

    @Test
    void tsvAndPlainLines() throws IOException {
        assertEquals(List.of("a b", "c"), TextInput.read(file("t.tsv", "text\tn\na b\t1\nc\t2\n")));
        assertEquals(List.of("one", "two  words"), TextInput.read(file("p.txt", "one\n\n   \ntwo  words")));
    }

    @Test
    void formatIsGuessedFromTheName() {
        assertEquals(TextInput.Format.JSONL, TextInput.Format.guess(Path.of("x/train.jsonl.gz")));
        assertEquals(TextInput.Format.CSV, TextInput.Format.guess(Path.of("a.CSV")));
        assertEquals(TextInput.Format.TSV, TextInput.Format.guess(Path.of("a.tsv.gz")));
        assertEquals(TextInput.Format.LINES, TextInput.Format.guess(Path.of("notes.txt")));
    }

    @Test
    void truncatedGzipIsReported() throws IOException {
        Path p = file("t.jsonl.gz", "{\"text\": \"a\"}\n".repeat(1000));
        byte[] b = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(b, b.length / 2));
        assertFails(p, TextInput.Format.JSONL, "text", "corrupt or truncated gzip data");
    }
}
