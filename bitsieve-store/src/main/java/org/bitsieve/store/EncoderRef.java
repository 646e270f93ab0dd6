package org.bitsieve.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.AtomicFiles;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.io.EncoderRefs;
import org.bitsieve.core.io.FileFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A collection's encoder: a copy ({@code encoder.bse}), or, for an encoder shipped in the jar, a reference by name
 * and fingerprint ({@code encoder.ref}, ~90 bytes instead of 789 KB, which is more than the codes of a collection of
 * 20,000 texts). Collections with a copy keep opening as before.
 */
final class EncoderRef {
    static final String FILE = "encoder.ref";

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Ref(String ref, long fingerprint) {}

    private EncoderRef() {}

    /** Writes the reference when a resolver knows the encoder, else the copy. */
    static void save(Path dir, Encoder encoder) throws IOException {
        Optional<String> name = EncoderRefs.refOf(encoder);
        if (name.isPresent()) {
            byte[] body = Metadata.JSON.writeValueAsBytes(new Ref(name.get(), EncoderFiles.fingerprint(encoder)));
            AtomicFiles.write(dir.resolve(FILE), o -> o.write(body));
        } else {
            EncoderFiles.save(encoder, dir.resolve(SegmentFiles.ENCODER));
        }
    }

    static Encoder load(Path dir) throws IOException {
        Path copy = dir.resolve(SegmentFiles.ENCODER);
        Path refFile = dir.resolve(FILE);
        if (!Files.exists(copy) && Files.exists(refFile)) {
            Ref r;
            try {
                r = Metadata.JSON.readValue(Files.readAllBytes(refFile), Ref.class);
            } catch (IOException e) {
                throw new CorruptCollectionException(refFile, "encoder reference is not valid: " + e.getMessage());
            }
            if (r.ref() == null) {
                throw new CorruptCollectionException(refFile, "encoder reference names no encoder");
            }
            Encoder e = EncoderRefs.resolve(r.ref(), r.fingerprint()).orElseThrow(() -> new CorruptCollectionException(refFile,
                    "the collection uses the encoder '" + r.ref() + "', which is not on this class path (the shipped "
                            + "encoders come with the bitsieve-embed jar; put it on the class path)"));
            if (!EncoderFiles.matches(e, r.fingerprint())) {
                throw new CorruptCollectionException(refFile, String.format(
                        "the collection was built with the encoder '%s' of fingerprint %016x, but this build ships a different "
                                + "one (%016x); open it with the bitsieve version that built it, or re-index", r.ref(), r.fingerprint(),
                        EncoderFiles.fingerprint(e)));
            }
            return e;
        }
        return loadCopy(copy);
    }

    /** Loads an encoder file of the collection (encoder.bse, or a refit's encoder-<fingerprint>.bse the manifest names). */
    static Encoder loadCopy(Path copy) throws IOException {
        try {
            return EncoderFiles.load(copy);
        } catch (NoSuchFileException e) {
            throw new CorruptCollectionException(copy, "encoder file is missing");
        } catch (FileFormatException e) {
            throw new CorruptCollectionException(copy, e.getMessage());
        }
    }
}
