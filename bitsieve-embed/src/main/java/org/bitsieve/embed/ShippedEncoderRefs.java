package org.bitsieve.embed;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.core.io.EncoderRefs;

import java.util.Optional;

/**
 * Names the general encoders shipped in this jar {@code shipped:<model>-<bits>} (e.g.
 * {@code shipped:all-minilm-l6-v2-256}), so a collection can reference one instead of holding a 789 KB copy.
 * Registered for {@link java.util.ServiceLoader} in META-INF/services.
 */
public final class ShippedEncoderRefs implements EncoderRefs.Resolver {
    static final String PREFIX = "shipped:";

    @Override
    public Optional<Encoder> resolve(String ref) {
        if (ref == null || !ref.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String name = ref.substring(PREFIX.length());
        int dash = name.lastIndexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        try {
            return GeneralEncoders.find(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
        } catch (NumberFormatException | EmbeddingException e) {
            return Optional.empty();
        }
    }

    /**
     * The current shipped encoder when its fingerprint matches, else the retired version with that fingerprint
     * ({@code general/retired/<model>-<bits>-<fingerprint as 16 hex digits>.bse}): a refit of the shipped encoders
     * moves the old file there, so collections that reference it keep opening.
     */
    @Override
    public Optional<Encoder> resolve(String ref, long fingerprint) {
        Optional<Encoder> current = resolve(ref);
        if (current.isEmpty() || EncoderFiles.matches(current.get(), fingerprint)) {
            return current;
        }
        String name = ref.substring(PREFIX.length());
        return GeneralEncoders.retired(name, fingerprint).or(() -> current);
    }

    @Override
    public Optional<String> refOf(Encoder e) {
        long fp = EncoderFiles.fingerprint(e);
        for (String model : Models.knownNames()) {
            if (!GeneralEncoders.encoderModel(model).equals(model)) {
                continue; // a -q model uses its float model's encoders
            }
            Optional<Encoder> shipped = GeneralEncoders.find(model, e.bits());
            if (shipped.isPresent() && (shipped.get() == e || (shipped.get().dimension() == e.dimension()
                    && EncoderFiles.fingerprint(shipped.get()) == fp))) {
                return Optional.of(PREFIX + model + "-" + e.bits());
            }
        }
        return Optional.empty();
    }
}
