package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Vectors;
import org.bitsieve.core.text.Unicode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The work of {@link Collection#bulkLoad} that needs no collection state: validating a batch and encoding it in
 * parallel into a {@link Part} that {@link SegmentWriter} writes directly (no log, no per-document objects).
 */
final class BulkLoad {
    /** Rows per encoding task: large enough to amortise the encoder's matrix work, small enough to spread. */
    private static final int CHUNK = 8192;

    private BulkLoad() {}

    /**
     * A validated, encoded batch. {@code superseded} marks rows whose id comes again later in the same batch (they
     * are not written); {@code order} lists the rows to write in segment order (by coarse cell, stably, in a
     * partitioned collection; {@code cellOffsets} then holds each cell's first segment row).
     */
    static final class Encoded extends Part {
        final String[] ids;
        final long[] words;
        final float[] vectors;
        final int dim;
        final byte[][] texts;
        final byte[][] metas;
        final long[] superseded;
        final int supersededCount;
        final int[] cells;
        final int[] order;
        final int[] cellOffsets;

        Encoded(int number, int stride, String[] ids, long[] words, float[] vectors, int dim, byte[][] texts, byte[][] metas,
                long[] superseded, int supersededCount, int[] cells, int numCells) {
            super(number, stride);
            this.ids = ids;
            this.words = words;
            this.vectors = vectors;
            this.dim = dim;
            this.texts = texts;
            this.metas = metas;
            this.superseded = superseded;
            this.supersededCount = supersededCount;
            this.cells = cells;
            // the rows not superseded within the batch, by cell in a partitioned collection: as a flush orders them
            Cells.Order o = Cells.liveOrder(ids.length, superseded, cells == null ? null : r -> cells[r], numCells);
            order = o.perm();
            cellOffsets = o.offsets();
        }

        /** Rows in the batch (superseded ones included). */
        int count() { return ids.length; }

        /** Rows the segment gets. */
        int live() { return order.length; }

        /** The codes of the written rows, in segment order (the batch's own array when nothing moved). */
        long[] segmentWords() {
            if (order.length == ids.length && cells == null) {
                return words;
            }
            int w = stride / 8;
            long[] out = new long[order.length * w];
            for (int i = 0; i < order.length; i++) {
                System.arraycopy(words, order[i] * w, out, i * w, w);
            }
            return out;
        }

        String[] segmentIds() {
            String[] out = new String[order.length];
            for (int i = 0; i < order.length; i++) {
                out[i] = ids[order[i]];
            }
            return out;
        }

        @Override
        int cell(int row) { return cells == null ? -1 : cells[row]; }

        @Override
        long[] words() { return words; }

        @Override
        String id(int row) { return ids[row]; }

        @Override
        byte[] textBytes(int row) { return texts == null ? null : texts[row]; }

        @Override
        byte[] metaBytes(int row) { return metas == null ? null : metas[row]; }

        @Override
        boolean hasVectors() { return vectors != null; }

        @Override
        void vector(int row, float[] out) { System.arraycopy(vectors, row * dim, out, 0, dim); }

        @Override
        float[] inverseNorms(Encoder encoder, int rows) { return null; } // computed by the segment on its first search
    }

    /** Encodes a batch as segment {@code number} ({@link #prepare} with the collection's encoder and quantiser). */
    interface Preparer {
        Encoded prepare(BulkBatch b, int number);
    }

    /** Commits one encoded batch (writes its segment, deletions and manifest); returns the documents it replaced. */
    interface Committer {
        int commit(Encoded e) throws IOException;
    }

    /** What {@link #pipeline} did. */
    record Totals(long docs, long replaced, int batches, long sourceNanos) {}

    /**
     * Reads and encodes batch k+1 on the caller's thread (encoding itself spread over the common pool) while batch k
     * is written and made durable on {@code writer}: the write (files, fsync, manifest) no longer leaves the cores
     * idle between encodings. Commits stay one at a time and in order, so each sees the segments of the batches before
     * it (upserts across batches). A batch that fails validation is thrown only after every earlier batch committed
     * (they stay committed, as before); a failed commit stops the load, and no later batch is committed.
     */
    static Totals pipeline(BulkSource source, int firstNumber, Preparer preparer, Committer committer, java.util.function.LongConsumer progress,
                           java.util.concurrent.ExecutorService writer) throws IOException {
        long inSource = 0;
        long docs = 0;
        long replaced = 0;
        int batches = 0;
        java.util.concurrent.Future<Integer> pending = null;
        int pendingDocs = 0;
        int number = firstNumber;
        try {
            while (true) {
                long t = System.nanoTime();
                BulkBatch b = source.next();
                inSource += System.nanoTime() - t;
                Encoded e = b == null ? null : preparer.prepare(b, number++);
                if (pending != null) {
                    replaced += await(pending);
                    pending = null;
                    docs += pendingDocs;
                    batches++;
                    if (progress != null) {
                        progress.accept(docs);
                    }
                }
                if (e == null) {
                    break;
                }
                pendingDocs = e.count();
                pending = writer.submit(() -> committer.commit(e));
            }
        } finally {
            if (pending != null) { // a batch failed to read or encode: let the write in flight finish (it commits or fails whole)
                try {
                    await(pending);
                } catch (IOException | RuntimeException ignored) {
                    // the first failure is the one thrown
                }
            }
        }
        return new Totals(docs, replaced, batches, inSource);
    }

    private static int await(java.util.concurrent.Future<Integer> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while a bulk batch was being written");
        } catch (java.util.concurrent.ExecutionException x) {
            if (x.getCause() instanceof IOException io) {
                throw io;
            }
            if (x.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(x.getCause());
        }
    }

    /**
     * Checks every row (the same rules as {@link Collection#write}), then encodes. Throws
     * {@link IllegalArgumentException} naming the first bad row; nothing is written for the batch then. With floats
     * kept, the batch's array is held until written.
     */
    static Encoded prepare(BulkBatch b, int number, Encoder encoder, int dim, FloatFormat floats,
                           org.bitsieve.core.coarse.CoarseQuantizer coarse) {
        int n = b.size();
        if (n == 0) {
            throw new IllegalArgumentException("a bulk batch must hold at least one document");
        }
        if (b.vectors().length != (long) n * dim) {
            throw new IllegalArgumentException("bulk batch holds " + n + " ids but " + b.vectors().length + " vector values; the collection"
                    + " holds dimension " + dim + ", so it needs " + (long) n * dim);
        }
        Map<String, Integer> seen = new HashMap<>(n * 2);
        long[] superseded = new long[(n + 63) >>> 6];
        int supersededCount = 0;
        for (int i = 0; i < n; i++) {
            String id = b.ids()[i];
            if (id == null || id.isEmpty()) {
                throw new IllegalArgumentException("bulk row " + i + ": the document id is empty");
            }
            if (id.length() * 3 > BatchPrep.MAX_ID_BYTES && id.getBytes(StandardCharsets.UTF_8).length > BatchPrep.MAX_ID_BYTES) {
                throw new IllegalArgumentException("bulk row " + i + ": id '" + id.substring(0, 40) + "...' is longer than " + BatchPrep.MAX_ID_BYTES + " bytes");
            }
            Integer prev = seen.put(id, i);
            if (prev != null) { // upsert inside the batch: the later row wins, as if written one after the other
                superseded[prev >>> 6] |= 1L << prev;
                supersededCount++;
            }
        }
        byte[][] texts = utf8(b.texts());
        byte[][] metas = utf8(b.metadataJson());
        int stride = PackedCodesStride.of(encoder.bits());
        int words = stride / 8;
        long[] codes = new long[n * words];
        // inverse code norms are not computed here: a segment computes them on its first search (as after any open),
        // and a load that ends the process (the CLI) never needs them; they cost half as much as encoding
        int[] cells = coarse == null ? null : new int[n];
        int chunks = (n + CHUNK - 1) / CHUNK;
        float[] all = b.vectors();
        // one pass per chunk, in place: check the rows (the same rules as write), encode them while they are in cache, then
        // the chunk's cells (from the vectors as given, as live writes assign them); no copy of the batch. A bad row
        // throws before anything is written (the batch's segment is written only after prepare returns).
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int from = c * CHUNK;
            int rows = Math.min(CHUNK, n - from);
            if (encoder.words() == words) {
                // 64 rows checked, then encoded while still in cache (plane encoders take them two per pass)
                for (int s = from, end = from + rows; s < end; s += 64) {
                    int e = Math.min(end, s + 64);
                    for (int i = s; i < e; i++) {
                        checkRow(b, i, dim, floats);
                    }
                    encoder.encodeRowsInto(all, s * dim, e - s, codes, s * words);
                }
            } else { // a code whose words differ from the segment's stride: through PackedCodes, as before
                for (int i = from; i < from + rows; i++) {
                    checkRow(b, i, dim, floats);
                }
                PackedCodes pc = encoder.encodeAll(new FloatMatrix(java.util.Arrays.copyOfRange(all, from * dim, (from + rows) * dim), rows, dim));
                System.arraycopy(pc.data(), 0, codes, from * words, rows * words);
            }
            if (cells != null) {
                coarse.assignInto(all, from, rows, cells, from);
            }
        });
        float[] vectors = floats == FloatFormat.NONE ? null : b.vectors();
        return new Encoded(number, stride, b.ids().clone(), codes, vectors, dim, texts, metas, superseded, supersededCount, cells,
                coarse == null ? 0 : coarse.cells());
    }

    private static void checkRow(BulkBatch b, int i, int dim, FloatFormat floats) {
        String id = b.ids()[i];
        float[] all = b.vectors();
        double ss = 0; // the same sum as Vectors.magnitudeProblem, in one pass with the other checks and no copy
        for (int j = i * dim, e = j + dim; j < e; j++) {
            float x = all[j];
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("document '" + id + "' (bulk row " + i + "): vector holds a non-finite value (" + x + ")");
            }
            // only values beyond f16's largest finite one can round to infinity: skip the conversion for the rest
            if (Math.abs(x) > 65504f && !Float.isFinite(floats.roundTrip(x))) {
                throw new IllegalArgumentException("document '" + id + "' (bulk row " + i + "): vector value " + x + " does not fit the collection's "
                        + floats.name().toLowerCase(java.util.Locale.ROOT) + " floats");
            }
            ss += (double) x * x;
        }
        String problem = Vectors.normProblem(ss);
        if (problem != null) {
            throw new IllegalArgumentException("document '" + id + "' (bulk row " + i + "): vector cannot be scored: " + problem);
        }
        String text = b.texts() == null ? null : b.texts()[i];
        String meta = b.metadataJson() == null ? null : b.metadataJson()[i];
        Unicode.requireWellFormed("document '" + id + "': text", text);
        Unicode.requireWellFormed("document '" + id + "': metadata", meta);
        Metadata.check(id, meta);
    }

    private static byte[][] utf8(String[] s) {
        if (s == null) {
            return null;
        }
        byte[][] out = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i] == null ? null : s[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }
}
