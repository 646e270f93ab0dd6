package org.bitsieve.embed;

import org.bitsieve.core.FloatMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddingCacheTest {
    @TempDir
    Path dir;

    /** A deterministic stand-in model that counts the texts it is asked to embed. */
    static final class CountingEmbedder implements TextEmbedder {
        int calls;
        long texts;
        final String name;

        CountingEmbedder(String name) {
            this.name = name;
        }

        @Override public String modelName() { return name; }
        @Override public int dimension() { return 4; }
        @Override public int maxTokens() { return 256; }
        @Override public EmbedStats stats() { return new EmbedStats(texts, 0, 0); }
        @Override public void close() { }

        @Override
        public float[][] embed(List<String> in, TextRole role) {
            FloatMatrix m = embedAll(in, role, ProgressListener.NONE);
            float[][] out = new float[m.rows()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = m.row(i);
            }
            return out;
        }

        @Override
        public FloatMatrix embedAll(List<String> in, TextRole role, ProgressListener p) {
            calls++;
            texts += in.size();
            float[] data = new float[in.size() * 4];
            for (int i = 0; i < in.size(); i++) {
                int h = (role + in.get(i)).hashCode();
                data[i * 4] = h;
                data[i * 4 + 1] = in.get(i).length();
                data[i * 4 + 2] = role.ordinal();
                data[i * 4 + 3] = 1;
            }
            p.progress(in.size(), in.size());
            return new FloatMatrix(data, in.size(), 4);
        }
    }

    private static List<String> texts(int n) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t.add("text number " + i);
        }
        return t;
    }

    @Test
    void secondRunEmbedsNothing() {
        List<String> texts = texts(100);
        CountingEmbedder model = new CountingEmbedder("fake");
        FloatMatrix first = new EmbeddingCache(dir).embedAll(model, texts, TextRole.PASSAGE, ProgressListener.NONE);
        assertEquals(100, model.texts);

        // a new cache object (as in a new process) reads what the first one wrote
        EmbeddingCache again = new EmbeddingCache(dir);
        long[] lastProgress = new long[2];
        FloatMatrix second = again.embedAll(model, texts, TextRole.PASSAGE, (d, t) -> {
            lastProgress[0] = d;
            lastProgress[1] = t;
        });
        assertEquals(100, model.texts, "second run must not call the model");
        assertEquals(1, model.calls);
        assertEquals(100, again.hits());
        assertEquals(0, again.misses());
        assertArrayEquals(first.data(), second.data());
        assertArrayEquals(new long[] {100, 100}, lastProgress);
    }

    @Test
    void onlyMissingAndDistinctTextsAreEmbedded() {
        CountingEmbedder model = new CountingEmbedder("fake");
        EmbeddingCache cache = new EmbeddingCache(dir);
        cache.embedAll(model, texts(10), TextRole.PASSAGE, ProgressListener.NONE);
        List<String> mixed = new ArrayList<>(texts(15));
        mixed.add("text number 12"); // a duplicate of a new text
        FloatMatrix m = cache.embedAll(model, mixed, TextRole.PASSAGE, ProgressListener.NONE);
        assertEquals(15, model.texts);
        assertArrayEquals(m.row(12), m.row(15));
        assertEquals(new CountingEmbedder("x").embedAll(mixed, TextRole.PASSAGE, ProgressListener.NONE).data().length,
                m.data().length);
        assertArrayEquals(new CountingEmbedder("x").embedAll(mixed, TextRole.PASSAGE, ProgressListener.NONE).data(),
                m.data());
    }

    @Test
    void roleAndModelArePartOfTheKey() {
        CountingEmbedder a = new CountingEmbedder("model-a");
        CountingEmbedder b = new CountingEmbedder("model-b");
        EmbeddingCache cache = new EmbeddingCache(dir);
        cache.embedAll(a, texts(5), TextRole.PASSAGE, ProgressListener.NONE);
        cache.embedAll(a, texts(5), TextRole.QUERY, ProgressListener.NONE);
        cache.embedAll(b, texts(5), TextRole.PASSAGE, ProgressListener.NONE);
        assertEquals(10, a.texts);
        assertEquals(5, b.texts);
        assertTrue(Files.isDirectory(dir.resolve("model-a-d4-t256")));
    }

    /** What a crash can leave behind (a temp file) or outside damage (a cut segment) is ignored, not served. */
    @Test
    void leftoversOfACrashAreIgnored() throws IOException {
        CountingEmbedder model = new CountingEmbedder("fake");
        new EmbeddingCache(dir).embedAll(model, texts(10), TextRole.PASSAGE, ProgressListener.NONE);
        Path folder = dir.resolve("fake-d4-t256");
        Path segment;
        try (Stream<Path> s = Files.list(folder)) {
            segment = s.filter(p -> p.toString().endsWith(".vec")).findFirst().orElseThrow();
        }
        Files.write(folder.resolve(".seg-123.vec.tmp"), new byte[] {1, 2, 3});
        byte[] bytes = Files.readAllBytes(segment);
        Files.write(segment, Arrays.copyOf(bytes, bytes.length - 7));
        FloatMatrix m = new EmbeddingCache(dir).embedAll(model, texts(10), TextRole.PASSAGE, ProgressListener.NONE);
        assertEquals(20, model.texts); // the cut segment was skipped, so all ten were embedded again
        assertArrayEquals(new CountingEmbedder("x").embedAll(texts(10), TextRole.PASSAGE, ProgressListener.NONE).data(),
                m.data());
    }

    /** A flipped bit in a stored vector fails the segment's checksum: its texts are embedded again. */
    @Test
    void corruptedSegmentIsNotServed() throws IOException {
        CountingEmbedder model = new CountingEmbedder("fake");
        new EmbeddingCache(dir).embedAll(model, texts(3), TextRole.PASSAGE, ProgressListener.NONE);
        Path segment;
        try (Stream<Path> s = Files.list(dir.resolve("fake-d4-t256"))) {
            segment = s.findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 10] ^= 1;
        Files.write(segment, bytes);
        FloatMatrix m = new EmbeddingCache(dir).embedAll(model, texts(3), TextRole.PASSAGE, ProgressListener.NONE);
        assertEquals(6, model.texts);
        assertArrayEquals(new CountingEmbedder("x").embedAll(texts(3), TextRole.PASSAGE, ProgressListener.NONE).data(),
                m.data());
    }

    @Test
    void worksWithTheRealModel() {
        TextEmbedder e = SharedModel.get();
        List<String> texts = List.of("The cache keeps vectors.", "So nothing is embedded twice.");
        FloatMatrix viaCache = new EmbeddingCache(dir).embedAll(e, texts, TextRole.PASSAGE, ProgressListener.NONE);
        FloatMatrix again = new EmbeddingCache(dir).embedAll(e, texts, TextRole.PASSAGE, ProgressListener.NONE);
        float[][] direct = e.embed(texts, TextRole.PASSAGE);
        assertArrayEquals(direct[1], viaCache.row(1), 1e-6f);
        assertArrayEquals(viaCache.data(), again.data());
    }
}
