package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a write refuses before anything reaches the log. Lone surrogates once became '?' on disk, so "dup\ud800" and "dup\udc00" collapsed into one id. */
class WriteValidationTest {
    @TempDir
    Path tmp;

    @Test
    void loneSurrogatesInIdsTextsAndMetadataAreRefusedAndNothingIsWritten() throws IOException {
        Encoder enc = TestVectors.encoder("sign", 32);
        try (Collection c = Collection.create(tmp.resolve("c"), enc, new CollectionOptions(FloatFormat.F16, 100))) {
            float[] v = TestVectors.vector(1);
            for (Doc d : List.of(new Doc("dup\ud800", v, null, null), new Doc("dup\udc00", v, null, null),
                    new Doc("a", v, "text\ud800", null), new Doc("a", v, null, "{\"k\":\"\udc00\"}"),
                    new Doc("a", v, null, "{\"\ud800\":1}"))) {
                WriteBatch b = new WriteBatch();
                b.upsert(d);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.write(b));
                assertTrue(e.getMessage().contains("Unicode"), e.getMessage());
            }
            assertEquals(0, c.count());
            String id = "ok\ud83d\ude00";
            WriteBatch b = new WriteBatch();
            b.upsert(new Doc(id, v, "t\ud83d\ude00", "{\"k\":\"\ud83d\ude00\"}"));
            c.write(b);
            assertNotNull(c.get(id));
            assertEquals("t\ud83d\ude00", c.get(id).text());
        }
    }

    /** Finite values whose norm over- or underflows float32 scoring once gave Infinity scores. */
    @Test
    void vectorsThatCannotBeScoredAreRefused() throws IOException {
        Encoder enc = TestVectors.encoder("sign", 32);
        try (Collection c = Collection.create(tmp.resolve("v"), enc, new CollectionOptions(FloatFormat.F16, 100))) {
            float[] zero = new float[TestVectors.DIM];
            float[] tiny = new float[TestVectors.DIM];
            java.util.Arrays.fill(tiny, 1e-45f);
            float[] huge = new float[TestVectors.DIM];
            java.util.Arrays.fill(huge, 3e38f);
            float[] overF16 = TestVectors.vector(2).clone();
            overF16[0] = 1e5f; // fits float32, not float16
            for (float[] v : List.of(zero, tiny, huge, overF16)) {
                WriteBatch b = new WriteBatch();
                b.upsert(new Doc("x", v, null, null));
                assertThrows(IllegalArgumentException.class, () -> c.write(b));
            }
            assertEquals(0, c.count());
        }
    }
}
