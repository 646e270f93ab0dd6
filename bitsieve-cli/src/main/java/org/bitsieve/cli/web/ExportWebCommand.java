package org.bitsieve.cli.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.PcaQuantEncoder;
import org.bitsieve.core.encode.PlaneEncoder;
import org.bitsieve.core.encode.PqEncoder;
import org.bitsieve.core.encode.WitqEncoder;
import org.bitsieve.embed.ModelFiles;
import org.bitsieve.embed.ModelSpec;
import org.bitsieve.embed.Models;
import org.bitsieve.store.Collection;
import org.bitsieve.store.Snapshot;
import org.bitsieve.store.StoredDoc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a collection as a static web bundle (format in docs/web.md): manifest.json with checksums, packed
 * codes, per-code inverse norms for witq (pcaq and pq: the page recomputes them from the codes and the encoder's
 * arrays, so they are not shipped), the encoder as float32 arrays, gzipped payloads
 * (ids, text snippets, metadata) and, with {@code --with-model}, the ONNX model and its tokenizer.json.
 * The manifest is written last, so a folder without one is an unfinished export, never a bundle.
 */
@Command(name = "export-web", mixinStandardHelpOptions = true,
        description = {"Export a collection as a static bundle that the browser library in web/ searches client-side.",
                "Supports every encoder kind: witq, the plane encoders (itq, sign, simhash, kesieve) and the byte-table "
                        + "encoders pcaq and pq."})
public final class ExportWebCommand implements Callable<Integer> {
    /** Bundle format version; the page refuses any other. */
    public static final int VERSION = 1;
    public static final String FORMAT = "bitsieve-web-bundle";
    static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Parameters(index = "1", paramLabel = "FOLDER", description = "Bundle folder to write (new or empty, or an earlier bundle with --overwrite).")
    Path folder;

    @Option(names = "--snippet", defaultValue = "200",
            description = "Keep the first N characters of each text (0 = no text). Default: ${DEFAULT-VALUE}.")
    int snippet;

    @Option(names = {"-m", "--model"}, defaultValue = Models.DEFAULT,
            description = "The embedding model the collection's vectors came from (a collection does not record it): "
                    + "named in the manifest, and copied with --with-model. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--with-model", description = "Copy the model's ONNX file and tokenizer.json into the bundle, so the page embeds query text.")
    boolean withModel;

    @Option(names = "--overwrite", description = "Replace the files of an earlier bundle in FOLDER.")
    boolean overwrite;

    @Option(names = "--int8-model", description = "With --with-model (implied): copy the model's int8-quantised variant "
            + "(all-minilm-l6-v2-q: 23 MB instead of 90 MB). Query vectors then differ slightly from the collection's "
            + "model, so the page's results agree less with the Java search (docs/web.md has the measured agreement).")
    boolean int8Model;

