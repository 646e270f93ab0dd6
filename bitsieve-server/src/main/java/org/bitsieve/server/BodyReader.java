package org.bitsieve.server;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads request bodies without holding a request thread. A handler that read its body with blocking reads kept a
 * pool thread for as long as the client took: 8 connections sending a byte every 2 s stopped all service at
 * {@code --threads 8}. This filter starts async processing, collects the body through a {@link ReadListener}
 * (no thread is held while bytes are awaited), and only then dispatches the request to the router, with the
 * bytes in the request attribute {@link #ATTR}. A body must arrive within an overall deadline and at a
 * minimum average rate, or the client gets 408 {@code request_timeout} and the connection is closed.
 */
final class BodyReader implements Filter {
    /** The complete body, set before the request reaches the router. */
    static final String ATTR = "bitsieve.body";

    private final long maxBytes;
    private final long deadlineMillis;
    private final long minBytesPerSecond;
    private final java.util.function.Predicate<HttpServletRequest> keyAccepted;
    final LongAdder timedOut = new LongAdder();

    /**
     * @param keyAccepted whether the request carries a valid key: bodies of requests without one are not read
     *                    at all (the router answers 401 and the connection is closed with the body unread)
     */
    BodyReader(long maxBytes, long deadlineMillis, long minBytesPerSecond, java.util.function.Predicate<HttpServletRequest> keyAccepted) {
        this.maxBytes = maxBytes;
        this.deadlineMillis = deadlineMillis;
        this.minBytesPerSecond = minBytesPerSecond;
        this.keyAccepted = keyAccepted;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        if (req.getDispatcherType() != DispatcherType.REQUEST || !hasBody(req) || req.getContentLengthLong() > maxBytes
                || !keyAccepted.test(req)) {
            // no body, our own re-dispatch, a declared length the handler refuses (413) without reading, or no
            // valid key (401 without reading: an anonymous client cannot make the server buffer anything)
            chain.doFilter(request, response);
            return;
        }
        AsyncContext async = req.startAsync();
        async.setTimeout(deadlineMillis);
        ServletInputStream in = req.getInputStream();
        Collector c = new Collector(req, (HttpServletResponse) response, async, in);
        async.addListener(c);
        in.setReadListener(c);
    }

    private static boolean hasBody(HttpServletRequest req) {
        long n = req.getContentLengthLong();
        if (n > 0) {
            return true;
        }
        String te = req.getHeader("Transfer-Encoding");
        return n < 0 && te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked");
    }

    private final class Collector implements ReadListener, AsyncListener {
        final HttpServletRequest req;
        final HttpServletResponse res;
        final AsyncContext async;
        final ServletInputStream in;
        final long start = System.nanoTime();
        final ByteArrayOutputStream body;
        final byte[] buf = new byte[16 * 1024];
        final AtomicBoolean done = new AtomicBoolean();

        Collector(HttpServletRequest req, HttpServletResponse res, AsyncContext async, ServletInputStream in) {
            this.req = req;
            this.res = res;
            this.async = async;
            this.in = in;
            long n = req.getContentLengthLong();
            this.body = new ByteArrayOutputStream((int) Math.max(32, Math.min(n, 1 << 20)));
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (!done.get() && in.isReady()) {
                int n = in.read(buf);
                if (n < 0) {
                    return; // onAllDataRead follows
                }
                body.write(buf, 0, n);
                if (body.size() > maxBytes) {
                    fail(413, ApiError.Code.BODY_TOO_LARGE, "the request body is larger than the limit of " + maxBytes
                            + " bytes. Send fewer items per request");
                    return;
                }
            }
            long elapsed = System.nanoTime() - start;
            // an average below the minimum, judged after the first second: a trickle of bytes is refused early
            if (!done.get() && elapsed > 1_000_000_000L && body.size() < minBytesPerSecond * (elapsed / 1e9)) {
                timedOut.increment();
                fail(408, ApiError.Code.REQUEST_TIMEOUT, "the request body arrived at " + Math.round(body.size() / (elapsed / 1e9))
                        + " bytes/s, below the minimum of " + minBytesPerSecond + "; send the body at once");
            }
        }

        @Override
        public void onAllDataRead() {
            if (done.compareAndSet(false, true)) {
                req.setAttribute(ATTR, body.toByteArray());
                async.dispatch(); // to the router, on a pool thread, with the whole body in hand
            }
        }

        @Override
        public void onError(Throwable t) {
            for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
                if (x instanceof java.util.concurrent.TimeoutException) {
                    timedOut.increment();
                    fail(408, ApiError.Code.REQUEST_TIMEOUT, "the request body did not arrive in time (" + body.size()
                            + " bytes received); send the body at once");
                    return;
                }
            }
            // a malformed chunked body (a chunk size that is not hex, negative or absurd) or a body cut short: the
            // client's framing is wrong, not slow (was 408 request_timeout). A client that is gone sees nothing.
            fail(400, ApiError.Code.BAD_REQUEST, "the request body is malformed: bad chunked framing, or the body ended "
                    + "before its declared length (" + body.size() + " bytes received)");
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            timedOut.increment();
            fail(408, ApiError.Code.REQUEST_TIMEOUT, "the request body did not arrive within " + deadlineMillis / 1000.0
                    + " s (" + body.size() + " bytes received); send the body at once");
        }

        @Override
        public void onComplete(AsyncEvent event) {}

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable() == null ? new IOException("async error") : event.getThrowable());
        }

        @Override
        public void onStartAsync(AsyncEvent event) {}

        /** Answers JSON directly (the router never saw this request) and closes the connection. */
        private void fail(int status, ApiError.Code code, String message) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            try {
                res.setStatus(status);
                res.setContentType("application/json");
                res.setHeader("Connection", "close");
                res.getOutputStream().write(Json.write(new Bodies.ErrorBody(new Bodies.ErrorDetail(code.wire(), message))));
            } catch (IOException | RuntimeException e) {
                // the client is gone; nothing to tell it
            } finally {
                try {
                    async.complete();
                } catch (RuntimeException ignored) {
                    // already completed by a concurrent timeout
                }
            }
        }
    }
}
