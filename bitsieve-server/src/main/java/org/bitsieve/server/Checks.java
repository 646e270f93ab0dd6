package org.bitsieve.server;

import io.javalin.http.Context;
import org.bitsieve.core.encode.Vectors;
import org.bitsieve.core.text.Unicode;
import org.bitsieve.embed.TextRole;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Request checks shared by the handlers (split out of {@link Api}): body reading within the size limit, batch
 * and text limits, vectors (dimension, finite values, a norm that float32 scoring can take), ids, flags. Each
 * failure is an {@link ApiError} whose message names the field.
 */
final class Checks {
    static final int MAX_ID_CHARS = 1024;

    private final ServerConfig.Limits limits;

    Checks(ServerConfig.Limits limits) {
        this.limits = limits;
    }

    static byte[] readBody(Context ctx, long max) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw tooLarge(declared, max);
        }
        if (ctx.attribute(BodyReader.ATTR) instanceof byte[] b) { // collected without holding a thread (BodyReader)
            return b;
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] buf = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, max + 1));
            if (buf.length > max) {
                throw tooLarge(-1, max);
            }
            return buf;
        } catch (IOException e) {
            throw new ApiError(ApiError.Code.BAD_REQUEST, "the request body could not be read: " + e.getMessage());
        }
    }

    static ApiError tooLarge(long got, long max) {
        return new ApiError(ApiError.Code.BODY_TOO_LARGE, "the request body " + (got >= 0 ? "is " + got + " bytes" : "is larger than the limit")
                + "; the limit is " + max + " bytes. Send fewer items per request");
    }

    void checkBatch(int n, String field) {
        if (n > limits.maxBatch()) {
            throw new ApiError(ApiError.Code.BATCH_TOO_LARGE, "'" + field + "' has " + n + " items; the limit is "
                    + limits.maxBatch() + " per request. Split it into several requests");
        }
    }

    void checkTexts(List<String> texts, String field) {
        if (texts == null) {
            throw missing(field);
        }
        checkBatch(texts.size(), field);
        for (int i = 0; i < texts.size(); i++) {
            checkText(texts.get(i), field + "[" + i + "]");
        }
    }

    void checkText(String t, String field) {
        if (t == null) {
            throw new ApiError(ApiError.Code.WRONG_TYPE, "field '" + field + "' is null; it must be a string with content");
        }
        if (t.isBlank()) {
            throw new ApiError(ApiError.Code.EMPTY_TEXT, "field '" + field + "' is " + (t.isEmpty() ? "empty" : "blank")
                    + "; there is nothing to embed (remove it or fill it in)");
        }
        if (t.length() > limits.maxTextChars()) {
            throw new ApiError(ApiError.Code.TEXT_TOO_LONG, "field '" + field + "' has " + t.length() + " characters; the limit is "
                    + limits.maxTextChars());
        }
    }

    static float[] checkVector(float[] v, int dim, String field) {
        if (v == null) {
            throw new ApiError(ApiError.Code.WRONG_TYPE, "field '" + field + "' is null; it must be an array of " + dim + " numbers");
        }
        if (v.length != dim) {
            throw new ApiError(ApiError.Code.WRONG_DIMENSION, "field '" + field + "' has " + v.length + " values; "
                    + dim + " are needed (the model's / collection's dimension)");
        }
        for (int j = 0; j < v.length; j++) {
            if (!Float.isFinite(v[j])) {
                throw new ApiError(ApiError.Code.NON_FINITE_VALUE, "field '" + field + "[" + j + "]' is not a finite 32-bit float "
                        + "(numbers beyond +-3.4e38 overflow to infinity); vectors must hold finite values");
            }
        }
        String problem = Vectors.magnitudeProblem(v);
        if (problem != null) {
            // finite values can still overflow or underflow float32 scoring (1e-45 queries once scored Infinity)
            throw new ApiError(ApiError.Code.INVALID_VECTOR, "field '" + field + "' cannot be scored: " + problem
                    + "; send a vector with a norm between " + Vectors.MIN_NORM + " and " + Vectors.MAX_NORM);
        }
        return v;
    }

    static void checkId(String id, String field) {
        if (id == null) {
            throw missing(field);
        }
        if (id.isEmpty()) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field '" + field + "' is empty; ids must be non-empty strings");
        }
        if (id.length() > MAX_ID_CHARS) {
            throw new ApiError(ApiError.Code.INVALID_VALUE, "field '" + field + "' is " + id.length() + " characters; ids are at most " + MAX_ID_CHARS);
        }
        if (!Unicode.isWellFormed(id)) {
            throw new ApiError(ApiError.Code.INVALID_UNICODE, "field '" + field + "' is not valid Unicode (an unpaired UTF-16 surrogate)");
        }
    }

    List<String> ids(Bodies.Ids b) {
        if (b.ids() == null) {
            throw missing("ids");
        }
        checkBatch(b.ids().size(), "ids");
        for (int i = 0; i < b.ids().size(); i++) {
            checkId(b.ids().get(i), "ids[" + i + "]");
        }
        return b.ids();
    }

    static TextRole role(String r) {
        if (r == null) {
            return TextRole.PASSAGE;
        }
        return switch (r) {
            case "query" -> TextRole.QUERY;
            case "passage" -> TextRole.PASSAGE;
            default -> throw new ApiError(ApiError.Code.INVALID_VALUE, "field 'role' must be 'query' or 'passage', got '" + r + "'");
        };
    }

    static boolean flag(String v, String name) {
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw new ApiError(ApiError.Code.INVALID_VALUE, "query parameter '" + name + "' must be true or false");
    }

    /**
     * The document id of a {@code .../documents/{id}} URL, percent-decoded strictly from the raw request path.
     * The router's decoding turns invalid UTF-8 escapes ({@code %FF}, {@code %C0%AE}, an encoded surrogate) into
     * U+FFFD, so {@code DELETE .../documents/%FF} deleted the document whose id is "\uFFFD": such ids are refused
     * (400 {@code invalid_unicode}), as they are in bodies. A '+' stays a '+'.
     */
    static String urlId(Context ctx) {
        String raw = ctx.req().getRequestURI();
        String seg = raw == null ? "" : raw.substring(raw.lastIndexOf('/') + 1);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(seg.length());
        for (int i = 0; i < seg.length(); i++) {
            char c = seg.charAt(i);
            if (c == '%') {
                int hi = i + 2 < seg.length() ? Character.digit(seg.charAt(i + 1), 16) : -1;
                int lo = i + 2 < seg.length() ? Character.digit(seg.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new ApiError(ApiError.Code.BAD_REQUEST, "the document id in the URL has a malformed percent-escape");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        byte[] bytes = out.toByteArray();
        if (Unicode.firstInvalidUtf8(bytes) >= 0) {
            throw new ApiError(ApiError.Code.INVALID_UNICODE, "the document id in the URL is not valid UTF-8 once "
                    + "percent-decoded (e.g. %FF, an overlong form or an encoded surrogate); escape the id's UTF-8 bytes");
        }
        String id = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        checkId(id, "id");
        return id;
    }

    static ApiError missing(String field) {
        return new ApiError(ApiError.Code.MISSING_FIELD, "field '" + field + "' is required");
    }
}
