package org.bitsieve.cli.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitsieve.cli.Inputs;
import org.bitsieve.core.FloatMatrix;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;

/** Reading the inputs of the store commands: vectors, JSON Lines documents, query rows. */
final class StoreInputs {
    static final ObjectMapper JSON = Inputs.JSON;

    private StoreInputs() {}

    static float[] queryRow(Path p, int row) throws IOException {
        FloatMatrix m = Inputs.vectors(p);
        if (row < 0 || row >= m.rows()) {
            throw new IllegalArgumentException("--row " + row + " is out of range: " + p + " holds " + m.rows() + " vectors");
        }
        return m.row(row);
    }

    static int countLines(Path p) throws IOException {
        int n = 0;
        try (BufferedReader r = Inputs.reader(p)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    n++;
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(p + ": not valid UTF-8");
        }
        return n;
    }

    /**
     * Parses every record once (valid JSON object, a usable id; with {@code unique}, no id twice) and returns their
     * ids in order, so a bad line fails the command before anything is embedded or written.
     */
    static java.util.List<String> checkRecords(Path p, String idField, String textField, boolean unique) throws IOException {
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        java.util.List<String> ids = new java.util.ArrayList<>();
        try (BufferedReader r = Inputs.reader(p)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                Record rec = record(p, no, line, idField, textField);
                Integer before = unique ? seen.putIfAbsent(rec.id(), no) : null;
                if (before != null) {
                    throw new IllegalArgumentException(p + ": line " + no + " repeats id '" + rec.id() + "' of line " + before
                            + "; ids must be unique (--upsert keeps the last)");
                }
                ids.add(rec.id());
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(p + ": not valid UTF-8");
        }
        return ids;
    }

    /** One JSON Lines record split into id, text and the remaining fields as metadata. */
    record Record(String id, String text, String metadataJson) {}

    static Record record(Path p, int lineNo, String line, String idField, String textField) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(p + ": line " + lineNo + " is not valid JSON");
        }
        if (!(n instanceof ObjectNode o)) {
            throw new IllegalArgumentException(p + ": line " + lineNo + " is not a JSON object");
        }
        JsonNode id = o.remove(idField);
        if (id == null || id.isNull() || id.isContainerNode() || id.asText().isEmpty()) {
            throw new IllegalArgumentException(p + ": line " + lineNo + " has no id field '" + idField + "' (choose one with --id-field)");
        }
        JsonNode text = o.remove(textField);
        String t = text == null || text.isNull() ? "" : text.isValueNode() ? text.asText() : text.toString();
        return new Record(id.asText(), t, o.isEmpty() ? null : o.toString());
    }

    /**
     * The older {@code --filter field=value} form (text equality), or null when {@code spec} is an expression:
     * it is the older form only when it does not parse as an expression and has one '=' that is no operator's.
     */
    static String[] legacyFilter(String spec) {
        if (spec == null || !spec.matches("\\s*[A-Za-z_][A-Za-z0-9_.\\-]*=[^=]*")) {
            return null;
        }
        try {
            org.bitsieve.store.filter.MetaFilterText.parse(spec);
            return null;
        } catch (IllegalArgumentException e) {
            int eq = spec.indexOf('=');
            return new String[] {spec.substring(0, eq).strip(), spec.substring(eq + 1)};
        }
    }

    /** A {@code --filter} expression; a malformed one is an error naming the position. */
    static org.bitsieve.store.filter.MetaFilter whereFilter(String spec) {
        try {
            return org.bitsieve.store.filter.MetaFilterText.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--filter " + e.getMessage() + " (in: " + spec + ")");
        }
    }

    /** One line of text for a terminal. */
    static String oneLine(String s, int max) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() <= max ? t : t.substring(0, max - 3) + "...";
    }
}
