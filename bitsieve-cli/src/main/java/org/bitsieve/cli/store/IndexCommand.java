package org.bitsieve.cli.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.Doc;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.WriteBatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Add documents to a collection (created on first use): one vector per JSON Lines record, in order.",
                "The record's id field becomes the document id, its text field the payload text, every other field metadata."})
public final class IndexCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Option(names = "--vectors", description = "Document vectors (.npy float32, float16 or float64, or .fvecs); without it the "
            + "text field is embedded in-process with --model.")
    Path vectors;

    @picocli.CommandLine.Mixin
    org.bitsieve.cli.TextEmbedding embedding;

    @Option(names = "--docs", description = "Documents, one JSON object per line (.jsonl or .jsonl.gz). Optional with --vectors"
            + " (bulk load): without it the ids are the row numbers 0, 1, 2, ... and there is no text or metadata.")
    Path docs;

    @Option(names = "--id-field", defaultValue = "id", description = "Field holding the unique document id. Default: ${DEFAULT-VALUE}.")
    String idField;

    @Option(names = "--text-field", defaultValue = "text", description = "Field holding the payload text. Default: ${DEFAULT-VALUE}.")
    String textField;

    @Option(names = "--encoder", description = "Fitted encoder (.bse) for a new collection.")
    Path encoderFile;

    @Option(names = "--encoder-kind",
            description = "Fit this encoder kind (witq, pcaq, ...) on the documents' vectors for a new collection. Default: the "
                    + "shipped general encoder of --model when the text is embedded here, a fitted " + Encoders.DEFAULT + " with --vectors.")
    String encoderKind;

    @Option(names = "--general", description = "With --vectors: use the shipped general encoder of --model (the vectors must come from that model).")
    boolean general;

    @Option(names = "--no-adapt", description = "New collection with the shipped general encoder: keep its thresholds as shipped. "
            + "By default its thresholds (and a witq's decoder) are fitted to a sample of the documents (its planes are kept; "
            + "at least " + ADAPT_MIN_ROWS + " documents), which held neighbours better on every validation set "
            + "(docs/general-encoders.md, \"Adapted thresholds\"); with this flag codes equal `bitsieve encode` output. A collection "
            + "with floats that a server later writes to still adapts then, unless made with --auto-refit 0.")
    boolean noAdapt;

    /** Fewer documents than this keep the shipped thresholds: a median and a decoder need rows to stand on. */
    static final int ADAPT_MIN_ROWS = org.bitsieve.core.encode.ThresholdAdaptation.MIN_ROWS;
    /** Rows of the documents, drawn uniformly, that the thresholds and decoder are fitted on. */
    static final int ADAPT_SAMPLE = org.bitsieve.core.encode.ThresholdAdaptation.SAMPLE;

    @Option(names = "--bits", defaultValue = "256", description = "Code length (shipped encoders: 128, 256, 512). Default: ${DEFAULT-VALUE}.")
    int bits;

    @Option(names = "--keep-floats", defaultValue = "f16",
            description = "Keep the float vectors for re-ranking: f16, f32 or none (new collections). Default: ${DEFAULT-VALUE}.")
    String keepFloats;

    @Option(names = "--coarse", paramLabel = "FILE.bsq|general", description = "New collections: partition by this coarse quantiser "
            + "(bitsieve fit --coarse), so searches scan only the cells nearest the query (--nprobe); `general`: the one shipped "
            + "for the model (1,024 cells fitted on the general corpora, no fitting step).")
    Path coarseFile;

    @Option(names = "--cells", description = "New collections: fit a coarse quantiser with this many cells on the documents' "
            + "vectors and partition by it (instead of --coarse).")
    Integer cells;

    @Option(names = "--fit-sample", paramLabel = "FILE", description = "New collection: choose its encoder on this sample of the "
            + "collection's domain (.npy/.fvecs vectors, or .jsonl/.jsonl.gz texts embedded with --model): candidates fitted on it "
            + "against the default encoder, by recall@10 on held-out rows (at least 1,000 rows). For codes-only collections, which cannot refit later.")
    Path fitSample;

    @Option(names = "--auto-refit", paramLabel = "DOCS", description = "New collection with floats kept: refit the encoder on its own "
            + "documents at the first flush past DOCS documents, and again each time it doubles (0 = off). Default: "
            + CollectionOptions.DEFAULT_AUTO_REFIT_DOCS + ".")
    Integer autoRefit;

    @Option(names = "--upsert", description = "Replace documents whose id exists instead of failing.")
    boolean upsert;

    @Option(names = "--batch", defaultValue = "10000", description = "Documents per durable batch. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--bulk", description = "With --vectors and --docs: load on the bulk path (large batches written directly as segments,"
            + " upsert by id). Implied when --vectors is given without --docs.")
    boolean bulk;

    @Option(names = "--bulk-batch", defaultValue = "262144", description = "Documents per durable batch (one segment each) on the bulk path."
            + " Default: ${DEFAULT-VALUE}.")
    int bulkBatch;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    int run() throws IOException {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be positive");
        }
        org.bitsieve.cli.Bars.quiet = quiet;
        FloatFormat floats = FloatFormat.parse(keepFloats);
        if (autoRefit != null && autoRefit < 0) {
            throw new IllegalArgumentException("--auto-refit must be 0 (off) or a document count, got " + autoRefit);
        }
        if (fitSample != null && (encoderFile != null || encoderKind != null)) {
            throw new IllegalArgumentException("--fit-sample chooses the encoder itself; leave out --encoder and --encoder-kind");
        }
        if ((fitSample != null || autoRefit != null) && Collection.exists(collection)) {
            throw new IllegalArgumentException((fitSample != null ? "--fit-sample" : "--auto-refit") + " applies to a new collection; "
                    + collection + " exists (run `bitsieve refit " + collection + "` to refit one that keeps floats)");
        }
        if (fitSample != null && !java.nio.file.Files.isRegularFile(fitSample)) {
            throw new IllegalArgumentException("--fit-sample: file not found: " + fitSample);
        }
        if (vectors != null && (docs == null || bulk)) {
            if (fitSample != null) {
                throw new IllegalArgumentException("--fit-sample is not available with a bulk load; give --encoder FILE (e.g. from "
                        + "`bitsieve fit`) or index with --docs and without --bulk");
            }
            return BulkIndex.run(this, floats);
        }
        if (docs == null) {
            throw new IllegalArgumentException("--docs is required (it may be left out only with --vectors, for a bulk load with row numbers as ids)");
        }
        // every record is checked (JSON, id field, ids unique in the file) before minutes of embedding, not after
        java.util.List<String> ids = StoreInputs.checkRecords(docs, idField, textField, !upsert);
        int lines = ids.size();
        if (!upsert && Collection.exists(collection)) {
            try (Collection c = Collection.open(collection)) {
                for (int i = 0; i < ids.size(); i++) {
                    if (c.get(ids.get(i)) != null) {
                        throw new IllegalArgumentException(docs + ": document '" + ids.get(i) + "' (record " + (i + 1) + ") already exists in "
                                + collection + "; pass --upsert to replace it");
                    }
                }
            }
        }
        FloatMatrix x;
        if (vectors != null) {
            x = org.bitsieve.cli.Inputs.vectors(vectors);
        } else {
            try {
                x = embedding.embed(org.bitsieve.embed.TextInput.read(docs, org.bitsieve.embed.TextInput.Format.JSONL, textField),
                        org.bitsieve.embed.TextRole.PASSAGE, docs.getFileName().toString());
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        if (lines != x.rows()) {
            throw new IllegalArgumentException(docs + " holds " + lines + " documents but " + (vectors != null ? vectors : "the embedder") + " holds " + x.rows()
                    + " vectors; they must match line for row");
        }
        boolean exists = Collection.exists(collection);
        boolean folderExisted = java.nio.file.Files.exists(collection);
        try {
            return write(x, exists, floats);
        } catch (IOException | RuntimeException e) {
            if (!exists && !folderExisted) {
                deleteQuietly(collection); // a failed first index leaves no half-made collection behind
            }
            if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().endsWith("; use upsert to replace it")) {
                throw new IllegalArgumentException(e.getMessage().replace("; use upsert to replace it", "; pass --upsert to replace it"), e);
            }
            throw e;
        }
    }

    /** The quantiser of a new collection: --coarse, fitted with --cells, or none. */
    org.bitsieve.core.coarse.CoarseQuantizer coarse(FloatMatrix x) throws IOException {
        if (coarseFile != null && cells != null) {
            throw new IllegalArgumentException("give --coarse FILE or --cells N, not both");
        }
        if (coarseFile != null && coarseFile.toString().equals("general")) {
            org.bitsieve.core.coarse.CoarseQuantizer q = org.bitsieve.embed.GeneralEncoders.coarse(embedding.model).orElseThrow(() -> new IllegalArgumentException(
                    "no shipped coarse quantiser for model " + embedding.model + " (they ship for the bundled models); give --cells N to fit one on "
                            + "the documents, or --coarse FILE.bsq from `bitsieve fit --coarse`"));
            if (q.dimension() != x.dim()) {
                throw new IllegalArgumentException("the shipped coarse quantiser of " + embedding.model + " takes dimension " + q.dimension()
                        + ", the vectors have " + x.dim());
            }
            return q;
        }
        if (coarseFile != null) {
            org.bitsieve.core.coarse.CoarseQuantizer q = org.bitsieve.core.coarse.CoarseFiles.load(coarseFile);
            if (q.dimension() != x.dim()) {
                throw new IllegalArgumentException("coarse quantiser " + coarseFile + " takes dimension " + q.dimension() + ", the vectors have " + x.dim());
            }
            return q;
        }
        if (cells == null) {
            return null;
        }
        long t0 = System.nanoTime();
        org.bitsieve.core.coarse.CoarseQuantizer q = org.bitsieve.core.coarse.CoarseQuantizer.fit(x, cells, Math.min(64, x.dim()), 10, 42,
                org.bitsieve.core.encode.Progress.NONE);
        System.out.printf(Locale.ROOT, "fitted a coarse quantiser of %d cells in %.1fs%n", cells, (System.nanoTime() - t0) / 1e9);
        return q;
    }

    private int write(FloatMatrix x, boolean exists, FloatFormat floats) throws IOException {
        Collection c;
        if (exists) {
            c = Collection.open(collection);
            if (c.encoder().dimension() != x.dim()) {
                c.close();
                throw new IllegalArgumentException(vectors + " has dimension " + x.dim() + " but collection " + collection
                        + " holds dimension " + c.encoder().dimension());
            }
        } else {
            Encoder enc;
            if (encoderFile != null) {
                enc = EncoderFiles.load(encoderFile);
                if (enc.dimension() != x.dim()) {
                    throw new IllegalArgumentException(vectors + " has dimension " + x.dim() + " but encoder " + encoderFile
                            + " expects " + enc.dimension());
                }
            } else if (encoderKind == null && (vectors == null || general)) {
                // text of any domain: the general encoder shipped for the model, no fitting step
                enc = org.bitsieve.embed.GeneralEncoders.load(embedding.model, bits);
                if (enc.dimension() != x.dim()) {
                    throw new IllegalArgumentException(vectors + " has dimension " + x.dim() + " but the shipped encoder of "
                            + embedding.model + " expects " + enc.dimension() + "; pass the model the vectors came from with -m");
                }
                System.out.printf(Locale.ROOT, "using the shipped general encoder of %s: %s%n",
                        org.bitsieve.embed.GeneralEncoders.encoderModel(embedding.model), enc.describe());
                if (fitSample == null) {
                    enc = adapt(enc, x.rows() <= ADAPT_SAMPLE ? x : Encoders.sample(x, ADAPT_SAMPLE, 42), x.rows(), noAdapt);
                }
            } else if (fitSample != null) {
                enc = null; // chosen on the sample below
            } else {
                String kind = encoderKind != null ? encoderKind : Encoders.DEFAULT;
                long t0 = System.nanoTime();
                enc = Encoders.fit(kind, x, FitOptions.bits(bits));
                System.out.printf(Locale.ROOT, "fitted %s in %.1fs%n", enc.describe(), (System.nanoTime() - t0) / 1e9);
            }
            if (fitSample != null) {
                enc = FitSample.choose(fitSample, x.dim(), bits, enc, textField, embedding);
            }
            CollectionOptions opts = CollectionOptions.defaults().withFloats(floats).withCoarse(coarse(x));
            c = Collection.create(collection, enc, autoRefit == null ? opts : opts.withAutoRefitDocs(autoRefit));
        }
        long t0 = System.nanoTime();
        int done = 0;
        try (c; BufferedReader r = org.bitsieve.cli.Inputs.reader(docs); org.bitsieve.cli.Bars.Bar bar = new org.bitsieve.cli.Bars.Bar("index", x.rows(), "docs", quiet)) {
            int batchSize = Math.min(batch, CollectionOptions.DEFAULT_MEMTABLE_DOCS);
            WriteBatch b = new WriteBatch();
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                StoreInputs.Record rec = StoreInputs.record(docs, lineNo, line, idField, textField);
                Doc d = new Doc(rec.id(), x.row(done), rec.text(), rec.metadataJson());
                if (upsert) {
                    b.upsert(d);
                } else {
                    b.add(d);
                }
                done++;
                if (b.size() == batchSize) {
                    c.write(b);
                    b = new WriteBatch();
                    bar.update(done, x.rows());
                }
            }
            if (!b.isEmpty()) {
                c.write(b);
            }
            bar.update(done, x.rows());
            c.flush();
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "indexed %d documents in %.1fs (%.0f docs/s) -> %s; the collection holds %d documents%n",
                    done, secs, done / secs, collection, c.count());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(docs + ": not valid UTF-8");
        }
        return 0;
    }

    /**
     * The shipped encoder with its thresholds (and a witq's decoder) fitted to {@code sample} (uniform rows of the
     * {@code total} documents), when it is a witq without correction factor or a plane encoder (itq), there are enough
     * documents and --no-adapt is not given; otherwise {@code shipped} itself.
     */
    static Encoder adapt(Encoder shipped, FloatMatrix sample, long total, boolean noAdapt) {
        boolean witq = shipped instanceof org.bitsieve.core.encode.WitqEncoder;
        if (noAdapt || !org.bitsieve.core.encode.ThresholdAdaptation.adaptable(shipped)) {
            return shipped;
        }
        if (total < ADAPT_MIN_ROWS) {
            System.out.printf(Locale.ROOT, "kept the shipped thresholds: %d documents are fewer than the %,d needed to adapt them%n", total, ADAPT_MIN_ROWS);
            return shipped;
        }
        long t0 = System.nanoTime();
        Encoder a = org.bitsieve.core.encode.ThresholdAdaptation.adapt(shipped, sample);
        System.out.printf(Locale.ROOT, "adapted its thresholds%s to %,d of the %,d documents in %.1fs (planes kept; --no-adapt keeps "
                + "the shipped ones)%n", witq ? " and decoder" : "", sample.rows(), total, (System.nanoTime() - t0) / 1e9);
        return a;
    }

    static void deleteQuietly(Path dir) {
        try (var walk = java.nio.file.Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: the error that got us here is the one to report
        }
    }
}
