package org.bitsieve.embed;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitsieve.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * The {@value #FILE_NAME} file that makes a folder a model: it tells what the ONNX file alone does not
 * (pooling, token limit, prefixes) and names the two model files.
 *
 * <pre>{@code
 * {"name": "my-minilm", "pooling": "mean", "maxTokens": 256, "dimension": 384,
 *  "queryPrefix": "", "passagePrefix": "", "model": "model.onnx", "tokenizer": "tokenizer.json"}
 * }</pre>
 * {@code model} and {@code tokenizer} default to the names shown and may be relative to the folder or absolute;
 * prefixes default to empty; {@code dimension} is optional but, when given, must match the model's output.
 */
public final class ModelDescriptor {
    public static final String FILE_NAME = "bitsieve-model.json";
    static final String DEFAULT_MODEL = "model.onnx";
    static final String DEFAULT_TOKENIZER = "tokenizer.json";
    private static final Set<String> KEYS =
            Set.of("name", "pooling", "maxTokens", "queryPrefix", "passagePrefix", "dimension", "model", "tokenizer");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelDescriptor() {}

    /** A model folder resolved into its spec and its two files, each checked to exist. */
    record Resolved(ModelSpec spec, DirectoryModel location) {}

    static Resolved read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new EmbeddingException("model folder " + dir + " has no " + FILE_NAME + "; write one like "
                    + "{\"name\": \"my-model\", \"pooling\": \"mean\", \"maxTokens\": 256, \"dimension\": 384}");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new EmbeddingException(file + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new EmbeddingException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new EmbeddingException(file + ": must hold a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new EmbeddingException(file + ": unknown key '" + key + "'; known keys: " + KEYS);
            }
        }
        ModelSpec spec;
        try {
            spec = new ModelSpec(text(root, "name", null, file), Pooling.parse(text(root, "pooling", null, file)),
                    integer(root, "maxTokens", -1, file), text(root, "queryPrefix", "", file),
                    text(root, "passagePrefix", "", file), integer(root, "dimension", 0, file));
        } catch (EmbeddingException e) {
            throw new EmbeddingException(file + ": " + e.getMessage());
        }
        Path model = existing(dir, text(root, "model", DEFAULT_MODEL, file), "model", file);
        Path tokenizer = existing(dir, text(root, "tokenizer", DEFAULT_TOKENIZER, file), "tokenizer", file);
        return new Resolved(spec, new DirectoryModel(model, tokenizer));
    }

    /** Writes a descriptor (atomically), e.g. to turn a folder holding model.onnx + tokenizer.json into a model. */
    public static void write(Path dir, ModelSpec spec, String modelFile, String tokenizerFile) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", spec.name());
        o.put("pooling", spec.pooling().name().toLowerCase(java.util.Locale.ROOT));
        o.put("maxTokens", spec.maxTokens());
        o.put("queryPrefix", spec.queryPrefix());
        o.put("passagePrefix", spec.passagePrefix());
        if (spec.dimension() > 0) {
            o.put("dimension", spec.dimension());
        }
        o.put("model", modelFile);
        o.put("tokenizer", tokenizerFile);
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
        AtomicFiles.write(dir.resolve(FILE_NAME), out -> out.write(bytes));
    }

    private static String text(JsonNode root, String key, String fallback, Path file) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            if (fallback == null) {
                throw new EmbeddingException(file + ": required key '" + key + "' is missing");
            }
            return fallback;
        }
        if (!n.isTextual()) {
            throw new EmbeddingException(file + ": '" + key + "' must be a string, got " + n);
        }
        return n.asText();
    }

    private static int integer(JsonNode root, String key, int fallback, Path file) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            if (fallback < 0) {
                throw new EmbeddingException(file + ": required key '" + key + "' is missing");
            }
            return fallback;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new EmbeddingException(file + ": '" + key + "' must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static Path existing(Path dir, String name, String what, Path descriptor) {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new EmbeddingException("model folder " + dir + ": " + what + " file " + p + " is missing (named by "
                    + descriptor.getFileName() + ", default " + (what.equals("model") ? DEFAULT_MODEL : DEFAULT_TOKENIZER) + ")");
        }
        return p;
    }
}
