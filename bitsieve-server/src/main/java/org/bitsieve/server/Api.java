package org.bitsieve.server;

import io.javalin.http.Context;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.embed.EmbeddingException;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.TextRole;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.Hit;
import org.bitsieve.store.SearchRequest;
import org.bitsieve.store.StoreInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The endpoint handlers. Each parses its body strictly, checks it against the limits and the collection, does
 * the work through the core, embed and store modules, and answers JSON. Errors are {@link ApiError}s.
 */
final class Api {
    static final int DEFAULT_K = 10;
    static final int DEFAULT_OVERSAMPLE_WITH_FLOATS = 10;

    private final ServerConfig cfg;
    private final ServerConfig.Limits limits;
    private final CollectionRegistry colls;
    private final Embedders embedders;
    private final Metrics metrics;
    private final Semaphore scans;
    private final Checks checks;
    private final Queries queries;

    Api(ServerConfig cfg, CollectionRegistry colls, Embedders embedders, Metrics metrics) {
        this.cfg = cfg;
        this.limits = cfg.limits();
        this.checks = new Checks(limits);
        this.queries = new Queries(cfg, embedders, checks);
        this.colls = colls;
        this.embedders = embedders;
        this.metrics = metrics;
        // fair: waiting searches go in arrival order, which keeps the slowest requests close to the median
        this.scans = new Semaphore(cfg.concurrentSearches(), true);
        metrics.searchSlots = cfg.concurrentSearches();
    }

    /** The document endpoints, sharing this API's limits, collections, models and metrics. */
    DocumentsApi documents() { return new DocumentsApi(limits, colls, embedders, metrics, checks); }

    /** Runs a scan once one of the {@code concurrent_searches} slots is free. */
    private <T> T scanning(Supplier<T> work) {
        metrics.searchesWaiting.incrementAndGet(); // (not tryAcquire first: it would jump the fair queue)
        try {
            scans.acquireUninterruptibly();
        } finally {
            metrics.searchesWaiting.decrementAndGet();
        }
        try {
            return work.get();
        } finally {
            scans.release();
        }
    }

    // ------------------------------------------------------------------ encode / embed

    void encode(Context ctx) throws IOException {
        Bodies.EncodeRequest b = body(ctx, Bodies.EncodeRequest.class);
        CodeFormat format = CodeFormat.parse(b.format());
        if (b.collection() != null) {
            if (b.model() != null || b.bits() != null) {
                throw new ApiError(ApiError.Code.INVALID_VALUE, "give either 'collection' (encode with its encoder) or "
                        + "'model'/'bits', not both");
            }
            reply(ctx, 200, colls.use(b.collection(), h -> encodeWith(b, h.model, h.coll.encoder(), format)));
            return;
        }
        String model = Embedders.canonical(b.model() != null ? b.model() : cfg.defaultModel());
        int bits = b.bits() != null ? b.bits() : cfg.defaultBits();
        reply(ctx, 200, encodeWith(b, model, shippedEncoder(model, bits), format));
    }

