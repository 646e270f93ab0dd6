package org.bitsieve.embed;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.AtomicFiles;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Remembers vectors on disk so texts embedded once are never embedded again.
 *
 * <p>Layout: {@code <root>/<model>-d<dim>-t<maxTokens>/seg-*.vec}. The folder name holds everything that changes
 * the vectors besides the text (model, its output size, the truncation limit). Each segment file holds, all
 * little-endian: magic {@code BSVCACHE}, u32 version 1, u32 dim, u32 count, count SHA-256 keys of
 * (role name, 0 byte, UTF-8 text), count x dim float32 vectors, and a CRC-32C of everything before it. Segments are written whole to a temp file and
 * renamed into place ({@link AtomicFiles}), so a crash leaves either a complete segment or none: never a torn one
 * that would serve wrong vectors. Segments are never modified; new vectors go to new segments, written every
 * {@value #SEGMENT_TEXTS} texts so a long run that dies keeps most of its work.
 *
 * <p>Not synchronised across processes beyond that: two processes embedding the same texts at once may both
 * write them, which wastes space but is harmless (equal keys hold equal vectors).
 */
public final class EmbeddingCache {
    static final int SEGMENT_TEXTS = 4096;
    private static final byte[] MAGIC = "BSVCACHE".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int HEADER = MAGIC.length + 12; // magic, version, dim, count
    private static final int KEY = 32;
    private static final int CRC = 4;

    private final Path root;
    private final Map<String, ModelIndex> indexes = new HashMap<>();
    private long hits;
    private long misses;

    /** Where vectors of one model configuration live: every key's segment and position. */
    private static final class ModelIndex {
        final Path dir;
        final int dim;
        final List<Path> segments = new ArrayList<>();
        final Map<ByteBuffer, long[]> where = new HashMap<>(); // key -> {segment index, entry index}
        int skippedSegments;

        ModelIndex(Path dir, int dim) {
            this.dir = dir;
            this.dim = dim;
        }
    }

    public EmbeddingCache(Path root) {
        this.root = root;
    }

    /** {@code $BITSIEVE_CACHE}, else {@code $XDG_CACHE_HOME/bitsieve}, else {@code ~/.cache/bitsieve}. */
    public static Path defaultRoot() {
        String own = System.getenv("BITSIEVE_CACHE");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("bitsieve");
    }

    public Path root() { return root; }

    /** Texts served from the cache so far. */
    public long hits() { return hits; }

    /** Texts that had to be embedded so far (each distinct text once per call). */
    public long misses() { return misses; }

    /**
     * Vectors for all texts in input order: cached ones read from disk, the others embedded by {@code embedder}
     * (each distinct text once) and then stored. Progress counts cached texts as done at once.
     */
    public FloatMatrix embedAll(TextEmbedder embedder, List<String> texts, TextRole role, ProgressListener progress) {
        TextChecks.requireNonBlank(texts);
        try {
            ModelIndex index = index(embedder);
            int dim = index.dim;
            int n = texts.size();
            float[] out = new float[n * dim];
            ByteBuffer[] keys = new ByteBuffer[n];
            // distinct missing keys -> the rows that want them
            Map<ByteBuffer, List<Integer>> missing = new LinkedHashMap<>();
            Map<Integer, List<long[]>> reads = new HashMap<>(); // segment -> {row, entry}
            for (int i = 0; i < n; i++) {
                keys[i] = key(role, texts.get(i));
                long[] loc = index.where.get(keys[i]);
                if (loc == null) {
                    missing.computeIfAbsent(keys[i], k -> new ArrayList<>()).add(i);
                } else {
                    reads.computeIfAbsent((int) loc[0], s -> new ArrayList<>()).add(new long[] {i, loc[1]});
                }
            }
            for (Map.Entry<Integer, List<long[]>> e : reads.entrySet()) {
                readVectors(index, e.getKey(), e.getValue(), out);
            }
            long done = n - missing.values().stream().mapToLong(List::size).sum();
            hits += done;
            progress.progress(done, n);

            List<ByteBuffer> missKeys = new ArrayList<>(missing.keySet());
            for (int from = 0; from < missKeys.size(); from += SEGMENT_TEXTS) {
                List<ByteBuffer> chunk = missKeys.subList(from, Math.min(missKeys.size(), from + SEGMENT_TEXTS));
                List<String> chunkTexts = new ArrayList<>(chunk.size());
                for (ByteBuffer k : chunk) {
                    chunkTexts.add(texts.get(missing.get(k).get(0)));
                }
                long base = done;
                FloatMatrix vectors = embedder.embedAll(chunkTexts, role, (d, t) -> progress.progress(base + d, n));
                if (vectors.dim() != dim) {
                    throw new EmbeddingException("model " + embedder.modelName() + " returned dimension " + vectors.dim()
                            + ", expected " + dim);
                }
                writeSegment(index, chunk, vectors);
                for (int j = 0; j < chunk.size(); j++) {
                    for (int row : missing.get(chunk.get(j))) {
                        System.arraycopy(vectors.data(), j * dim, out, row * dim, dim);
                        done++;
                    }
                }
                misses += chunk.size();
                progress.progress(done, n);
            }
            return new FloatMatrix(out, n, dim);
        } catch (IOException e) {
            throw new EmbeddingException("embedding cache at " + root + ": " + e.getMessage(), e);
        }
    }

    /** Folder of one model configuration; its name is safe on every file system. */
    static String folderName(TextEmbedder e) {
        String name = e.modelName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
        return name + "-d" + e.dimension() + "-t" + e.maxTokens();
    }

    static ByteBuffer key(TextRole role, String text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(role.name().getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private ModelIndex index(TextEmbedder embedder) throws IOException {
        String folder = folderName(embedder);
        ModelIndex index = indexes.get(folder);
        if (index == null) {
            index = load(root.resolve(folder), embedder.dimension());
            indexes.put(folder, index);
        }
        return index;
    }

    private static ModelIndex load(Path dir, int dim) throws IOException {
        ModelIndex index = new ModelIndex(dir, dim);
        if (!Files.isDirectory(dir)) {
            return index;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            // temp files of interrupted writes start with '.' and end in .tmp: never read them
            files = s.filter(p -> p.getFileName().toString().startsWith("seg-")
                    && p.getFileName().toString().endsWith(".vec")).sorted().toList();
        }
        for (Path file : files) {
            addSegment(index, file);
        }
        return index;
    }

    /**
     * Registers a segment's keys. A segment that fails its checks (only possible through outside damage, since
     * segments appear by atomic rename) is skipped, so its texts are embedded again rather than served wrong.
     */
    private static void addSegment(ModelIndex index, Path file) throws IOException {
        if (Files.size(file) > Integer.MAX_VALUE) {
            index.skippedSegments++;
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.capacity() < HEADER + CRC) {
            index.skippedSegments++;
            return;
        }
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        int version = b.getInt();
        int dim = b.getInt();
        int count = b.getInt();
        long expected = HEADER + (long) count * KEY + (long) count * dim * Float.BYTES + CRC;
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.capacity() - CRC);
        if (!Arrays.equals(magic, MAGIC) || version != VERSION || dim != index.dim || count < 0
                || b.capacity() != expected || (int) crc.getValue() != b.getInt(b.capacity() - CRC)) {
            index.skippedSegments++;
            return;
        }
        int seg = index.segments.size();
        index.segments.add(file);
        for (int i = 0; i < count; i++) {
            byte[] k = new byte[KEY];
            b.get(HEADER + i * KEY, k);
            index.where.put(ByteBuffer.wrap(k), new long[] {seg, i});
        }
    }

    private static void readVectors(ModelIndex index, int segment, List<long[]> rowsAndEntries, float[] out)
            throws IOException {
        Path file = index.segments.get(segment);
        int dim = index.dim;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long count = (ch.size() - HEADER - CRC) / (KEY + (long) dim * Float.BYTES);
            long vectorsAt = HEADER + count * KEY;
            ByteBuffer buf = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (long[] re : rowsAndEntries) {
                buf.clear();
                long pos = vectorsAt + re[1] * dim * Float.BYTES;
                while (buf.hasRemaining()) {
                    if (ch.read(buf, pos + buf.position()) < 0) {
                        throw new IOException(file + " ended early");
                    }
                }
                buf.flip();
                buf.asFloatBuffer().get(out, (int) re[0] * dim, dim);
            }
        }
    }

    private static void writeSegment(ModelIndex index, List<ByteBuffer> keys, FloatMatrix vectors) throws IOException {
        Files.createDirectories(index.dir);
        String name = String.format("seg-%013d-%08x.vec", System.currentTimeMillis(),
                ThreadLocalRandom.current().nextInt());
        Path file = index.dir.resolve(name);
        int dim = index.dim;
        AtomicFiles.write(file, os -> {
            CRC32C crc = new CRC32C();
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(os, crc), 1 << 16));
            ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            head.put(MAGIC).putInt(VERSION).putInt(dim).putInt(keys.size());
            out.write(head.array());
            for (ByteBuffer k : keys) {
                out.write(k.array());
            }
            ByteBuffer row = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < keys.size(); i++) {
                row.clear();
                row.asFloatBuffer().put(vectors.data(), i * dim, dim);
                out.write(row.array());
            }
            out.flush();
            byte[] tail = ByteBuffer.allocate(CRC).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).array();
            os.write(tail);
        });
        int seg = index.segments.size();
        index.segments.add(file);
        for (int i = 0; i < keys.size(); i++) {
            index.where.put(keys.get(i), new long[] {seg, i});
        }
    }
}
