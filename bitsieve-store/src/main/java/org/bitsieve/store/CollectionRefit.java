package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A collection refitting its encoder on its own documents (docs/store.md "Refit"). The measuring runs on a
 * snapshot without the writer's lock, so writes and searches go on meanwhile; the switch then happens under the
 * writer's lock in {@link Collection}: flush, re-encode every live row from its stored floats into fresh segments
 * (through {@link Recoded}), store the new encoder as {@code encoder-<fingerprint>.bse}, and name both in one
 * atomic manifest replacement. A crash before the manifest leaves the old state (the new files are unreferenced
 * and removed at the next open); after it, the new one. Old snapshots keep searching their own segments with the
 * old encoder.
 */
final class CollectionRefit {
    private CollectionRefit() {}

    static RefitReport refit(Collection c, RefitOptions o) throws IOException {
        if (c.floats() == FloatFormat.NONE) {
            throw new IllegalArgumentException("collection " + c.dir() + " keeps no float vectors, so it cannot refit on its own documents; "
                    + "create it with floats kept (--keep-floats f16), or give a codes-only collection an encoder fitted on a sample "
                    + "(bitsieve index --fit-sample)");
        }
        Snapshot snap = c.snapshot();
        Encoder current = snap.shared.encoder();
        int live = snap.count();
        FloatMatrix sample = sample(snap, o.maxSample(), o.seed());
        EncoderSelection.Result r = EncoderSelection.select(sample, current, current.bits(), o, live);
        if (r.report().changed()) {
            c.switchEncoder(current, r.best(), live);
        } else if (!o.dryRun()) {
            c.recordRefit(live);
        }
        return r.report();
    }

    /** A seeded uniform sample of at most {@code max} live documents' stored vectors. */
    static FloatMatrix sample(Snapshot snap, int max, long seed) { return sample(snap, max, seed, false).vectors(); }

    /** Sampled documents' stored vectors and (when asked) their ids, row by row. */
    record Sample(FloatMatrix vectors, String[] ids) {}

    /** A seeded uniform sample of at most {@code max} live documents: their stored vectors and, with {@code withIds}, their ids. */
    static Sample sample(Snapshot snap, int max, long seed, boolean withIds) {
        List<View> views = snap.views();
        int live = snap.count();
        int take = Math.min(live, max);
        // a uniform subset of live positions: partial Fisher-Yates over 0..live-1, then sorted for sequential reads
        int[] pos = new int[live];
        for (int i = 0; i < live; i++) {
            pos[i] = i;
        }
        Random rnd = new Random(seed);
        for (int i = 0; i < take; i++) {
            int j = i + rnd.nextInt(live - i);
            int t = pos[i];
            pos[i] = pos[j];
            pos[j] = t;
        }
        int[] chosen = java.util.Arrays.copyOf(pos, take);
        java.util.Arrays.sort(chosen);
        int dim = snap.shared.dim();
        float[] data = new float[take * dim];
        float[] v = new float[dim];
        String[] ids = withIds ? new String[take] : null;
        int at = 0;
        int liveIndex = 0;
        for (View view : views) {
            for (int r = 0; r < view.rows() && at < take; r++) {
                if (!view.live(r)) {
                    continue;
                }
                if (chosen[at] == liveIndex) {
                    view.part().vector(r, v);
                    System.arraycopy(v, 0, data, at * dim, dim);
                    if (ids != null) {
                        ids[at] = view.part().id(r);
                    }
                    at++;
                }
                liveIndex++;
            }
        }
        return new Sample(new FloatMatrix(data, take, dim), ids);
    }

    /** A segment seen through another encoder: its rows with codes made from its stored floats. */
    static final class Recoded extends Part {
        private final Part src;
        private final long[] codes;

        Recoded(Segment src, Encoder next) {
            super(src.number, src.stride);
            this.src = src;
            setCellOffsets(src.cellOffsets()); // a partitioned collection keeps each row's cell: cells do not depend on the encoder
            int dim = next.dimension();
            int rows = src.count();
            int words = src.stride / 8;
            this.codes = new long[rows * words];
            int chunk = 4096;
            float[] buf = new float[chunk * dim];
            float[] v = new float[dim];
            for (int from = 0; from < rows; from += chunk) {
                int n = Math.min(chunk, rows - from);
                for (int i = 0; i < n; i++) {
                    src.vector(from + i, v);
                    System.arraycopy(v, 0, buf, i * dim, dim);
                }
                PackedCodes pc = next.encodeAll(new FloatMatrix(java.util.Arrays.copyOf(buf, n * dim), n, dim));
                System.arraycopy(pc.data(), 0, codes, from * words, n * words);
            }
        }

        static List<Part> of(List<Segment> segments, Encoder next) {
            List<Part> out = new ArrayList<>();
            for (Segment s : segments) {
                out.add(new Recoded(s, next));
            }
            return out;
        }

        @Override
        long[] words() { return codes; }

        @Override
        String id(int row) { return src.id(row); }

        @Override
        byte[] textBytes(int row) { return src.textBytes(row); }

        @Override
        byte[] metaBytes(int row) { return src.metaBytes(row); }

        @Override
        boolean hasVectors() { return true; }

        @Override
        void vector(int row, float[] out) { src.vector(row, out); }

        @Override
        float[] inverseNorms(Encoder encoder, int rows) { return computeInverseNorms(encoder, codes, stride, rows); }
    }
}
