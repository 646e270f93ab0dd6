package org.bitsieve.store;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.ThresholdAdaptation;
import org.bitsieve.core.io.EncoderFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Collection#refitIfDue} below the refit size: a collection on the shipped general encoder, fed by a
 * long-running host, adapts its thresholds to its own documents from 1,000 on and again at each doubling; a flush
 * alone, a codes-only collection or an encoder of the user's own do not.
 */
class HostAdaptationTest {
    @TempDir
    Path tmp;

    @AfterEach
    void forget() { TestEncoderRefs.KNOWN.clear(); }

    /** Writes documents {@code from..to-1} in batches of 100, each followed by what a host does, waiting for what it starts. */
    static void feed(Collection c, int from, int to, boolean host) throws Exception {
        for (int b = from; b < to; b += 100) {
            List<Doc> docs = new ArrayList<>();
            for (int i = b; i < Math.min(to, b + 100); i++) {
                docs.add(TestVectors.doc(i));
            }
            c.add(docs);
            if (host) {
                c.refitIfDue();
                c.awaitAutoRefit();
            }
        }
    }

    @Test
    void theShippedThresholdsFollowTheCollectionAsItGrows() throws Exception {
        Encoder shipped = TestVectors.encoder("witq", 32);
        TestEncoderRefs.KNOWN.put("shipped:test-witq-32", shipped);
        Path dir = tmp.resolve("host");
        try (Collection c = Collection.create(dir, shipped, new CollectionOptions(FloatFormat.F16, 100_000, 20_000))) {
            assertTrue(Files.exists(dir.resolve(EncoderRef.FILE)), "the shipped encoder is referenced");
            feed(c, 0, 900, true);
            assertSame(shipped, c.encoder(), "900 documents: below the 1,000 an adaptation needs");
            feed(c, 900, 1000, true);
            assertNotEquals(EncoderFiles.fingerprint(shipped), EncoderFiles.fingerprint(c.encoder()));
            assertEquals(1000, ThresholdAdaptation.adaptedRows(c.encoder()));
            assertArrayEquals(shipped.arrays().get("planes"), c.encoder().arrays().get("planes"), "the planes are kept");
            RefitTest.checkCodesMatchEncoder(c);
            feed(c, 1000, 1900, true);
            assertEquals(1000, ThresholdAdaptation.adaptedRows(c.encoder()), "not again until the collection has doubled");
            feed(c, 1900, 2000, true);
            assertEquals(2000, ThresholdAdaptation.adaptedRows(c.encoder()));
            RefitTest.checkCodesMatchEncoder(c);
            assertEquals(2000, c.count());
            assertEquals("text of 1234", c.get("d1234").text());
        }
        try (Collection c = Collection.open(dir)) {
            assertEquals(2000, ThresholdAdaptation.adaptedRows(c.encoder()), "the adapted encoder is the collection's across reopen");
            assertEquals(2000, c.count());
        }
        assertTrue(Collection.verify(dir).problems().isEmpty(), Collection.verify(dir).problems().toString());
    }

    @Test
    void flushesCodesOnlyCollectionsAndOwnEncodersDoNotAdapt() throws Exception {
        Encoder shipped = TestVectors.encoder("witq", 32);
        TestEncoderRefs.KNOWN.put("shipped:test-witq-32", shipped);
        try (Collection c = Collection.create(tmp.resolve("flush"), shipped, new CollectionOptions(FloatFormat.F16, 100_000, 20_000))) {
            feed(c, 0, 2000, false);
            c.flush(); // the store's own check: the refit only, and 2,000 is below its size
            c.awaitAutoRefit();
            assertSame(shipped, c.encoder());
        }
        try (Collection c = Collection.create(tmp.resolve("codes"), shipped, new CollectionOptions(FloatFormat.NONE, 100_000, 0))) {
            feed(c, 0, 2000, true);
            assertSame(shipped, c.encoder(), "nothing to re-encode from");
        }
        try (Collection c = Collection.create(tmp.resolve("off"), shipped, new CollectionOptions(FloatFormat.F16, 100_000, 0))) {
            feed(c, 0, 2000, true);
            assertSame(shipped, c.encoder(), "automatic refit (and adaptation) turned off");
        }
        Encoder own = TestVectors.encoder("itq", 32); // fitted by the user: not resolvable, not adapted
        try (Collection c = Collection.create(tmp.resolve("own"), own, new CollectionOptions(FloatFormat.F16, 100_000, 20_000))) {
            feed(c, 0, 2000, true);
            assertEquals(EncoderFiles.fingerprint(own), EncoderFiles.fingerprint(c.encoder()));
            assertEquals(0, ThresholdAdaptation.adaptedRows(c.encoder()));
        }
    }
}
