package org.bitsieve.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.bitsieve.embed.TextRole;
import org.bitsieve.store.Classification;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.Hit;
import org.bitsieve.store.SearchMode;
import org.bitsieve.store.SearchRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * Search and classify requests (split out of {@link Api}): the query (text embedded with the collection's
 * model, or a checked vector), k, mode, oversample and filter turned into a store {@link SearchRequest}; the
 * classify answer when no neighbour carries the label; hits as response bodies.
 */
final class Queries {
    private final ServerConfig cfg;
    private final ServerConfig.Limits limits;
    private final Embedders embedders;
    private final Checks checks;

    Queries(ServerConfig cfg, Embedders embedders, Checks checks) {
        this.cfg = cfg;
        this.limits = cfg.limits();
        this.embedders = embedders;
        this.checks = checks;
    }

    SearchRequest request(CollectionRegistry.Handle h, String text, float[] vector, Integer k, String mode,
                                  Integer oversample, Bodies.Filter filter) {
        int dim = h.coll.encoder().dimension();
        float[] q;
        if (text != null && vector != null) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "give either 'text' or 'vector' as the query, not both");
        } else if (vector != null) {
            q = Checks.checkVector(vector, dim, "vector");
        } else if (text != null) {
            checks.checkText(text, "text");
            q = embedders.embed(requireModel(h), List.of(text), TextRole.QUERY)[0];
        } else {
            throw new ApiError(ApiError.Code.MISSING_FIELD, "no query: give 'text' (embedded with the collection's model) or 'vector'");
        }
        int kk = k == null ? Api.DEFAULT_K : k;
        if (kk < 1 || kk > limits.maxK()) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'k' must be 1.." + limits.maxK() + ", got " + kk);
        }
        boolean hasFloats = h.coll.floats() != FloatFormat.NONE;
        int over = oversample == null ? (hasFloats ? Api.DEFAULT_OVERSAMPLE_WITH_FLOATS : 1) : oversample;
        if (over < 1 || over > 100) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'oversample' must be 1..100, got " + over);
        }
        if (over > 1 && !hasFloats) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "collection '" + h.name + "' keeps no float vectors, so it cannot "
                    + "re-rank; use oversample 1 (or create the collection with floats f16 or f32)");
        }
        SearchMode m;
        if (mode == null) {
            m = SearchMode.ASYMMETRIC;
        } else {
            try {
                m = SearchMode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'mode': " + e.getMessage());
            }
        }
        SearchRequest req = SearchRequest.of(q, kk).mode(m).oversample(over).threads(cfg.searchThreads());
        if (filter != null) {
            if (filter.field() == null || filter.field().isEmpty()) {
                throw Checks.missing("filter.field");
            }
            JsonNode v = filter.value();
            if (v == null || !v.isValueNode() || v.isNull()) {
                throw new ApiError(ApiError.Code.WRONG_TYPE, "field 'filter.value' must be a string, number or boolean");
            }
            StrictText.check("filter.value", v);
            req = req.filter(filter.field(), v.asText());
        }
        return req;
    }

    /** A request with the body's {@code nprobe} (null: the collection's default), checked against the collection's cells. */
    static SearchRequest nprobe(CollectionRegistry.Handle h, SearchRequest req, Integer nprobe) {
        if (nprobe == null) {
            return req;
        }
        org.bitsieve.core.coarse.CoarseQuantizer q = h.coll.coarse();
        if (q == null && nprobe != 0) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'nprobe': collection '" + h.name + "' is not partitioned, so nprobe must be 0 "
                    + "(exact) or absent, got " + nprobe);
        }
        int max = q == null ? 0 : q.cells();
        if (nprobe < 0 || nprobe > max) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'nprobe' must be 0.." + max + " (0 = exact; the collection has " + max
                    + " cells), got " + nprobe);
        }
        return req.nprobe(nprobe);
    }

    /** The typed filter of a {@code where} field (its JSON form is {@code MetaFilterJson}'s), or null. */
    static org.bitsieve.store.filter.MetaFilter where(JsonNode where) {
        if (where == null) {
            return null;
        }
        StrictText.check("where", where);
        try {
            return org.bitsieve.store.filter.MetaFilterJson.parse(where);
        } catch (IllegalArgumentException e) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'where': " + e.getMessage());
        }
    }

    /** Runs work that evaluates a typed filter: a type mismatch it meets (number vs string) is the caller's error. */
    static <T> T filtering(org.bitsieve.store.filter.MetaFilter f, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (IllegalArgumentException e) {
            if (f == null) {
                throw e;
            }
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'where': " + e.getMessage());
        }
    }

    /**
     * The store refuses a vote when no neighbour carries the label field (an empty collection included); that is
     * an answer, not a fault: 200 with {@code label: null}, no votes, and the neighbours that were found.
     */
    static Bodies.ClassifyResult classify(CollectionRegistry.Handle h, SearchRequest req, String field) {
        try {
            Classification c = h.coll.classify(req, field);
            return new Bodies.ClassifyResult(c.label(), c.votes(), hits(c.neighbours()));
        } catch (IllegalArgumentException e) {
            List<Hit> neighbours = h.coll.search(req);
            for (Hit x : neighbours) {
                if (x.metadataJson() != null && Json.hasField(x.metadataJson(), field)) {
                    throw e; // labels were there, so the refusal meant something else
                }
            }
            return new Bodies.ClassifyResult(null, java.util.Map.of(), hits(neighbours));
        }
    }

    static List<Bodies.HitOut> hits(List<Hit> hits) {
        List<Bodies.HitOut> out = new ArrayList<>(hits.size());
        for (Hit x : hits) {
            out.add(new Bodies.HitOut(x.id(), x.score(), x.text(), x.metadataJson()));
        }
        return out;
    }

    static String requireModel(CollectionRegistry.Handle h) {
        if (h.model == null && h.modelProblem != null) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "collection '" + h.name + "' has no usable model recorded ("
                    + h.modelProblem + "), so texts cannot be embedded for it; send vectors, or have an operator write the "
                    + "file again as {\"format\": 1, \"model\": \"<the model its documents were embedded with>\"} and restart the server");
        }
        if (h.model == null) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "collection '" + h.name + "' has no model recorded, so texts "
                    + "cannot be embedded for it; send vectors");
        }
        return h.model;
    }
}
