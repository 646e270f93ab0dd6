package org.bitsieve.spark;

import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.embed.GeneralEncoders;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where an encoder comes from, resolved on the driver into something every executor can load without a shared
 * file system: a shipped general encoder is named (model + bits; the executors load it from the bitsieve-embed jar),
 * an encoder file is read once on the driver and its bytes travel with the task closure (encoders are kilobytes to a
 * few megabytes). Executors keep one decoded instance per JVM, keyed by {@link #key()}, shared by all tasks
 * (encoders are immutable and thread-safe).
 */
public final class EncoderSource implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Encoder> LOADED = new ConcurrentHashMap<>();

    private final String model;
    private final int bits;
    private final byte[] fileBytes;
    private final String key;

    private EncoderSource(String model, int bits, byte[] fileBytes, String key) {
        this.model = model;
        this.bits = bits;
        this.fileBytes = fileBytes;
        this.key = key;
    }

    /** The shipped general encoder of a bundled model at a bit budget (checked on the driver). */
    public static EncoderSource shipped(String model, int bits) {
        GeneralEncoders.load(model, bits); // fail on the driver, naming the budgets that exist
        return new EncoderSource(model, bits, null, "shipped:" + GeneralEncoders.encoderModel(model) + "-" + bits);
    }

    /** An encoder file ({@code .bse}) readable by the driver. */
    public static EncoderSource file(String path) {
        try {
            byte[] b = Files.readAllBytes(Path.of(path));
            Encoder e = EncoderFiles.fromBytes(b, Path.of(path)); // validate before any task starts
            return new EncoderSource(null, e.bits(), b, "file:" + Long.toHexString(EncoderFiles.fingerprint(e)));
        } catch (IOException e) {
            throw new UncheckedIOException("encoder file " + path + ": " + e.getMessage(), e);
        }
    }

    /** {@code path} when given, else the shipped encoder of {@code model} at {@code bits}. */
    public static EncoderSource of(String path, String model, int bits) {
        return path == null || path.isEmpty() ? shipped(model, bits) : file(path);
    }

    /** The encoder, decoded at most once per JVM. */
    public Encoder get() {
        return LOADED.computeIfAbsent(key, k -> {
            if (fileBytes == null) {
                return GeneralEncoders.load(model, bits);
            }
            try {
                return EncoderFiles.fromBytes(fileBytes, Path.of(k));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Identifies the encoder: {@code shipped:<model>-<bits>} or {@code file:<fingerprint>}. */
    public String key() { return key; }

    /** The encoder file bytes (for a shipped encoder, those of the shipped file). */
    public byte[] bytes() { return fileBytes != null ? fileBytes.clone() : EncoderFiles.toBytes(get()); }

    /** How many encoders this JVM has decoded (tests check the per-executor cache). */
    static int loadedCount() { return LOADED.size(); }
}
