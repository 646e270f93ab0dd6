package org.bitsieve.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The model's HuggingFace tokenizer (Rust, through DJL's JNI binding) set to truncate at our token limit and
 * not to pad: padding is done per batch by {@link OnnxTextEmbedder}, to the longest text of the batch.
 */
final class Tokenizer implements AutoCloseable {
    /** One text's tokens; {@code typeIds} is all zeros for single-segment input but kept for models that read it. */
    record Tokens(long[] ids, long[] typeIds, boolean truncated) {
        int length() { return ids.length; }
    }

    private final HuggingFaceTokenizer tokenizer;

    private Tokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    static Tokenizer open(ModelLocation location, int maxTokens) {
        // The tokenizer.json's own truncation/padding (all-MiniLM's says: pad and cut at 128) is overridden here.
        // modelMaxLength too, or DJL would silently clamp maxLength to its default of 512.
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "truncation", "true",
                "padding", "false",
                "maxLength", Integer.toString(maxTokens),
                "modelMaxLength", Integer.toString(maxTokens));
        try (InputStream in = location.openTokenizer()) {
            return new Tokenizer(HuggingFaceTokenizer.newInstance(in, options));
        } catch (IOException e) {
            throw new EmbeddingException("cannot read the tokenizer of " + location.describe() + ": " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            // DJL extracts its native library from the tokenizers jar; it only downloads one for platforms
            // the jar lacks, and we run it offline, so this means an unsupported platform
            throw new EmbeddingException("cannot load the native HuggingFace tokenizer library for "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                    + " from ai.djl.huggingface:tokenizers (bundled for linux-x86_64, linux-aarch64, osx-aarch64, "
                    + "win-x86_64): " + e, e);
        } catch (RuntimeException e) {
            throw new EmbeddingException("the tokenizer of " + location.describe() + " is not a valid tokenizer.json: "
                    + e.getMessage(), e);
        }
    }

    Tokens[] encode(List<String> texts) {
        Encoding[] encodings;
        try {
            encodings = tokenizer.batchEncode(texts);
        } catch (RuntimeException e) {
            throw new EmbeddingException("tokenizer failed: " + e.getMessage(), e);
        }
        Tokens[] out = new Tokens[encodings.length];
        for (int i = 0; i < encodings.length; i++) {
            Encoding e = encodings[i];
            out[i] = new Tokens(e.getIds(), e.getTypeIds(), e.exceedMaxLength());
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
