package org.bitsieve.server;

import static org.bitsieve.server.Api.reply;

import io.javalin.http.Context;
import org.bitsieve.embed.TextRole;
import org.bitsieve.store.Doc;
import org.bitsieve.store.WriteBatch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The document endpoints: add or upsert a batch (texts embedded here), get by id, delete by id or by a filter. */
final class DocumentsApi {
    private final ServerConfig.Limits limits;
    private final CollectionRegistry colls;
    private final Embedders embedders;
    private final Metrics metrics;
    private final Checks checks;

    DocumentsApi(ServerConfig.Limits limits, CollectionRegistry colls, Embedders embedders, Metrics metrics, Checks checks) {
        this.limits = limits;
        this.colls = colls;
        this.embedders = embedders;
        this.metrics = metrics;
        this.checks = checks;
    }

    /** Reads the body within the size limit and parses it strictly. */
    private <T> T body(Context ctx, Class<T> type) {
        return Json.parse(Checks.readBody(ctx, limits.maxBodyBytes()), type);
    }


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

    private static Bodies.DocumentOut out(Doc d, boolean vectors) {
        if (d == null) {
            return null;
        }
        return new Bodies.DocumentOut(d.id(), d.text(), d.metadataJson(), vectors ? d.vector() : null);
    }
}
