package org.bitsieve.cli.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.encode.Vectors;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.store.BulkBatch;
import org.bitsieve.store.BulkResult;
import org.bitsieve.store.Collection;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.FloatFormat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code bitsieve index COLL --vectors v.npy|v.fvecs [--docs d.jsonl]} on the bulk path ({@link Collection#bulkLoad}):
 * the vectors are streamed in large batches, each written directly as a segment in one durable step, with upsert
 * semantics. Everything is checked before anything is written: the vector file's header, every value (finite, fits
 * the kept float format, scorable), and with docs every record and the line count.
 */
final class BulkIndex {
    /** Rows fitted on when a new collection's encoder is fitted from the vectors (the file may be far larger). */
    static final int FIT_SAMPLE = 100_000;

    private BulkIndex() {}

    static int run(IndexCommand cmd, FloatFormat floats) throws IOException {
        int batch = cmd.bulkBatch;
        if (batch < 1 || batch > 1 << 24) {
            throw new IllegalArgumentException("--bulk-batch must be in 1..16777216, got " + batch);
        }
        long rows;
        int dim;
        try (VectorStream vs = VectorStream.open(cmd.vectors)) {
            rows = vs.rows;
            dim = vs.dim;
        }
        if (rows == 0) {
            throw new IllegalArgumentException(cmd.vectors + " holds no vectors");
        }
        if (cmd.docs != null) {
            int lines = StoreInputs.checkRecords(cmd.docs, cmd.idField, cmd.textField, false).size();
            if (lines != rows) {
                throw new IllegalArgumentException(cmd.docs + " holds " + lines + " documents but " + cmd.vectors + " holds " + rows
                        + " vectors; they must match line for row");
            }
        }
        boolean exists = Collection.exists(cmd.collection);
        if (exists) {
            try (Collection c = Collection.open(cmd.collection)) {
                checkDim(c.encoder(), dim, "collection " + cmd.collection);
                floats = c.floats();
            }
        }
        FloatMatrix uniform = checkValues(cmd, dim, floats, rows, !exists && cmd.general && cmd.encoderFile == null);
        boolean folderExisted = java.nio.file.Files.exists(cmd.collection);
        try {
            Collection c;
            if (exists) {
                c = Collection.open(cmd.collection);
            } else {
                // the first rows are read only when something is fitted on them (an encoder, or --cells): with the
                // shipped encoder and no cells they would be 150 MB read for nothing
                boolean fits = cmd.cells != null || (cmd.encoderFile == null && !cmd.general);
                FloatMatrix sample = fits ? sample(cmd, dim) : new FloatMatrix(new float[0], 0, dim);
                // --coarse FILE or --cells N partition a new collection, as on the write path
                c = Collection.create(cmd.collection, encoder(cmd, dim, sample, uniform, rows),
                        cmd.autoRefit == null ? CollectionOptions.defaults().withFloats(floats).withCoarse(cmd.coarse(sample))
                                : CollectionOptions.defaults().withFloats(floats).withCoarse(cmd.coarse(sample)).withAutoRefitDocs(cmd.autoRefit));
            }
            return load(cmd, c, rows, dim, batch);
        } catch (IOException | RuntimeException e) {
            if (!exists && !folderExisted) {
                IndexCommand.deleteQuietly(cmd.collection);
            }
            throw e;
        }
    }

    private static int load(IndexCommand cmd, Collection c, long rows, int dim, int batch) throws IOException {
        long t0 = System.nanoTime();
        try (c; VectorStream vs = VectorStream.open(cmd.vectors);
             BufferedReader docs = cmd.docs == null ? null : org.bitsieve.cli.Inputs.reader(cmd.docs);
             org.bitsieve.cli.Bars.Bar bar = new org.bitsieve.cli.Bars.Bar("index", rows, "docs", cmd.quiet)) {
            int[] lineNo = {0};
            long[] row = {0};
            BulkResult r = c.bulkLoad(() -> {
                int m = (int) Math.min(batch, rows - row[0]);
                if (m == 0) {
                    return null;
                }
                float[] v = new float[m * dim];
                vs.read(v, m);
                String[] ids = new String[m];
                String[] texts = cmd.docs == null ? null : new String[m];
                String[] metas = cmd.docs == null ? null : new String[m];
                for (int i = 0; i < m; i++) {
                    if (docs == null) {
                        ids[i] = Long.toString(row[0] + i); // no docs: the row number is the id
                        continue;
                    }
                    String line;
                    do {
                        line = docs.readLine();
                        lineNo[0]++;
                    } while (line != null && line.isBlank());
                    if (line == null) {
                        throw new IllegalStateException(cmd.docs + " changed while it was loaded: it ended at line " + lineNo[0]);
                    }
                    StoreInputs.Record rec = StoreInputs.record(cmd.docs, lineNo[0], line, cmd.idField, cmd.textField);
                    ids[i] = rec.id();
                    texts[i] = rec.text();
                    metas[i] = rec.metadataJson();
                }
                row[0] += m;
                return new BulkBatch(ids, v, texts, metas);
            }, done -> bar.update(done, rows));
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "bulk-loaded %d documents in %.1fs (%.0f docs/s, %.0f docs/s in the store) -> %s; %d replaced earlier copies;"
                    + " the collection holds %d documents%s%n", r.docs(), secs, r.docs() / secs, r.docs() / r.storeSeconds(), cmd.collection,
                    r.replaced(), c.count(), cmd.docs == null ? " (ids are row numbers: no --docs given)" : "");
            if (r.calibration() != null) {
                System.out.println("measured on " + r.calibration().queries() + " loaded documents: " + r.calibration().describe());
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(cmd.docs + ": not valid UTF-8");
        }
        return 0;
    }

    /**
     * One pass over the file before anything is written: a bad value fails the command with nothing loaded. Rows are
     * checked in parallel; the error names the first bad row of the file, as a one-by-one pass would.
     */
    private static FloatMatrix checkValues(IndexCommand cmd, int dim, FloatFormat floats, long total, boolean wantSample) throws IOException {
        // with the shipped encoder, a uniform sample of the rows for adapting its thresholds (IndexCommand.adapt): the
        // rows the check reads anyway, chosen by a seeded draw of row numbers, so a file sorted by label or source is
        // sampled across its whole length and not by its first rows
        int m = wantSample ? (int) Math.min(total, IndexCommand.ADAPT_SAMPLE) : 0;
        long[] picks = new long[m];
        if (m == total) {
            for (int i = 0; i < m; i++) {
                picks[i] = i;
            }
        } else if (m > 0) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(42);
            java.util.Set<Long> set = new java.util.HashSet<>(2 * m);
            while (set.size() < m) {
                set.add(r.nextLong(total));
            }
            int i = 0;
            for (long x : set) {
                picks[i++] = x;
            }
            java.util.Arrays.sort(picks);
        }
        float[] sample = new float[m * dim];
        int taken = 0;
        try (VectorStream vs = VectorStream.open(cmd.vectors)) {
            int chunk = Math.max(1, (1 << 22) / dim);
            float[] v = new float[chunk * dim];
            long base = 0;
            for (int n; (n = vs.read(v, chunk)) > 0; base += n) {
                int rows = n;
                java.util.OptionalInt bad = java.util.stream.IntStream.range(0, rows).parallel()
                        .filter(i -> rowProblem(cmd, v, i, dim, floats, 0) != null).min();
                if (bad.isPresent()) {
                    throw new IllegalArgumentException(rowProblem(cmd, v, bad.getAsInt(), dim, floats, base));
                }
                for (; taken < m && picks[taken] < base + n; taken++) {
                    System.arraycopy(v, (int) (picks[taken] - base) * dim, sample, taken * dim, dim);
                }
            }
        }
        return m == 0 ? null : new FloatMatrix(sample, m, dim);
    }

    /** What is wrong with row {@code i} of {@code v} (file row {@code base + i}), or null. */
    private static String rowProblem(IndexCommand cmd, float[] v, int i, int dim, FloatFormat floats, long base) {
        double ss = 0; // Vectors.magnitudeProblem's checks in one pass, without a copy of the row
        for (int j = i * dim, e = j + dim; j < e; j++) {
            float x = v[j];
            if (!Float.isFinite(x)) {
                return cmd.vectors + ": row " + (base + i) + " holds a non-finite value (" + x + ")";
            }
            if (floats == FloatFormat.F16 && Math.abs(x) > 65504f) {
                return cmd.vectors + ": row " + (base + i) + " holds " + x + ", too large for f16 floats; use --keep-floats f32 or none";
            }
            ss += (double) x * x;
        }
        String problem = Vectors.normProblem(ss);
        return problem == null ? null : cmd.vectors + ": row " + (base + i) + " cannot be scored: " + problem;
    }

    /** The first rows of the file, for fitting a new collection's encoder or coarse quantiser. */
    private static FloatMatrix sample(IndexCommand cmd, int dim) throws IOException {
        try (VectorStream vs = VectorStream.open(cmd.vectors)) {
            int n = (int) Math.min(FIT_SAMPLE, vs.rows);
            float[] x = new float[n * dim];
            vs.read(x, n);
            return new FloatMatrix(x, n, dim);
        }
    }

    private static Encoder encoder(IndexCommand cmd, int dim, FloatMatrix sample, FloatMatrix uniform, long rows) throws IOException {
        Encoder enc;
        if (cmd.encoderFile != null) {
            enc = EncoderFiles.load(cmd.encoderFile);
            checkDim(enc, dim, "encoder " + cmd.encoderFile);
        } else if (cmd.general) {
            enc = org.bitsieve.embed.GeneralEncoders.load(cmd.embedding.model, cmd.bits);
            checkDim(enc, dim, "the shipped encoder of " + cmd.embedding.model);
            System.out.printf(Locale.ROOT, "using the shipped general encoder of %s: %s%n",
                    org.bitsieve.embed.GeneralEncoders.encoderModel(cmd.embedding.model), enc.describe());
            enc = IndexCommand.adapt(enc, uniform, rows, cmd.noAdapt);
        } else {
            String kind = cmd.encoderKind != null ? cmd.encoderKind : Encoders.DEFAULT;
            long t0 = System.nanoTime();
            enc = Encoders.fit(kind, sample, FitOptions.bits(cmd.bits));
            System.out.printf(Locale.ROOT, "fitted %s on the first %d vectors in %.1fs%n", enc.describe(), sample.rows(), (System.nanoTime() - t0) / 1e9);
        }
        return enc;
    }

    private static void checkDim(Encoder enc, int dim, String what) {
        if (enc.dimension() != dim) {
            throw new IllegalArgumentException("the vectors have dimension " + dim + " but " + what + " expects " + enc.dimension());
        }
    }
}
