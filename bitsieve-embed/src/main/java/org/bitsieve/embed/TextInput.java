package org.bitsieve.embed;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.core.io.FileFormatException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Reads the texts to embed from JSON Lines (one object per line, text in a named field), CSV/TSV (header row,
 * text in a named column, RFC 4180 quoting) or plain text (one text per line); each gzip-compressed or not.
 * Errors name the file and line: invalid UTF-8, invalid JSON, a missing field or column, an empty text.
 * Blank lines are skipped in every format; an empty or blank text in a field or column is an error, because
 * an embedder refuses it anyway and here the line number is still known.
 */
public final class TextInput {
    public enum Format {
        JSONL, CSV, TSV, LINES;

        /** From the file name, ignoring a trailing {@code .gz}: .jsonl/.json/.ndjson, .csv, .tsv, else plain lines. */
        public static Format guess(Path file) {
            String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (n.endsWith(".gz")) {
                n = n.substring(0, n.length() - 3);
            }
            if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) {
                return JSONL;
            }
            if (n.endsWith(".csv")) {
                return CSV;
            }
            if (n.endsWith(".tsv")) {
                return TSV;
            }
            return LINES;
        }
    }

    /** Default JSON field / CSV column. */
    public static final String DEFAULT_FIELD = "text";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TextInput() {}

    /** Reads with the format guessed from the name and the default field {@value #DEFAULT_FIELD}. */
    public static List<String> read(Path file) throws IOException {
        return read(file, Format.guess(file), DEFAULT_FIELD);
    }

    /**
     * @param field JSON field or CSV/TSV column holding the text; for JSON Lines several fields may be joined
     *              with {@code +} (e.g. {@code title+text}): their values are concatenated with one space,
     *              empty ones left out. Ignored for {@link Format#LINES}.
     */
    public static List<String> read(Path file, Format format, String field) throws IOException {
        try (Utf8Lines lines = new Utf8Lines(file)) {
            return switch (format) {
                case JSONL -> readJsonl(lines, field);
                case CSV -> readDelimited(lines, field, ',');
                case TSV -> readDelimited(lines, field, '\t');
                case LINES -> readPlain(lines);
            };
        } catch (FileFormatException e) {
            throw e;
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new FileFormatException(file, "corrupt or truncated gzip data: " + e.getMessage());
        }
    }

    private static List<String> readPlain(Utf8Lines lines) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line; (line = lines.next()) != null; ) {
            if (!line.isBlank()) {
                out.add(line);
            }
        }
        return out;
    }

    private static List<String> readJsonl(Utf8Lines lines, String field) throws IOException {
        String[] fields = field.split("\\+");
        List<String> out = new ArrayList<>();
        for (String line; (line = lines.next()) != null; ) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JacksonException e) {
                throw error(lines, "not valid JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw error(lines, "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
            }
            StringBuilder text = new StringBuilder();
            for (String f : fields) {
                JsonNode v = node.get(f);
                if (v == null || v.isNull()) {
                    throw error(lines, "no field '" + f + "' (fields: " + names(node) + ")");
                }
                if (!v.isTextual()) {
                    throw error(lines, "field '" + f + "' is " + v.getNodeType().toString().toLowerCase(Locale.ROOT)
                            + ", not a string");
                }
                if (!v.asText().isEmpty()) {
                    text.append(text.length() > 0 ? " " : "").append(v.asText());
                }
            }
            out.add(nonBlank(lines, text.toString(), "field '" + field + "'"));
        }
        return out;
    }

    private static List<String> readDelimited(Utf8Lines lines, String column, char delimiter) throws IOException {
        Csv csv = new Csv(lines, delimiter);
        List<String> header = csv.next();
        if (header == null) {
            throw new FileFormatException(lines.path(), "empty file: expected a header row naming the columns");
        }
        int col = header.indexOf(column);
        if (col < 0) {
            throw new FileFormatException(lines.path(), "no column '" + column + "' in the header row; columns: "
                    + header);
        }
        List<String> out = new ArrayList<>();
        for (List<String> row; (row = csv.next()) != null; ) {
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            if (col >= row.size()) {
                throw error(lines, "the row has " + row.size() + " fields, so no column '" + column + "' (column "
                        + (col + 1) + ")");
            }
            out.add(nonBlank(lines, row.get(col), "column '" + column + "'"));
        }
        return out;
    }

    private static String nonBlank(Utf8Lines lines, String text, String where) throws FileFormatException {
        if (text.isBlank()) {
            throw error(lines, where + " is " + (text.isEmpty() ? "empty" : "blank")
                    + "; every text must have content (remove the line or fill it in)");
        }
        return text;
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    static FileFormatException error(Utf8Lines lines, String message) {
        return new FileFormatException(lines.path(), "line " + lines.lineNumber() + ": " + message);
    }
}
