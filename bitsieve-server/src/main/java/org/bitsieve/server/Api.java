package org.bitsieve.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Vectors;
import org.bitsieve.core.text.Unicode;
import org.bitsieve.core.io.EncoderFiles;
import org.bitsieve.embed.EmbeddingException;
import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.TextRole;
import org.bitsieve.store.Classification;
import org.bitsieve.store.Doc;
import org.bitsieve.store.CollectionOptions;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.Hit;
import org.bitsieve.store.SearchMode;
import org.bitsieve.store.SearchRequest;
import org.bitsieve.store.StoreInfo;
import org.bitsieve.store.WriteBatch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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

    // ------------------------------------------------------------------ documents

    void writeDocuments(Context ctx) throws IOException {
        Bodies.WriteDocuments b = body(ctx, Bodies.WriteDocuments.class);
        boolean upsert;
        if (b.mode() == null || b.mode().equals("upsert")) {
            upsert = true;
        } else if (b.mode().equals("add")) {
            upsert = false;
        } else {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'mode' must be 'add' (ids must be new) or 'upsert' "
                    + "(add or replace; the default), got '" + b.mode() + "'");
        }
        List<Bodies.DocumentIn> docs = b.documents();
        if (docs == null) {
            throw Checks.missing("documents");
        }
        checks.checkBatch(docs.size(), "documents");
        Set<String> seen = new HashSet<>();
        List<String> toEmbed = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            Bodies.DocumentIn d = docs.get(i);
            String f = "documents[" + i + "]";
            if (d == null) {
                throw new ApiError(ApiError.Code.WRONG_TYPE, f + " is null; each document is an object with 'id' and 'text' and/or 'vector'");
            }
            Checks.checkId(d.id(), f + ".id");
            if (!seen.add(d.id())) {
                throw new ApiError(ApiError.Code.DUPLICATE_ID, f + ".id '" + d.id() + "' appears twice in this request");
            }
            if (d.text() != null && d.text().length() > limits.maxTextChars()) {
                throw new ApiError(ApiError.Code.TEXT_TOO_LONG, f + ".text has " + d.text().length() + " characters; the limit is "
                        + limits.maxTextChars());
            }
            if (d.vector() == null) {
                if (d.text() == null) {
                    throw new ApiError(ApiError.Code.MISSING_FIELD, f + " has neither 'vector' nor 'text'; give a vector, or a text to embed");
                }
                if (d.text().isBlank()) {
                    throw new ApiError(ApiError.Code.EMPTY_TEXT, f + ".text is " + (d.text().isEmpty() ? "empty" : "blank")
                            + " and there is no vector; give text with content or a vector");
                }
                toEmbed.add(d.text());
            }
            if (d.metadata() != null && !d.metadata().isObject() && !d.metadata().isNull()) {
                throw new ApiError(ApiError.Code.WRONG_TYPE, f + ".metadata must be a JSON object");
            }
            StrictText.check(f + ".metadata", d.metadata());
        }
        WriteResultHolder r = colls.use(ctx.pathParam("name"), h -> {
            int dim = h.coll.encoder().dimension();
            float[][] embedded = toEmbed.isEmpty() ? new float[0][] : embedders.embed(Queries.requireModel(h), toEmbed, TextRole.PASSAGE);
            WriteBatch batch = new WriteBatch();
            int e = 0;
            for (int i = 0; i < docs.size(); i++) {
                Bodies.DocumentIn d = docs.get(i);
                float[] v = d.vector() != null ? Checks.checkVector(d.vector(), dim, "documents[" + i + "].vector") : embedded[e++];
                String meta = d.metadata() == null || d.metadata().isNull() ? null : d.metadata().toString();
                Doc doc = new Doc(d.id(), v, d.text(), meta);
                if (upsert) {
                    batch.upsert(doc);
                } else {
                    batch.add(doc);
                }
            }
            int replaced;
            try {
                replaced = h.coll.write(batch);
            } catch (IllegalArgumentException ex) {
                if (!upsert) {
                    for (Bodies.DocumentIn d : docs) {
                        if (h.coll.get(d.id()) != null) {
                            throw new ApiError(ApiError.Code.DOCUMENT_EXISTS, "document '" + d.id() + "' already exists; "
                                    + "nothing was written. Use mode 'upsert' to replace documents");
                        }
                    }
                }
                throw new ApiError(ApiError.Code.INVALID_VALUE, ex.getMessage());
            }
            h.coll.refitIfDue(); // a server is the long-running host the automatic refit waits for (store.md, "Refit")
            return new WriteResultHolder(replaced, h.coll.count());
        });
        metrics.documentsWritten.add(docs.size());
        reply(ctx, 200, new Bodies.WriteResult(docs.size(), r.replaced, r.count));
    }

    private record WriteResultHolder(int replaced, int count) {}

    void getDocument(Context ctx) throws IOException {
        String id = Checks.urlId(ctx);
        Checks.checkId(id, "id");
        boolean vectors = Checks.flag(ctx.queryParam("include_vector"), "include_vector");
        Bodies.DocumentOut d = colls.use(ctx.pathParam("name"), h -> out(h.coll.get(id), vectors));
        if (d == null) {
            throw new ApiError(ApiError.Code.DOCUMENT_NOT_FOUND, "no document '" + id + "' in collection '" + ctx.pathParam("name") + "'");
        }
        reply(ctx, 200, d);
    }

    void getDocuments(Context ctx) throws IOException {
        Bodies.Ids b = body(ctx, Bodies.Ids.class);
        if (b.where() != null) {
            throw new ApiError(ApiError.Code.UNKNOWN_FIELD, "unknown field 'where' (it belongs to documents/delete and search)");
        }
        List<String> ids = checks.ids(b);
        boolean vectors = Boolean.TRUE.equals(b.includeVectors());
        Bodies.Documents r = colls.use(ctx.pathParam("name"), h -> {
            List<Bodies.DocumentOut> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String id : ids) {
                Doc d = h.coll.get(id);
                if (d == null) {
                    missing.add(id);
                } else {
                    found.add(out(d, vectors));
                }
            }
            return new Bodies.Documents(found, missing);
        });
        reply(ctx, 200, r);
    }

    void deleteDocument(Context ctx) throws IOException {
        String id = Checks.urlId(ctx);
        Checks.checkId(id, "id");
        Bodies.DeleteResult r = colls.use(ctx.pathParam("name"), h -> {
            int n = h.coll.delete(List.of(id));
            return new Bodies.DeleteResult(n, h.coll.count());
        });
        if (r.deleted() == 0) {
            throw new ApiError(ApiError.Code.DOCUMENT_NOT_FOUND, "no document '" + id + "' in collection '" + ctx.pathParam("name") + "'");
        }
        metrics.documentsDeleted.add(r.deleted());
        reply(ctx, 200, r);
    }

    void deleteDocuments(Context ctx) throws IOException {
        Bodies.Ids b = body(ctx, Bodies.Ids.class);
        if (b.includeVectors() != null) {
            throw new ApiError(ApiError.Code.UNKNOWN_FIELD, "unknown field 'include_vectors' (it belongs to documents/get)");
        }
        if (b.where() != null) {
            // delete by filter: every document is checked before the one batch is written, so an error deletes nothing
            if (b.ids() != null) {
                throw new ApiError(ApiError.Code.INVALID_VALUE, "give either 'ids' or 'where', not both");
            }
            org.bitsieve.store.filter.MetaFilter where = Queries.where(b.where());
            Bodies.DeleteResult r = colls.use(ctx.pathParam("name"), h -> {
                int n;
                try {
                    n = h.coll.deleteWhere(where);
                } catch (IllegalArgumentException e) {
                    throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'where': " + e.getMessage());
                }
                return new Bodies.DeleteResult(n, h.coll.count());
            });
            metrics.documentsDeleted.add(r.deleted());
            reply(ctx, 200, r);
            return;
        }
        List<String> ids = checks.ids(b);
        Bodies.DeleteResult r = colls.use(ctx.pathParam("name"), h -> {
            int n = h.coll.delete(ids);
            return new Bodies.DeleteResult(n, h.coll.count());
        });
        metrics.documentsDeleted.add(r.deleted());
        reply(ctx, 200, r);
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



    private static Bodies.DocumentOut out(Doc d, boolean vectors) {
        if (d == null) {
            return null;
        }
        return new Bodies.DocumentOut(d.id(), d.text(), d.metadataJson(), vectors ? d.vector() : null);
    }

    private static String floats(FloatFormat f) { return f.name().toLowerCase(Locale.ROOT); }


    static void reply(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }
}
