package org.bitsieve.cli.store;

import org.bitsieve.cli.TextEmbedding;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.embed.TextInput;
import org.bitsieve.embed.TextRole;
import org.bitsieve.store.EncoderSelection;
import org.bitsieve.store.RefitOptions;

import java.io.IOException;
import java.nio.file.Path;

/** {@code index --fit-sample}: an encoder chosen on a user's sample of the collection's domain (docs/store.md "Refit"). */
final class FitSample {
    private FitSample() {}

    /**
     * @param current the encoder the collection would get otherwise (the shipped general one), or null
     * @return the best candidate when it beats {@code current} by the refit margin, else {@code current}
     */
    static Encoder choose(Path sample, int dim, int bits, Encoder current, String textField, TextEmbedding embedding) throws IOException {
        FloatMatrix s = read(sample, textField, embedding);
        if (s.dim() != dim) {
            throw new IllegalArgumentException("--fit-sample " + sample + " has dimension " + s.dim() + " but the documents' vectors have "
                    + dim + "; give a sample embedded with the same model");
        }
        for (int i = 0; i < s.data().length; i++) {
            if (!Float.isFinite(s.data()[i])) {
                throw new IllegalArgumentException("--fit-sample " + sample + ": row " + (i / dim) + " holds a non-finite value ("
                        + s.data()[i] + "); remove or fix that row");
            }
        }
        RefitOptions o = RefitOptions.defaults();
        if (s.rows() < o.minDocs()) {
            throw new IllegalArgumentException("--fit-sample " + sample + " has " + s.rows() + " rows; choosing an encoder needs at least "
                    + o.minDocs() + " (some held out to measure recall@10)");
        }
        EncoderSelection.Result r = EncoderSelection.select(s, current, bits, o, s.rows());
        System.out.println(r.report().describe().replaceFirst("^refit on", "encoder chosen on the sample of"));
        return r.report().changed() ? r.best() : current;
    }

    private static FloatMatrix read(Path sample, String textField, TextEmbedding embedding) throws IOException {
        String n = sample.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".jsonl") || n.endsWith(".jsonl.gz")) {
            try {
                return embedding.embed(TextInput.read(sample, TextInput.Format.JSONL, textField), TextRole.PASSAGE, sample.getFileName().toString());
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        return org.bitsieve.cli.Inputs.vectors(sample);
    }
}
