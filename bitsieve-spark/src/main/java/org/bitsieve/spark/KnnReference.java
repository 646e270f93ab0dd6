package org.bitsieve.spark;

import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.store.Collection;
import org.bitsieve.store.KnnVote;
import org.bitsieve.store.StoredDoc;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A labelled reference set in the form executors need: the encoder file bytes, the packed codes in the collection's
 * storage order (the order its search ranks ties by) and one label per code. It is what a kNN job broadcasts:
 * 1M codes of 256 bits are 32 MB, plus the labels.
 */
public final class KnnReference implements Serializable {
    private static final long serialVersionUID = 1L;

    final byte[] encoder;
    final long[] codes;
    final int count;
    final String[] labels;

    KnnReference(byte[] encoder, long[] codes, int count, String[] labels) {
        this.encoder = encoder;
        this.codes = codes;
        this.count = count;
        this.labels = labels;
    }

    /** Every live document of a collection with its {@code labelField} metadata value (null where absent). */
    public static KnnReference fromCollection(Path dir, String labelField) throws IOException {
        try (Collection c = Collection.open(dir)) {
            Encoder enc = c.encoder();
            int words = PackedCodes.wordsFor(enc.bits());
            List<long[]> codes = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            c.snapshot().forEachDoc((StoredDoc d) -> {
                codes.add(d.code());
                labels.add(KnnVote.labelText(d.metadataJson(), labelField));
            });
            long[] packed = new long[codes.size() * words];
            for (int i = 0; i < codes.size(); i++) {
                System.arraycopy(codes.get(i), 0, packed, i * words, words);
            }
            return new KnnReference(EncoderFiles.toBytes(enc), packed, codes.size(), labels.toArray(new String[0]));
        }
    }

    /** {@link #fromCollection(Path, String)} for callers without java.nio (PySpark through Py4J). */
    public static KnnReference fromCollection(String dir, String labelField) throws IOException {
        return fromCollection(Path.of(dir), labelField);
    }

    public int count() { return count; }

    Encoder encoder() {
        try {
            return EncoderFiles.fromBytes(encoder, Path.of("reference-encoder.bse"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
