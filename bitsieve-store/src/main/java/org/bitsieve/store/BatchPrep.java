package org.bitsieve.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.coarse.CoarseQuantizer;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Vectors;
import org.bitsieve.core.text.Unicode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Checks and encodes a write batch for {@link Collection#write} (moved out of Collection to keep it small). */
final class BatchPrep {
    static final int MAX_ID_BYTES = 4096;

    private BatchPrep() {}

    /** Validates the batch against the current ids and encodes its vectors (outside any reader-visible lock). */
    static List<Prepared> prepare(WriteBatch batch, Predicate<String> exists, Encoder encoder, int dim, FloatFormat floats,
                                  CoarseQuantizer coarse) {
        Map<String, Boolean> overlay = new HashMap<>();
        List<WriteBatch.Op> ops = batch.ops();
        int adds = batch.additions();
        float[] data = new float[adds * dim];
        int a = 0;
        for (WriteBatch.Op op : ops) {
            // before any getBytes: a lone surrogate would become '?' and two ids would collapse into one
            Unicode.requireWellFormed("id", op.id());
            if (op.id().getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
                throw new IllegalArgumentException("id '" + op.id().substring(0, 40) + "...' is longer than " + MAX_ID_BYTES + " bytes");
            }
            switch (op.kind()) {
                case DELETE -> overlay.put(op.id(), false);
                case ADD, UPSERT -> {
                    if (op.kind() == WriteBatch.Kind.ADD) {
                        Boolean e = overlay.get(op.id());
                        if (e == null ? exists.test(op.id()) : e) {
                            throw new IllegalArgumentException("document '" + op.id() + "' already exists; use upsert to replace it");
                        }
                    }
                    overlay.put(op.id(), true);
                    float[] v = op.doc().vector();
                    if (v == null || v.length != dim) {
                        throw new IllegalArgumentException("document '" + op.id() + "': vector has dimension "
                                + (v == null ? "none" : String.valueOf(v.length)) + ", the collection holds dimension " + dim);
                    }
                    for (float x : v) {
                        if (!Float.isFinite(x)) {
                            throw new IllegalArgumentException("document '" + op.id() + "': vector holds a non-finite value");
                        }
                        if (!Float.isFinite(floats.roundTrip(x))) { // e.g. 1e5 in an f16 collection: Infinity on re-rank
                            throw new IllegalArgumentException("document '" + op.id() + "': vector value " + x + " does not fit the collection's "
                                    + floats.name().toLowerCase(java.util.Locale.ROOT) + " floats");
                        }
                    }
                    String problem = Vectors.magnitudeProblem(v);
                    if (problem != null) { // finite values whose norm over- or underflows float32 scoring
                        throw new IllegalArgumentException("document '" + op.id() + "': vector cannot be scored: " + problem);
                    }
                    Unicode.requireWellFormed("document '" + op.id() + "': text", op.doc().text());
                    Unicode.requireWellFormed("document '" + op.id() + "': metadata", op.doc().metadataJson());
                    Metadata.check(op.id(), op.doc().metadataJson());
                    System.arraycopy(v, 0, data, a * dim, dim);
                    a++;
                }
                default -> throw new IllegalStateException();
            }
        }
        PackedCodes codes = adds == 0 ? null : encoder.encodeAll(new FloatMatrix(data, adds, dim));
        // cells from the vectors as given (before rounding to the stored floats), so live writes and replay agree
        int[] cellOf = adds == 0 || coarse == null ? null : coarse.assignAll(new FloatMatrix(data, adds, dim));
        List<Prepared> out = new ArrayList<>(ops.size());
        a = 0;
        for (WriteBatch.Op op : ops) {
            if (op.kind() == WriteBatch.Kind.DELETE) {
                out.add(new Prepared(op.kind(), op.id(), null, null, null, null));
                continue;
            }
            Doc d = op.doc();
            float[] v = null;
            if (floats != FloatFormat.NONE) {
                v = new float[dim];
                for (int j = 0; j < dim; j++) {
                    v[j] = floats.roundTrip(d.vector()[j]);
                }
            }
            int cell = cellOf == null ? -1 : cellOf[a];
            out.add(new Prepared(op.kind(), op.id(), codes.code(a++), d.text() == null ? null : d.text().getBytes(StandardCharsets.UTF_8),
                    d.metadataJson() == null ? null : d.metadataJson().getBytes(StandardCharsets.UTF_8), v, cell));
        }
        return out;
    }
}
