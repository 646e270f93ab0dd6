package org.bitsieve.server;

import io.javalin.http.Context;
import org.bitsieve.core.FloatMatrix;
import org.bitsieve.store.NprobeCalibration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /v1/collections/{name}/calibrate}: measures a partitioned collection's default nprobe on its own documents
 * ({@link org.bitsieve.store.Collection#calibrateNprobe}) and keeps it. Synchronous: one exact scan per sample query.
 */
final class CalibrateEndpoint {
    private final CollectionRegistry colls;
    private final long maxBody;

    CalibrateEndpoint(CollectionRegistry colls, long maxBody) {
        this.colls = colls;
        this.maxBody = maxBody;
    }

    void calibrate(Context ctx) throws IOException {
        byte[] raw = Checks.readBody(ctx, maxBody);
        Bodies.Calibrate b = new String(raw, StandardCharsets.UTF_8).isBlank() ? new Bodies.Calibrate(null, null, null)
                : Json.parse(raw, Bodies.Calibrate.class);
        if (b.vectors() != null && b.queries() != null) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "give 'queries' (drawn from the stored documents) or 'vectors', not both");
        }
        if (b.queries() != null && b.queries() < 1) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'queries' must be at least 1, got " + b.queries());
        }
        NprobeCalibration r = colls.use(ctx.pathParam("name"), h -> {
            try {
                double target = b.target() != null ? b.target() : h.coll.calibrationTarget();
                if (b.vectors() != null) {
                    return h.coll.calibrateNprobe(matrix(b.vectors(), h.coll.encoder().dimension()), null, target);
                }
                return h.coll.calibrateNprobe(target, b.queries() != null ? b.queries() : NprobeCalibration.DEFAULT_QUERIES);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ApiError(ApiError.Code.INVALID_VALUE, e.getMessage());
            }
        });
        Api.reply(ctx, 200, r);
    }

    private static FloatMatrix matrix(float[][] rows, int dim) {
        if (rows.length == 0) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'vectors' is empty; give at least one sample vector, or leave it out");
        }
        float[] d = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != dim) {
                throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'vectors': row " + i + " has " + (rows[i] == null ? "no" : rows[i].length)
                        + " values; the collection's vectors have " + dim);
            }
            System.arraycopy(rows[i], 0, d, i * dim, dim);
        }
        return new FloatMatrix(d, rows.length, dim);
    }
}