    private Bodies.EncodeResponse encodeWith(Bodies.EncodeRequest b, String model, Encoder enc, CodeFormat format) {
        float[][] vectors = b.vectorsBase64() != null ? base64Vectors(b, enc.dimension())
                : textsOrVectors(b.texts(), b.vectors(), model, enc.dimension(), TextRole.PASSAGE);
        int n = vectors.length;
        PackedCodes codes = PackedCodes.allocate(n, enc.bits());
        int w = enc.words();
        for (int i = 0; i < n; i++) { // one request's vectors on this thread: other requests use the other cores
            enc.encodeInto(vectors[i], 0, codes.data(), i * w);
        }
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(format.render(codes.data(), i * w, codes.bytesPerCode()));
        }
        metrics.vectorsEncoded.add(n);
        return new Bodies.EncodeResponse(model, enc.bits(), enc.describe(), format.wire(), out);
    }

    private float[][] base64Vectors(Bodies.EncodeRequest b, int dim) {
        if (b.texts() != null || b.vectors() != null) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "give one of 'texts', 'vectors' or 'vectors_base64'");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(b.vectorsBase64());
        } catch (IllegalArgumentException e) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'vectors_base64' is not valid base64: " + e.getMessage());
        }
        if (raw.length == 0 || raw.length % (4 * dim) != 0) {
            throw new ApiError(ApiError.Code.WRONG_DIMENSION, "field 'vectors_base64' holds " + raw.length + " bytes; it must be "
                    + "a whole number of vectors of " + dim + " little-endian float32 values (" + 4 * dim + " bytes each)");
        }
        int n = raw.length / (4 * dim);
        checks.checkBatch(n, "vectors_base64");
        java.nio.FloatBuffer fb = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[][] out = new float[n][dim];
        for (int i = 0; i < n; i++) {
            fb.get(out[i]);
            Checks.checkVector(out[i], dim, "vectors_base64[" + i + "]");
        }
        return out;
    }

    void embed(Context ctx) {
        Bodies.EmbedRequest b = body(ctx, Bodies.EmbedRequest.class);
        String model = Embedders.canonical(b.model() != null ? b.model() : cfg.defaultModel());
        TextRole role = Checks.role(b.role());
        checks.checkTexts(b.texts(), "texts");
        float[][] v = embedders.embed(model, b.texts(), role);
        reply(ctx, 200, new Bodies.EmbedResponse(model, v.length == 0 ? Embedders.dimension(model) : v[0].length, v));
    }

    // ------------------------------------------------------------------ collections

    void listCollections(Context ctx) throws IOException {
        List<Bodies.CollectionSummary> out = new ArrayList<>();
        for (CollectionRegistry.Handle h : colls.all()) {
            if (h.isDamaged()) {
                out.add(new Bodies.CollectionSummary(h.name, "damaged", null, null, null, null, null, h.damage));
                continue;
            }
            try {
                out.add(colls.use(h.name, x -> new Bodies.CollectionSummary(x.name, "ok", x.model, x.coll.encoder().bits(),
                        x.coll.encoder().dimension(), floats(x.coll.floats()), x.coll.count(), null)));
            } catch (ApiError e) {
                // dropped while listing: leave it out
            }
        }
        reply(ctx, 200, new Bodies.CollectionList(out));
    }

    void createCollection(Context ctx) throws IOException {
        Bodies.CreateCollection b = body(ctx, Bodies.CreateCollection.class);
        if (b.name() == null) {
            throw Checks.missing("name");
        }
        String name = CollectionRegistry.checkName(b.name());
        String model = Embedders.canonical(b.model() != null ? b.model() : cfg.defaultModel());
        FloatFormat floats;
        try {
            floats = b.floats() == null ? FloatFormat.F16 : FloatFormat.parse(b.floats());
        } catch (IllegalArgumentException e) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'floats': " + e.getMessage());
        }
        Encoder enc;
        Integer bits;
        String source;
        if (b.encoder() != null) {
            if (b.bits() != null) {
                throw new ApiError(ApiError.Code.INVALID_VALUE, "give either 'bits' (the shipped encoder) or 'encoder' "
                        + "(your own .bse file, base64), not both");
            }
            enc = uploadedEncoder(b.encoder());
            if (enc.dimension() != Embedders.dimension(model)) {
                throw new ApiError(ApiError.Code.WRONG_DIMENSION, "the uploaded encoder takes " + enc.dimension()
                        + "-d vectors but model " + model + " makes " + Embedders.dimension(model) + "-d vectors");
            }
            bits = null;
            source = "uploaded";
        } else {
            bits = b.bits() != null ? b.bits() : cfg.defaultBits();
            enc = shippedEncoder(model, bits);
            source = "shipped";
        }
        org.bitsieve.core.coarse.CoarseQuantizer coarse = b.coarse() == null ? null : shippedCoarse(b.coarse(), model, enc);
        CollectionOptions opts = CollectionOptions.defaults().withFloats(floats).withCoarse(coarse);
        if (b.autoRefit() != null) {
            if (b.autoRefit() < 0) {
                throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'auto_refit': 0 (off) or a document count, got " + b.autoRefit());
            }
            if (b.autoRefit() > 0 && floats == FloatFormat.NONE) {
                throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'auto_refit': a collection without floats cannot refit on its "
                        + "own documents; keep floats (\"floats\": \"f16\") or leave auto_refit out");
            }
            opts = opts.withAutoRefitDocs(b.autoRefit());
        }
        Bodies.CollectionInfo created;
        try {
            created = colls.create(name, enc, opts, model, bits, source, this::info);
        } catch (OutOfMemoryError e) { // the registry removed the half-made folder; say so in JSON, not an empty 500
            throw new ApiError(ApiError.Code.UNAVAILABLE, "the server has no memory left for another collection; drop one, "
                    + "lower max_collections or give the server more heap");
        }
        reply(ctx, 201, created);
    }

    /** {@code "coarse": "general"}: the model's shipped coarse quantiser (a partitioned collection, as `index --coarse general`). */
    private static org.bitsieve.core.coarse.CoarseQuantizer shippedCoarse(String value, String model, Encoder enc) {
        if (!value.equals("general")) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'coarse': only \"general\" (the shipped coarse quantiser of the "
                    + "model) is accepted over HTTP; a collection with cells fitted on its own documents is made with `bitsieve index "
                    + "--cells N` and then served");
        }
        org.bitsieve.core.coarse.CoarseQuantizer q = GeneralEncoders.coarse(model).orElseThrow(() -> new ApiError(ApiError.Code.INVALID_VALUE,
                "field 'coarse': no shipped coarse quantiser for model " + model + " (they ship for the bundled models); leave 'coarse' "
                        + "out for an unpartitioned collection"));
        if (q.dimension() != enc.dimension()) {
            throw new ApiError(ApiError.Code.WRONG_DIMENSION, "field 'coarse': the shipped coarse quantiser of " + model + " takes "
                    + q.dimension() + "-d vectors, the encoder " + enc.dimension() + "-d");
        }
        return q;
    }

    void collectionInfo(Context ctx) throws IOException {
        reply(ctx, 200, colls.use(ctx.pathParam("name"), this::info));
    }

    private Bodies.CollectionInfo info(CollectionRegistry.Handle h) throws IOException {
        StoreInfo i = h.coll.info();
        return new Bodies.CollectionInfo(h.name, h.model, i.bits(), i.dim(), floats(i.floats()), i.encoder(), i.documents(),
                i.deletedRows(), i.segments(), i.memtableRows(), i.bytes(), i.totalBytes(), i.indexBytes(), partitioning(h.coll),
                h.coll.autoRefitDocs());
    }

    private static Bodies.Partitioning partitioning(org.bitsieve.store.Collection c) {
        org.bitsieve.store.CellBalance b = c.cellBalance();
        return b == null ? null : new Bodies.Partitioning(b.cells(), c.coarse().projection(), b.min(), b.median(), b.max(), b.empty(),
                c.defaultNprobe(), c.nprobeCalibration());
    }

    void dropCollection(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        colls.drop(name);
        reply(ctx, 200, new Bodies.Dropped(name));
    }

    // ------------------------------------------------------------------ search / classify

    void search(Context ctx) throws IOException {
        Bodies.Search b = body(ctx, Bodies.Search.class);
        org.bitsieve.store.filter.MetaFilter where = Queries.where(b.where());
        Bodies.SearchResult r = colls.use(ctx.pathParam("name"), h -> {
            SearchRequest req = Queries.nprobe(h, queries.request(h, b.text(), b.vector(), b.k(), b.mode(), b.oversample(), b.filter()).where(where),
                    b.nprobe());
            List<Hit> hits = scanning(() -> Queries.filtering(where, () -> h.coll.search(req)));
            return new Bodies.SearchResult(Queries.hits(hits));
        });
        metrics.searches.increment();
        reply(ctx, 200, r);
    }

    void classify(Context ctx) throws IOException {
        Bodies.Classify b = body(ctx, Bodies.Classify.class);
        String field = b.labelField() != null ? b.labelField() : "label";
        if (field.isEmpty()) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'label_field' is empty; name the metadata field that holds labels");
        }
        org.bitsieve.store.filter.MetaFilter where = Queries.where(b.where());
        Bodies.ClassifyResult r = colls.use(ctx.pathParam("name"), h -> {
            SearchRequest req = Queries.nprobe(h, queries.request(h, b.text(), b.vector(), b.k(), b.mode(), b.oversample(), b.filter()),
                    b.nprobe()).where(where);
            return scanning(() -> Queries.filtering(where, () -> Queries.classify(h, req, field)));
        });
        metrics.searches.increment();
        reply(ctx, 200, r);
    }

    // ------------------------------------------------------------------ checks

    /** Reads the body within the size limit and parses it strictly. */
    <T> T body(Context ctx, Class<T> type) {
        return Json.parse(Checks.readBody(ctx, limits.maxBodyBytes()), type);
    }

    private float[][] textsOrVectors(List<String> texts, float[][] vectors, String model, int dim, TextRole role) {
        if (texts != null && vectors != null) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "give either 'texts' or 'vectors', not both");
        }
        if (vectors != null) {
            checks.checkBatch(vectors.length, "vectors");
            for (int i = 0; i < vectors.length; i++) {
                Checks.checkVector(vectors[i], dim, "vectors[" + i + "]");
            }
            return vectors;
        }
        if (texts == null) {
            throw new ApiError(ApiError.Code.MISSING_FIELD, "give 'texts' (strings to embed), 'vectors' (arrays of " + dim
                    + " numbers) or 'vectors_base64'");
        }
        checks.checkTexts(texts, "texts");
        if (Embedders.dimension(model) != dim) {
            throw new ApiError(ApiError.Code.WRONG_DIMENSION, "model " + model + " makes " + Embedders.dimension(model)
                    + "-d vectors but the encoder takes " + dim);
        }
        return embedders.embed(model, texts, role);
    }

    private Encoder shippedEncoder(String model, int bits) {
        try {
            return GeneralEncoders.load(model, bits);
        } catch (EmbeddingException e) {
            throw new ApiError(ApiError.Code.ENCODER_UNAVAILABLE, e.getMessage());
        }
    }

    private static Encoder uploadedEncoder(String b64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'encoder' is not valid base64: " + e.getMessage());
        }
        try {
            return EncoderFiles.load(new ByteArrayInputStream(bytes), "uploaded encoder");
        } catch (IOException | RuntimeException e) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'encoder' is not a valid .bse encoder file: " + e.getMessage());
        }
    }

    private static String floats(FloatFormat f) { return f.name().toLowerCase(Locale.ROOT); }

    static void reply(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }
}
