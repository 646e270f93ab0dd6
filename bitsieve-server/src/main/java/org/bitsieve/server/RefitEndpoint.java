package org.bitsieve.server;

import io.javalin.http.Context;
import org.bitsieve.store.RefitOptions;
import org.bitsieve.store.RefitReport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code POST /v1/collections/{name}/refit}: refits the collection's encoder on its own documents
 * ({@link org.bitsieve.store.Collection#refit}) and answers the report. Synchronous: it takes as long as the fits
 * (seconds to minutes); searches keep being answered meanwhile, writes to this collection wait during the re-encode.
 */
final class RefitEndpoint {
    /** The optional body; an empty body means the defaults. */
    record Refit(List<String> kinds, Double margin, Boolean force, Boolean dryRun, String rank, Integer sample, Long seed) {}

    private final CollectionRegistry colls;
    private final long maxBody;

    RefitEndpoint(CollectionRegistry colls, long maxBody) {
        this.colls = colls;
        this.maxBody = maxBody;
    }

    void refit(Context ctx) throws IOException {
        byte[] raw = Checks.readBody(ctx, maxBody);
        Refit b = new String(raw, StandardCharsets.UTF_8).isBlank() ? new Refit(null, null, null, null, null, null, null)
                : Json.parse(raw, Refit.class);
        RefitOptions o = options(b);
        RefitReport r = colls.use(ctx.pathParam("name"), h -> {
            try {
                return h.coll.refit(o);
            } catch (IllegalArgumentException e) {
                throw new ApiError(ApiError.Code.INVALID_VALUE, e.getMessage());
            } catch (IllegalStateException e) { // the encoder changed while it measured (the automatic adaptation or refit)
                throw new ApiError(ApiError.Code.UNAVAILABLE, e.getMessage());
            }
        });
        Api.reply(ctx, 200, r);
    }

    static RefitOptions options(Refit b) {
        boolean force = Boolean.TRUE.equals(b.force());
        if (force && b.margin() != null) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "give 'margin' or 'force', not both");
        }
        if (b.margin() != null && !(b.margin() >= 0 && b.margin() <= 100)) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'margin' is in recall@10 points, 0 to 100; got " + b.margin());
        }
        try {
            RefitOptions o = RefitOptions.defaults().withDryRun(Boolean.TRUE.equals(b.dryRun()));
            if (b.rank() != null) {
                o = o.withRanking(RefitOptions.Ranking.parse(b.rank()));
            }
            if (b.kinds() != null) {
                if (b.kinds().isEmpty()) {
                    throw new IllegalArgumentException("field 'kinds' is empty; leave it out for the defaults " + o.kinds());
                }
                o = o.withKinds(b.kinds());
            }
            if (b.sample() != null) {
                o = o.withMaxSample(b.sample());
            }
            if (b.seed() != null) {
                o = o.withSeed(b.seed());
            }
            if (b.margin() != null) {
                o = o.withMargin(b.margin() / 100);
            }
            return force ? o.withMargin(-1) : o;
        } catch (IllegalArgumentException e) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, e.getMessage());
        }
    }
}
