package org.bitsieve.embed;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.io.EncoderRefs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A collection references a shipped encoder by name and fingerprint; after a refit replaces the shipped file, the
 * old version must stay resolvable from {@code general/retired/}, or every collection built before would refuse to open.
 */
class RetiredEncodersTest {
    private Path written;

    @AfterEach
    void removeRetiredFile() throws Exception {
        if (written != null) {
            Files.deleteIfExists(written);
        }
    }

    @Test
    void aReferenceResolvesToTheVersionWithItsFingerprint() throws Exception {
        String ref = ShippedEncoderRefs.PREFIX + "all-minilm-l6-v2-128";
        Encoder current = GeneralEncoders.load(Models.DEFAULT, 128);
        long currentFp = EncoderFiles.fingerprint(current);

        // an "earlier version" of the shipped 128-bit encoder: another fit of the same shape
        Random r = new Random(7);
        float[] data = new float[2000 * 384];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        Encoder old = Encoders.fit("sign", new FloatMatrix(data, 2000, 384).normalizeRows(), FitOptions.bits(128));
        long oldFp = EncoderFiles.fingerprint(old);
        assertNotEquals(currentFp, oldFp);

        // not kept yet: the caller gets the current encoder and reports the fingerprint mismatch itself
        assertEquals(currentFp, EncoderFiles.fingerprint(EncoderRefs.resolve(ref, oldFp).orElseThrow()));

        written = testClasses().resolve(GeneralEncoders.retiredResource("all-minilm-l6-v2-128", oldFp));
        Files.createDirectories(written.getParent());
        EncoderFiles.save(old, written);

        assertEquals(oldFp, EncoderFiles.fingerprint(EncoderRefs.resolve(ref, oldFp).orElseThrow()), "the retired version");
        assertEquals(currentFp, EncoderFiles.fingerprint(EncoderRefs.resolve(ref, currentFp).orElseThrow()), "the current one");
        assertTrue(EncoderRefs.resolve("shipped:no-such-model-256", oldFp).isEmpty());
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(RetiredEncodersTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
