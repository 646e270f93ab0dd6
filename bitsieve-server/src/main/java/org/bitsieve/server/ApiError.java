package org.bitsieve.server;

/**
 * A request the server refuses, with the HTTP status, a stable machine-readable code and a message that says
 * what is wrong and what to do. Rendered as {@code {"error": {"code": ..., "message": ...}}}; never carries a
 * stack trace to the client.
 */
public final class ApiError extends RuntimeException {
    /** The stable error codes; clients may switch on them. Documented in docs/server.md. */
    public enum Code {
        INVALID_JSON(400), UNKNOWN_FIELD(400), WRONG_TYPE(400), MISSING_FIELD(400), INVALID_VALUE(400),
        WRONG_DIMENSION(400), NON_FINITE_VALUE(400), EMPTY_TEXT(400), DUPLICATE_ID(400), INVALID_COLLECTION_NAME(400),
        UNKNOWN_MODEL(400), ENCODER_UNAVAILABLE(400), BAD_REQUEST(400), INVALID_UNICODE(400), INVALID_VECTOR(400),
        UNAUTHORIZED(401), FORBIDDEN(403),
        NOT_FOUND(404), COLLECTION_NOT_FOUND(404), DOCUMENT_NOT_FOUND(404),
        METHOD_NOT_ALLOWED(405), REQUEST_TIMEOUT(408),
        COLLECTION_EXISTS(409), DOCUMENT_EXISTS(409), COLLECTION_DAMAGED(409), TOO_MANY_COLLECTIONS(409),
        BODY_TOO_LARGE(413), BATCH_TOO_LARGE(413), TEXT_TOO_LONG(413),
        UNSUPPORTED_MEDIA_TYPE(415), HEADERS_TOO_LARGE(431),
        INTERNAL_ERROR(500), UNAVAILABLE(503), INSUFFICIENT_STORAGE(507);

        public final int status;

        Code(int status) { this.status = status; }

        /** The code as it appears in JSON, e.g. {@code wrong_dimension}. */
        public String wire() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private final Code code;

    public ApiError(Code code, String message) {
        super(message, null, false, false); // no stack trace: these are answers, not bugs
        this.code = code;
    }

    public Code code() { return code; }

    public int status() { return code.status; }
}