    @Override
    public Integer call() throws IOException {
        if (snippet < 0) {
            throw new IllegalArgumentException("--snippet must be 0 or more characters, got " + snippet);
        }
        if (!Collection.exists(collection)) {
            throw new IllegalArgumentException("no collection at " + collection + " (create one with: bitsieve index)");
        }
        prepareFolder();
        long t0 = System.nanoTime();
        // a model folder is read for its spec; a bundled model's spec needs no jar unless its files are copied
        if (int8Model) {
            withModel = true;
        }
        String pageModel = int8Model ? quantised(model) : model;
        ModelFiles files = withModel || Files.isDirectory(Path.of(pageModel)) ? Models.files(pageModel) : null;
        ModelSpec spec = files != null ? files.spec() : Models.spec(pageModel);
        boolean reranks;
        List<ObjectNode> written = new ArrayList<>();
        ObjectNode e = JSON.createObjectNode();
        int count;
        int bits;
        int dim;
        boolean normalized;
        boolean shipNorms;
        try (Collection c = Collection.open(collection)) {
            reranks = c.floats() != org.bitsieve.store.FloatFormat.NONE;
            Encoder enc = c.encoder();
            Map<String, float[]> arrays = encoderArrays(enc);
            if (spec.dimension() > 0 && spec.dimension() != enc.dimension()) {
                throw new IllegalArgumentException("model " + spec.name() + " makes " + spec.dimension() + "-d vectors but collection "
                        + collection + " holds " + enc.dimension() + "-d codes; name the collection's model with --model");
            }
            bits = enc.bits();
            dim = enc.dimension();
            Snapshot snap = c.snapshot();
            count = snap.count();
            int words = enc.words();
            long[] codes = new long[Math.multiplyExact(count, words)];
            List<String> ids = new ArrayList<>(count);
            List<String> texts = new ArrayList<>(count);
            List<String> metas = new ArrayList<>(count);
            int[] row = {0};
            snap.forEachDoc((StoredDoc d) -> {
                System.arraycopy(d.code(), 0, codes, row[0] * words, words);
                ids.add(d.id());
                texts.add(snippet(d.text(), snippet));
                metas.add(d.metadataJson());
                row[0]++;
            });

            ByteBuffer cb = ByteBuffer.allocate(codes.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            cb.asLongBuffer().put(codes);
            written.add(write("codes.bin", out -> out.write(cb.array())));

            float[] norms = enc.inverseNorms(new PackedCodes(codes, count, enc.bits()));
            normalized = norms != null;
            // pcaq/pq norms are a sum of per-byte table entries: the page rebuilds them at load (6-17 ms for 50,000
            // codes, measured) instead of downloading 4 bytes per document (docs/web.md, "pcaq and pq")
            shipNorms = normalized && !byteTable(enc);
            if (shipNorms) {
                written.add(write("norms.bin", out -> out.write(floats(norms))));
            }

            e.put("kind", enc.kind());
            e.put("bits", enc.bits());
            e.put("dim", enc.dimension());
            e.put("scoring", scoring(enc));
            e.put("normalized", normalized);
            if (enc instanceof WitqEncoder w && w.factorBits() > 0) {
                e.put("factorBits", w.factorBits()); // the last bits hold witq's correction factor, not planes
            }
            e.put("file", "encoder.bin");
            ObjectNode an = e.putObject("arrays");
            long offset = 0;
            for (Map.Entry<String, float[]> a : arrays.entrySet()) {
                an.putObject(a.getKey()).put("offset", offset).put("length", a.getValue().length);
                offset += 4L * a.getValue().length;
            }
            written.add(write("encoder.bin", out -> {
                for (float[] a : arrays.values()) {
                    out.write(floats(a));
                }
            }));

            written.add(write("docs.bin", raw -> {
                // gzip: every current browser inflates it natively (DecompressionStream), and texts shrink ~3x
                try (GZIPOutputStream gz = new GZIPOutputStream(new NonClosing(raw), 1 << 16)) {
                    var g = JSON.createGenerator(gz);
                    g.writeStartObject();
                    g.writeArrayFieldStart("ids");
                    for (String id : ids) {
                        g.writeString(id);
                    }
                    g.writeEndArray();
                    g.writeArrayFieldStart("texts");
                    for (String t : texts) {
                        g.writeString(t);
                    }
                    g.writeEndArray();
                    g.writeArrayFieldStart("metadata");
                    for (String m : metas) {
                        if (m == null) {
                            g.writeNull();
                        } else {
                            g.writeTree(JSON.readTree(m));
                        }
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                    g.flush();
                }
            }));
        }

        ObjectNode m = JSON.createObjectNode();
        m.put("name", spec.name());
        m.put("pooling", spec.pooling().name().toLowerCase(Locale.ROOT));
        m.put("maxTokens", spec.maxTokens());
        m.put("queryPrefix", spec.queryPrefix());
        m.put("passagePrefix", spec.passagePrefix());
        m.put("dimension", spec.dimension());
        m.put("normalize", true);
        if (withModel) {
            ModelFiles mf = files;
            written.add(write("model.onnx", out -> copy(mf::openModel, out)));
            written.add(write("tokenizer.json", out -> copy(mf::openTokenizer, out)));
            m.put("onnx", "model.onnx");
            m.put("tokenizer", "tokenizer.json");
        } else {
            m.putNull("onnx");
            m.putNull("tokenizer");
        }

        ObjectNode top = JSON.createObjectNode();
        top.put("format", FORMAT);
        top.put("version", VERSION);
        top.put("createdBy", "bitsieve 0.1.0");
        top.put("collection", collection.toAbsolutePath().normalize().getFileName().toString());
        top.put("documents", count);
        top.put("bits", bits);
        top.put("dim", dim);
        ObjectNode codesNode = top.putObject("codes");
        codesNode.put("file", "codes.bin");
        codesNode.put("wordsPerCode", PackedCodes.wordsFor(bits));
        codesNode.put("layout", "u64le words per code; bit j of a code = bit j%64 of word j/64");
        if (shipNorms) {
            top.putObject("norms").put("file", "norms.bin");
        } else {
            top.putNull("norms");
        }
        top.set("encoder", e);
        ObjectNode docs = top.putObject("docs");
        docs.put("file", "docs.bin");
        docs.put("encoding", "gzip");
        docs.put("snippetChars", snippet);
        top.set("model", m);
        ArrayNode fl = top.putArray("files");
        written.forEach(fl::add);
        byte[] mbytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(top);
        Path tmp = folder.resolve(MANIFEST + ".tmp");
        Files.write(tmp, mbytes);
        Files.move(tmp, folder.resolve(MANIFEST), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        long total = mbytes.length;
        for (ObjectNode w : written) {
            total += w.get("bytes").longValue();
        }
        System.out.printf(Locale.ROOT, "exported %d documents (%s, %d bits) to %s: %s in %d files%s, %.1fs%n", count,
                e.get("kind").asText(), bits, folder, human(total), written.size() + 1,
                withModel ? " (model " + spec.name() + " included)" : "", (System.nanoTime() - t0) / 1e9);
        if (reranks) {
            // the page scans codes only; the CLI's default search of this collection re-ranks by the kept floats
            System.out.println("note: " + collection + " keeps float vectors, so `bitsieve search` re-ranks its best codes by them "
                    + "(oversample 10 by default); the page ranks by the codes alone, like `bitsieve search --oversample 1`, so its "
                    + "top results can differ from the default CLI search (docs/web.md)");
        }
        String scoring = e.get("scoring").asText();
        if (scoring.equals("pcaq") || scoring.equals("pq")) {
            System.out.println("note: " + scoring + " codes are built for asymmetric search (the page's default mode); the page's "
                    + "Hamming mode works but ranks them coarsely (docs/encoders.md)");
        }
        if (int8Model) {
            System.out.println("note: the page embeds queries with the int8 model " + spec.name() + "; its query vectors differ "
                    + "slightly from " + model + "'s, so its results agree less with the Java search (docs/web.md)");
        }
        return 0;
    }

    private static boolean byteTable(Encoder enc) { return enc instanceof PcaQuantEncoder || enc instanceof PqEncoder; }

    /** The manifest's {@code scoring}: which query-side maths the page runs (docs/web.md). */
    static String scoring(Encoder enc) {
        if (enc instanceof WitqEncoder) {
            return "witq";
        }
        if (enc instanceof PcaQuantEncoder) {
            return "pcaq";
        }
        if (enc instanceof PqEncoder) {
            return "pq";
        }
        return "plane";
    }

    private static List<String> needed(Encoder enc) {
        if (enc instanceof WitqEncoder) {
            return List.of("planes", "offsets", "center", "decoder");
        }
        if (enc instanceof PcaQuantEncoder) {
            return List.of("mean", "components", "fieldBits", "fieldByte", "fieldShift", "thresholds", "levels");
        }
        if (enc instanceof PqEncoder) {
            return List.of("mean", "rotation", "subspaceDims", "codebooks");
        }
        return List.of("planes", "offsets");
    }

    /** The encoder's arrays, in the order the bundle stores them; only encoders the page can reproduce exactly. */
    static Map<String, float[]> encoderArrays(Encoder enc) {
        if (enc instanceof WitqEncoder || enc instanceof PlaneEncoder || byteTable(enc)) {
            Map<String, float[]> a = enc.arrays();
            for (String need : needed(enc)) {
                if (!a.containsKey(need)) {
                    throw new IllegalStateException("encoder " + enc.kind() + " lacks its '" + need + "' array");
                }
            }
            return a;
        }
        throw new IllegalArgumentException("the collection's encoder is " + enc.kind() + ", which the browser library does not "
                + "implement; export-web supports witq, the plane encoders (itq, sign, simhash, kesieve), pcaq and pq: "
                + "re-index the collection with one of them (e.g. --encoder-kind witq) or refit it (bitsieve refit)");
    }

    private void prepareFolder() throws IOException {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + " is a file; give a folder for the bundle");
        }
        if (Files.isDirectory(folder)) {
            boolean empty;
            try (var s = Files.list(folder)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty && !overwrite) {
                throw new IllegalArgumentException("folder " + folder + " is not empty; give a new or empty folder, "
                        + "or --overwrite to replace an earlier bundle's files there");
            }
            if (overwrite) {
                // the manifest goes first: a half-rewritten folder must not pass as a bundle
                Files.deleteIfExists(folder.resolve(MANIFEST));
            }
        }
        Files.createDirectories(folder);
    }

    static String snippet(String text, int chars) {
        if (text == null || chars == 0) {
            return "";
        }
        if (text.codePointCount(0, text.length()) <= chars) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, chars)) + "\u2026";
    }

    private static byte[] floats(float[] a) {
        ByteBuffer b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(a);
        return b.array();
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private interface Source {
        InputStream open() throws IOException;
    }

    private static void copy(Source s, OutputStream out) throws IOException {
        try (InputStream in = s.open()) {
            in.transferTo(out);
        }
    }

    /** Writes one bundle file, hashing it on the way; returns its manifest entry (name, bytes, sha256). */
    private ObjectNode write(String name, Body body) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path p = folder.resolve(name);
        try (OutputStream raw = Files.newOutputStream(p);
             DigestOutputStream out = new DigestOutputStream(new BufferedOutputStream(raw, 1 << 16), sha)) {
            body.write(out);
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("name", name);
        o.put("bytes", Files.size(p));
        o.put("sha256", HexFormat.of().formatHex(sha.digest()));
        return o;
    }

    private static String human(long bytes) {
        return bytes >= 1_000_000 ? String.format(Locale.ROOT, "%.2f MB", bytes / 1e6) : String.format(Locale.ROOT, "%.1f KB", bytes / 1e3);
    }

    /** Lets the gzip stream finish without closing the digesting stream beneath it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) { super(out); }

        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }

        @Override public void close() throws IOException { flush(); }
    }

    /** The int8 variant of a bundled model: its name with -q. */
    private static String quantised(String model) {
        String name = Models.spec(model).name();
        String q = name.endsWith("-q") ? name : name + "-q";
        if (!Models.knownNames().contains(q)) {
            throw new IllegalArgumentException("model " + name + " has no int8 variant; bundled int8 models: "
                    + Models.knownNames().stream().filter(n -> n.endsWith("-q")).toList());
        }
        return q;
    }
}
