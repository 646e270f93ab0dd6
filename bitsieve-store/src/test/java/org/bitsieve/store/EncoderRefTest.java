package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A known (shipped) encoder is referenced by name and fingerprint instead of copied; unknown ones are copied as before. */
class EncoderRefTest {
    @TempDir
    Path tmp;

    @AfterEach
    void forget() { TestEncoderRefs.KNOWN.clear(); }

    @Test
    void aKnownEncoderIsReferencedAndResolvedOnOpen() throws Exception {
        Encoder enc = TestVectors.encoder("pcaq", 64);
        TestEncoderRefs.KNOWN.put("shipped:test-64", enc);
        Path dir = tmp.resolve("c");
        try (Collection c = Collection.create(dir, enc, CollectionOptions.defaults())) {
            c.add(List.of(TestVectors.doc(1), TestVectors.doc(2)));
        }
        assertFalse(Files.exists(dir.resolve("encoder.bse")), "no copy of a shipped encoder");
        String ref = Files.readString(dir.resolve("encoder.ref"));
        assertTrue(ref.contains("\"ref\":\"shipped:test-64\""), ref);
        try (Collection c = Collection.open(dir)) {
            assertEquals(2, c.count());
            assertTrue(c.info().bytes().get("encoder") < 200, "the reference is tiny");
        }
        // the build no longer ships it: a clear error naming it
        TestEncoderRefs.KNOWN.clear();
        Exception missing = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(missing.getMessage().contains("uses the encoder 'shipped:test-64', which is not on this class path"), missing.getMessage());
        // it ships a different one under the same name
        TestEncoderRefs.KNOWN.put("shipped:test-64", TestVectors.encoder("simhash", 64));
        Exception changed = assertThrows(CorruptCollectionException.class, () -> Collection.open(dir));
        assertTrue(changed.getMessage().contains("this build ships a different one"), changed.getMessage());
    }

    @Test
    void anUnknownEncoderIsCopiedAsBefore() throws Exception {
        Path dir = tmp.resolve("c");
        Collection.create(dir, TestVectors.encoder("pcaq", 64), CollectionOptions.defaults()).close();
        assertTrue(Files.exists(dir.resolve("encoder.bse")));
        assertFalse(Files.exists(dir.resolve("encoder.ref")));
        Collection.open(dir).close();
    }
}
