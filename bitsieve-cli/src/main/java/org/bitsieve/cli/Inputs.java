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
        return labels(List.of(p), field).get(0);
    }

    /**
     * Labels of several files under one numbering (train and test must agree): integers are kept; if any value is
     * not an integer (e.g. "positive"), every distinct value gets a number in order of first appearance, as
     * classify takes them.
     */
    public static List<int[]> labels(List<Path> files, String field) throws IOException {
        List<List<String>> raw = new ArrayList<>();
        boolean allInts = true;
        for (Path p : files) {
            List<String> l = labelStrings(p, field);
            for (String v : l) {
                allInts &= v.matches("-?\\d{1,9}");
            }
            raw.add(l);
        }
        java.util.Map<String, Integer> ids = new java.util.LinkedHashMap<>();
        List<int[]> out = new ArrayList<>();
        for (List<String> l : raw) {
            int[] y = new int[l.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = allInts ? Integer.parseInt(l.get(i)) : ids.computeIfAbsent(l.get(i), k -> ids.size());
            }
            out.add(y);
        }
        return out;
    }

    private static List<String> labelStrings(Path p, String field) throws IOException {
        if (!Files.exists(p)) {
            throw new java.nio.file.NoSuchFileException(p.toString());
        }
        String name = p.getFileName().toString();
        boolean json = name.contains(".jsonl") || name.contains(".json");
        List<String> out = new ArrayList<>();
        try (BufferedReader r = reader(p)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                if (!json) {
                    out.add(line.strip());
                    continue;
                }
                try {
                    JsonNode v = JSON.readTree(line).get(field);
                    if (v == null || v.isNull() || v.isContainerNode() || (v.isFloatingPointNumber() && !v.canConvertToExactIntegral())) {
                        throw new UserException(p + ": line " + no + " has no label field '" + field
                                + "' (a string or an integer; choose the field with --label-field)");
                    }
                    out.add(v.isNumber() ? String.valueOf(v.longValue()) : v.asText());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new UserException(p + ": line " + no + " is not valid JSON");
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserException(p + ": not valid UTF-8");
        }
        return out;
    }

    /**
     * The project's shared data folder: -Dbitsieve.shared, $BITSIEVE_SHARED, else {@code shared} next to the checkout
     * (the launcher passes -Dbitsieve.root, so this holds from any working directory), else {@code shared} next to the
     * working directory or one of its parents.
     */
    public static Path shared() {
        return shared(System.getProperty("bitsieve.shared"), System.getenv("BITSIEVE_SHARED"), System.getProperty("bitsieve.root"),
                Path.of("").toAbsolutePath());
    }

    /** {@link #shared()} from its inputs (tests cannot change the environment of their own JVM). */
    static Path shared(String property, String env, String root, Path here) {
        String p = property != null ? property : env;
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        if (root != null) {
            Path s = Path.of(root).toAbsolutePath().resolveSibling("shared");
            if (Files.isDirectory(s)) {
                return s;
            }
        }
        for (Path d = here; d != null; d = d.getParent()) {
            Path s = d.resolveSibling("shared");
            if (Files.isDirectory(s.resolve("data")) && Files.isDirectory(s.resolve("embeddings"))) {
                return s;
            }
        }
        return root != null ? Path.of(root).toAbsolutePath().resolveSibling("shared") : here.resolveSibling("shared");
    }

    /** Where the shared folder was looked for and how to point at one: the tail of every missing-data message. */
    public static String sharedHelp() {
        return "The datasets are not part of the repository: they live in a folder named 'shared' next to the checkout "
                + "(shared/data/<name>/{train,test}.jsonl.gz with text and label, shared/embeddings/<model>/<name>/{train,test}.npy; "
                + "its README.md says where each set comes from). Point at another copy with BITSIEVE_SHARED=/path/to/shared, "
                + "or use your own data: --data-dir DIR (eval) or --corpus FILE (fit --general). Nothing at hand? ./bitsieve demo "
                + "runs on the sample shipped in the jar.";
    }

    /** A file or folder under the shared folder, or a clear error naming what is missing and how to point at it. */
    public static Path requireShared(String relative, String what) {
        Path shared = shared();
        Path p = shared.resolve(relative);
        if (Files.exists(p)) {
            return p;
        }
        String where = !Files.isDirectory(shared)
                ? "the shared data folder " + shared + " does not exist"
                : p + " does not exist" + available(p.getParent());
        throw new UserException(what + " not found: " + where + ". " + sharedHelp());
    }

    private static String available(Path dir) {
        try (var s = Files.list(dir)) {
            List<String> names = s.map(x -> x.getFileName().toString()).sorted().toList();
            return names.isEmpty() ? "" : " (" + dir + " holds: " + String.join(", ", names) + ")";
        } catch (IOException e) {
            return "";
        }
    }
}
