package org.bitsieve.server;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

/** Error answers as JSON ({@code {"error": {"code", "message"}}}), with the client's own text in them kept bounded. */
final class ErrorReplies {
    private ErrorReplies() {}

    static void error(Context ctx, ApiError e) {
        String m = bounded(e.getMessage());
        // a message may quote client text; a lone surrogate in it must not make the error itself unwritable
        m = org.bitsieve.core.text.Unicode.isWellFormed(m) ? m : m.replaceAll("[\\x{D800}-\\x{DFFF}]", "\uFFFD");
        Api.reply(ctx, e.status(), new Bodies.ErrorBody(new Bodies.ErrorDetail(e.code().wire(), m)));
    }

    /**
     * A quoted run longer than {@code LONG_QUOTED_CHARS} is cut to {@code MAX_QUOTED_CHARS}; messages are at most
     * {@code MAX_MESSAGE_CHARS}. The threshold is well above the longest run of prose between two apostrophes
     * in Jackson's own messages ("token 'null', 'true' or 'false'" has ~80), which a lower one mangled.
     */
    static final int MAX_QUOTED_CHARS = 80, LONG_QUOTED_CHARS = 200, MAX_MESSAGE_CHARS = 2000;
    private static final java.util.regex.Pattern LONG_QUOTE = java.util.regex.Pattern.compile("'([^']{" + (LONG_QUOTED_CHARS + 1) + ",})'");

    /**
     * Messages quote what the client sent ("unknown search mode 'x'"); a 300 KB mode or model name was echoed
     * whole. A quoted value over {@value #LONG_QUOTED_CHARS} characters is cut to its first
     * {@value #MAX_QUOTED_CHARS} (with its length), and a whole message to {@value #MAX_MESSAGE_CHARS}.
     */
    static String bounded(String m) {
        if (m == null) {
            return "";
        }
        if (m.length() > LONG_QUOTED_CHARS) {
            java.util.regex.Matcher q = LONG_QUOTE.matcher(m);
            StringBuilder sb = new StringBuilder();
            while (q.find()) {
                String v = q.group(1);
                q.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement("'" + v.substring(0, MAX_QUOTED_CHARS) + "...' ("
                        + v.length() + " characters)"));
            }
            q.appendTail(sb);
            m = sb.toString();
        }
        return m.length() > MAX_MESSAGE_CHARS ? m.substring(0, MAX_MESSAGE_CHARS) + "..." : m;
    }

    static void ensureJson(Context ctx, ApiError.Code code, String message) {
        String ct = ctx.res().getContentType();
        if (ct == null || !ct.startsWith("application/json")) {
            error(ctx, new ApiError(code, message));
        }
    }

    static ApiError fromJavalin(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 -> new ApiError(ApiError.Code.NOT_FOUND, "no such endpoint; see GET /openapi.json");
            case 405 -> new ApiError(ApiError.Code.METHOD_NOT_ALLOWED, "method not allowed on this path; see GET /openapi.json");
            case 413 -> new ApiError(ApiError.Code.BODY_TOO_LARGE, "the request body is too large");
            case 415 -> new ApiError(ApiError.Code.UNSUPPORTED_MEDIA_TYPE, "unsupported media type; send application/json");
            case 503 -> new ApiError(ApiError.Code.UNAVAILABLE, "the server is not available");
            default -> e.getStatus() >= 500 ? new ApiError(ApiError.Code.INTERNAL_ERROR, "internal error")
                    : new ApiError(ApiError.Code.BAD_REQUEST, "bad request: " + e.getMessage());
        };
    }

    /** The message of the innermost cause (its class when it has none). */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
