package org.bitsieve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reading vectors, labels and text files the commands accept. */
public final class Inputs {
    public static final ObjectMapper JSON = new ObjectMapper();

    private Inputs() {}

    public static FloatMatrix vectors(Path p) throws IOException {
        FloatMatrix m = Npy.readVectors(p);
        if (m.rows() == 0) {
            throw new UserException(p + ": holds no vectors");
        }
        return m.requireFinite(p.toString());
    }

    /** A UTF-8 reader (refusing malformed bytes) of a plain or .gz file. */
    public static BufferedReader reader(Path p) throws IOException {
        if (!Files.exists(p)) {
            throw new java.nio.file.NoSuchFileException(p.toString());
        }
        InputStream in = Files.newInputStream(p);
        if (p.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
    }

    /** Integer labels: a JSON Lines file (field {@code field}), or a text file with one integer per line. */
    public static int[] labels(Path p, String field) throws IOException {
        if (!Files.exists(p)) {
            throw new java.nio.file.NoSuchFileException(p.toString());
        }
        String name = p.getFileName().toString();
        boolean json = name.contains(".jsonl") || name.contains(".json");
        List<Integer> out = new ArrayList<>();
        try (BufferedReader r = reader(p)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    if (json) {
                        JsonNode n = JSON.readTree(line);
                        JsonNode v = n.get(field);
                        if (v == null || !v.canConvertToInt()) {
                            throw new UserException(p + ": line " + no + " has no integer field '" + field + "'");
                        }
                        out.add(v.intValue());
                    } else {
                        out.add(Integer.parseInt(line.trim()));
                    }
                } catch (com.fasterxml.jackson.core.JsonProcessingException | NumberFormatException e) {
                    throw new UserException(p + ": line " + no + " is not valid " + (json ? "JSON" : "an integer label"));
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserException(p + ": not valid UTF-8");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The project's shared data folder: -Dbitsieve.shared, $BITSIEVE_SHARED, or ../shared from here. */
    public static Path shared() {
        String p = System.getProperty("bitsieve.shared");
        if (p == null) {
            p = System.getenv("BITSIEVE_SHARED");
        }
        if (p != null) {
            return Path.of(p);
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path d = here; d != null; d = d.getParent()) {
            Path s = d.resolveSibling("shared");
            if (Files.isDirectory(s.resolve("data")) && Files.isDirectory(s.resolve("embeddings"))) {
                return s;
            }
        }
        return here.resolveSibling("shared");
    }
}
