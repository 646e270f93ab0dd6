package org.bitsieve.embed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Opens embedders by model name (bundled models, read from Maven jars on the classpath) or by model folder.
 * Nothing is ever downloaded: a bundled model whose jar is missing is an error naming the jar.
 */
public final class Models {
    /** The model the reference embeddings in shared/embeddings were made with. */
    public static final String DEFAULT = "all-minilm-l6-v2";

    private static final String L4J = "dev.langchain4j:langchain4j-embeddings-";
    private static final String MINILM_VERSION = "1.19.0-beta29";
    private static final String EXTRA_VERSION = "1.11.0-beta19";
    private static final String BGE_QUERY = "Represent this sentence for searching relevant passages: ";

    private record Bundled(ModelSpec spec, ClasspathModel location) {}

    private static final Map<String, Bundled> BUNDLED = new LinkedHashMap<>();

    static {
        // all-MiniLM: sentence-transformers truncates at 256 although the shipped tokenizer.json says 128
        bundle("all-minilm-l6-v2", Pooling.MEAN, 256, "", "", "all-minilm-l6-v2", MINILM_VERSION);
        bundle("all-minilm-l6-v2-q", Pooling.MEAN, 256, "", "", "all-minilm-l6-v2-q", MINILM_VERSION);
        // bge: CLS pooling, instruction only on queries (as its model card says for retrieval)
        bundle("bge-small-en-v1.5", Pooling.CLS, 512, BGE_QUERY, "", "bge-small-en-v15", EXTRA_VERSION);
        bundle("bge-small-en-v1.5-q", Pooling.CLS, 512, BGE_QUERY, "", "bge-small-en-v15-q", EXTRA_VERSION);
        // e5: trained with "query: " / "passage: " on every input
        bundle("e5-small-v2", Pooling.MEAN, 512, "query: ", "passage: ", "e5-small-v2", EXTRA_VERSION);
        bundle("e5-small-v2-q", Pooling.MEAN, 512, "query: ", "passage: ", "e5-small-v2-q", EXTRA_VERSION);
    }

    private Models() {}

    private static void bundle(String name, Pooling pooling, int maxTokens, String queryPrefix, String passagePrefix,
                               String artifactSuffix, String version) {
        ModelSpec spec = new ModelSpec(name, pooling, maxTokens, queryPrefix, passagePrefix, 384);
        String coordinate = L4J + artifactSuffix + ":" + version;
        BUNDLED.put(name, new Bundled(spec, new ClasspathModel(name + ".onnx", name + "-tokenizer.json", coordinate)));
    }

    /** Names of the bundled models, whether or not their jars are on the classpath. */
    public static List<String> knownNames() {
        return List.copyOf(BUNDLED.keySet());
    }

    /** Bundled models whose jars are on the classpath right now. */
    public static List<String> availableNames() {
        return BUNDLED.values().stream().filter(b -> b.location().available()).map(b -> b.spec().name()).toList();
    }

    /** The spec of a bundled model, without loading it. */
    public static ModelSpec spec(String name) {
        return bundled(name).spec();
    }

    public static TextEmbedder open(String nameOrDirectory) {
        return open(nameOrDirectory, EmbedOptions.defaults());
    }

    /**
     * Opens a bundled model by name (case-insensitive, e.g. {@code all-minilm-l6-v2}) or a model folder
     * holding {@value ModelDescriptor#FILE_NAME}, an ONNX file and a tokenizer.json.
     *
     * @throws EmbeddingException for an unknown name (listing the known ones), a missing model jar, or a broken folder
     */
    public static TextEmbedder open(String nameOrDirectory, EmbedOptions options) {
        if (nameOrDirectory == null || nameOrDirectory.isBlank()) {
            throw new EmbeddingException("no model given; known models: " + String.join(", ", knownNames()));
        }
        Path dir = Path.of(nameOrDirectory);
        if (Files.isDirectory(dir)) {
            ModelDescriptor.Resolved r = ModelDescriptor.read(dir);
            return OnnxTextEmbedder.open(r.spec(), r.location(), options);
        }
        if (Files.isRegularFile(dir)) {
            throw new EmbeddingException("'" + nameOrDirectory + "' is a file; give the folder that holds the model, "
                    + "its tokenizer.json and " + ModelDescriptor.FILE_NAME);
        }
        Bundled b = bundled(nameOrDirectory);
        if (!b.location().available()) {
            throw new EmbeddingException("model " + b.spec().name() + " is known but its jar is not on the classpath; "
                    + "add the Maven dependency " + b.location().mavenCoordinate()
                    + " (exclude its transitive dependencies). Available now: " + String.join(", ", availableNames()));
        }
        return OnnxTextEmbedder.open(b.spec(), b.location(), options);
    }

    /**
     * The files and spec of a model without loading it: for copying the model elsewhere (e.g. into a web
     * bundle that embeds queries in the browser). Same names and errors as {@link #open(String)}.
     */
    public static ModelFiles files(String nameOrDirectory) {
        if (nameOrDirectory == null || nameOrDirectory.isBlank()) {
            throw new EmbeddingException("no model given; known models: " + String.join(", ", knownNames()));
        }
        Path dir = Path.of(nameOrDirectory);
        if (Files.isDirectory(dir)) {
            ModelDescriptor.Resolved r = ModelDescriptor.read(dir);
            return new ModelFiles(r.spec(), r.location());
        }
        Bundled b = bundled(nameOrDirectory);
        if (!b.location().available()) {
            throw new EmbeddingException("model " + b.spec().name() + " is known but its jar is not on the classpath; "
                    + "add the Maven dependency " + b.location().mavenCoordinate());
        }
        return new ModelFiles(b.spec(), b.location());
    }

    private static Bundled bundled(String name) {
        Bundled b = BUNDLED.get(canonical(name));
        if (b == null) {
            boolean pathLike = name.contains("/") || name.contains("\\") || name.startsWith(".");
            throw new EmbeddingException((pathLike ? "no model folder at '" + name + "'" : "unknown model '" + name + "'")
                    + "; known models: " + String.join(", ", knownNames())
                    + ", or a folder holding " + ModelDescriptor.FILE_NAME + ", model.onnx and tokenizer.json");
        }
        return b;
    }

    /** Accepts the usual spellings: any case, hub-style owner prefixes, "v15" for "v1.5". */
    private static String canonical(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (String owner : List.of("sentence-transformers/", "baai/", "intfloat/", "xenova/")) {
            if (n.startsWith(owner)) {
                n = n.substring(owner.length());
            }
        }
        return n.replace("en-v15", "en-v1.5");
    }
}
