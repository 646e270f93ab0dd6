package org.bitsieve.embed;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The general encoders shipped inside this jar: one per bundled model and bit budget, fitted once on
 * general-domain sentences (never on an evaluation set) so that text of any domain can be encoded with no
 * fitting step. Each {@code <model>-<bits>.bse} resource has a {@code <model>-<bits>.json} sidecar recording
 * how it was made (corpus and its SHA-256, sample, seed, encoder kind, command); {@code bitsieve fit --general}
 * regenerates them.
 *
 * <p>A quantized model ({@code -q}) uses the encoder of its float model: its vectors agree with the float
 * model's to cosine ~0.99, well inside what a 256-bit code distinguishes.
 */
public final class GeneralEncoders {
    /** Bit budgets shipped for every bundled model. */
    public static final List<Integer> BITS = List.of(128, 256, 512);
    public static final int DEFAULT_BITS = 256;
    static final String FOLDER = "org/bitsieve/embed/general/";

    private static final Map<String, Encoder> LOADED = new ConcurrentHashMap<>();

    private GeneralEncoders() {}

    /** The model whose shipped encoders serve {@code model}: the float model for a {@code -q} variant. */
    public static String encoderModel(String model) {
        String name = Models.spec(model).name();
        return name.endsWith("-q") ? name.substring(0, name.length() - 2) : name;
    }

    /** Resource base name (without extension) of the shipped encoder for a bundled model and bit budget. */
    public static String resourceBase(String model, int bits) {
        return FOLDER + encoderModel(model) + "-" + bits;
    }

    /** The bit budgets with a shipped encoder for this model (empty for a model folder or before fitting). */
    public static List<Integer> available(String model) {
        List<Integer> out = new ArrayList<>();
        for (int b : BITS) {
            if (resource(resourceBase(model, b) + ".bse") != null) {
                out.add(b);
            }
        }
        return out;
    }

    /** The shipped encoder, if there is one for this bundled model and budget. Loaded once, then shared (encoders are immutable). */
    public static Optional<Encoder> find(String model, int bits) {
        String base;
        try {
            base = resourceBase(model, bits);
        } catch (EmbeddingException e) {
            return Optional.empty(); // a model folder or unknown name: no shipped encoder
        }
        Encoder cached = LOADED.get(base);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = resource(base + ".bse")) {
            if (in == null) {
                return Optional.empty();
            }
            Encoder e = EncoderFiles.load(in, base + ".bse");
            LOADED.putIfAbsent(base, e);
            return Optional.of(LOADED.get(base));
        } catch (IOException e) {
            throw new UncheckedIOException("shipped encoder " + base + ".bse is unreadable: " + e.getMessage(), e);
        }
    }

    /** Cells of the shipped coarse quantisers (docs/scaling.md, "IVF as built"). */
    public static final int COARSE_CELLS = 1024;

    /**
     * The shipped coarse quantiser (partitioned search) for a bundled model, fitted on the general corpora like the
     * encoders (one per bundled model, with a {@code <model>-coarse-1024.json} provenance record); empty for a model folder or an unknown name.
     */
    public static Optional<org.bitsieve.core.coarse.CoarseQuantizer> coarse(String model) {
        String name;
        try {
            name = FOLDER + encoderModel(model) + "-coarse-" + COARSE_CELLS + ".bsq";
        } catch (EmbeddingException e) {
            return Optional.empty();
        }
        try (InputStream in = resource(name)) {
            return in == null ? Optional.empty() : Optional.of(org.bitsieve.core.coarse.CoarseFiles.load(in, name));
        } catch (IOException e) {
            throw new UncheckedIOException("shipped coarse quantiser " + name + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * The shipped encoder for a bundled model and budget.
     *
     * @throws EmbeddingException naming the budgets that exist, and how to fit one's own encoder instead
     */
    public static Encoder load(String model, int bits) {
        return find(model, bits).orElseThrow(() -> {
            List<Integer> have;
            try {
                have = available(model);
            } catch (EmbeddingException e) {
                return new EmbeddingException("no shipped general encoder for '" + model + "': shipped encoders exist "
                        + "only for the bundled models (" + String.join(", ", Models.knownNames()) + "); fit one on your "
                        + "own vectors with `bitsieve fit`");
            }
            return new EmbeddingException(String.format(Locale.ROOT,
                    "no shipped general encoder for model %s at %d bits; shipped budgets: %s. Choose one of them, or fit "
                            + "an encoder on your own vectors with `bitsieve fit`", encoderModel(model), bits,
                    have.isEmpty() ? "none" : have.toString()));
        });
    }

    /**
     * A retired shipped encoder: {@code name} is {@code <model>-<bits>}; refits keep the replaced file under
     * {@code retired/} with its fingerprint in the name, so collections that reference it by fingerprint still open.
     */
    static Optional<Encoder> retired(String name, long fingerprint) {
        String file = retiredResource(name, fingerprint);
        Encoder cached = LOADED.get(file);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = resource(file)) {
            if (in == null) {
                return Optional.empty();
            }
            Encoder e = EncoderFiles.load(in, file);
            if (!EncoderFiles.matches(e, fingerprint)) {
                throw new UncheckedIOException(new IOException("retired encoder " + file + " does not have the fingerprint its name says"));
            }
            LOADED.putIfAbsent(file, e);
            return Optional.of(LOADED.get(file));
        } catch (IOException e) {
            throw new UncheckedIOException("retired shipped encoder " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Resource name of a retired shipped encoder ({@code <model>-<bits>} and its fingerprint). */
    public static String retiredResource(String name, long fingerprint) {
        return FOLDER + "retired/" + name + String.format(Locale.ROOT, "-%016x.bse", fingerprint);
    }

    /** The provenance record (JSON text) shipped next to the encoder, if any. */
    public static Optional<String> provenance(String model, int bits) {
        try (InputStream in = resource(resourceBase(model, bits) + ".json")) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        return GeneralEncoders.class.getClassLoader().getResourceAsStream(name);
    }
}
