package org.bitsieve.server;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes API responses without holding a request thread, the other half of {@link BodyReader}. A handler's answer
 * used to be written with a blocking write, so a client that asked for a large answer (documents with long texts,
 * a thousand embeddings) and then did not read it kept a pool thread until the idle timeout: 40 such connections with
 * a read key stopped all service for 30 s, and reconnecting kept it stopped. Here the router writes into memory; an
 * answer of up to {@value #DIRECT_BYTES} bytes (a search's, typically), which the socket's buffers take at once, is
 * written directly, a larger one through a {@link WriteListener}: bytes go out as the client takes them and no thread
 * waits in between. A client that takes them slower than {@code min_body_bytes_per_second} on average after the first
 * {@code body_timeout_seconds}, or stops reading for the connection's idle timeout, is disconnected.
 * Every answer but the static files of {@code --web} passes through here (those, model files of tens of MB among
 * them, are streamed by Jetty); {@code /openapi.json} and {@code /metrics} are large enough to need it too.
 */
final class ResponseWriter implements Filter {
    /** Answers up to this size are written at once: they fit the socket's send buffer, so the write does not wait. */
    static final int DIRECT_BYTES = 8 * 1024;

    private final long graceMillis;
    private final long minBytesPerSecond;
    /** Bytes of answers being sent asynchronously, and the most there may be (beyond, answers wait on a thread as before). */
    private final AtomicLong pending = new AtomicLong();
    private final long maxPending;
    /** Answers their clients did not take (stopped reading, too slow, gone). */
    final LongAdder abandoned = new LongAdder();

    /**
     * @param maxPending the most bytes held by answers clients have not taken yet: with threads no longer bounding
     *                   them, many clients asking for large answers and not reading could otherwise fill the heap
     */
    ResponseWriter(long graceMillis, long minBytesPerSecond, long maxPending) {
        this.graceMillis = graceMillis;
        this.minBytesPerSecond = minBytesPerSecond;
        this.maxPending = maxPending;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        String path = req.getRequestURI();
        if (path.equals(ApiServer.WEB_PATH) || path.startsWith(ApiServer.WEB_PATH + "/")) {
            chain.doFilter(request, response); // static files, streamed by Jetty (a bundle's model is tens of MB)
            return;
        }
        Captured cap = new Captured(res);
        chain.doFilter(request, cap);
        if (req.isAsyncStarted()) {
            return; // the router answers asynchronously itself (none does today): leave the response to it
        }
        byte[] body = cap.bytes();
        if (body.length <= DIRECT_BYTES || pending.addAndGet(body.length) > maxPending) {
            if (body.length > DIRECT_BYTES) {
                pending.addAndGet(-body.length);
            }
            // blocking, as before (bounded by the request threads), and framed by Jetty as before: a Content-Length set
            // here completed the response inside the write, and an answer sent before an unread request body (413)
            // could then be lost to the connection's reset
            res.getOutputStream().write(body);
            return;
        }
        res.setContentLength(body.length); // the whole request body was read (BodyReader) before the router ran
        AsyncContext async = req.startAsync(req, res);
        async.setTimeout(0); // a stalled client is closed by the connection's idle timeout, a slow one by the rate check
        ServletOutputStream out = res.getOutputStream();
        Sender s = new Sender(body, out, async);
        async.addListener(s);
        out.setWriteListener(s);
    }

    private final class Sender implements WriteListener, AsyncListener {
        final byte[] body;
        final ServletOutputStream out;
        final AsyncContext async;
        final long start = System.nanoTime();
        final AtomicBoolean done = new AtomicBoolean();
        int written;

        Sender(byte[] body, ServletOutputStream out, AsyncContext async) {
            this.body = body;
            this.out = out;
            this.async = async;
        }

        @Override
        public void onWritePossible() throws IOException {
            while (!done.get() && out.isReady()) {
                if (written == body.length) {
                    finish();
                    return;
                }
                int n = Math.min(64 * 1024, body.length - written);
                out.write(body, written, n);
                written += n;
            }
            long elapsed = System.nanoTime() - start;
            // the average rate, judged after the grace period: a client draining a byte now and then is let go
            if (!done.get() && minBytesPerSecond > 0 && elapsed > graceMillis * 1_000_000L && written < minBytesPerSecond * (elapsed / 1e9)) {
                abort();
            }
        }

        @Override
        public void onError(Throwable t) {
            abort(); // the client is gone or timed out: nothing to tell it
        }

        private void finish() {
            if (done.compareAndSet(false, true)) {
                pending.addAndGet(-body.length);
                async.complete();
            }
        }

        private void abort() {
            if (done.compareAndSet(false, true)) {
                pending.addAndGet(-body.length);
                abandoned.increment();
                try {
                    out.close();
                } catch (IOException | RuntimeException ignored) {
                    // already broken
                }
                try {
                    async.complete();
                } catch (RuntimeException ignored) {
                    // completed by a concurrent error
                }
            }
        }

        @Override public void onComplete(AsyncEvent event) {}

        @Override public void onTimeout(AsyncEvent event) { abort(); }

        @Override public void onError(AsyncEvent event) { abort(); }

        @Override public void onStartAsync(AsyncEvent event) {}
    }

    /** The response with its body kept in memory; status and headers go to the real response as set. */
    private static final class Captured extends HttpServletResponseWrapper {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
        private final ServletOutputStream stream = new ServletOutputStream() {
            @Override public void write(int b) { buf.write(b); }
            @Override public void write(byte[] b, int off, int len) { buf.write(b, off, len); }
            @Override public boolean isReady() { return true; }
            @Override public void setWriteListener(WriteListener l) { throw new IllegalStateException("not asynchronous"); }
        };
        private PrintWriter writer;

        Captured(HttpServletResponse res) { super(res); }

        @Override public ServletOutputStream getOutputStream() { return stream; }

        @Override
        public PrintWriter getWriter() {
            if (writer == null) {
                writer = new PrintWriter(new OutputStreamWriter(buf, StandardCharsets.UTF_8));
            }
            return writer;
        }

        @Override public void flushBuffer() {}

        @Override public void setContentLength(int len) {}

        @Override public void setContentLengthLong(long len) {}

        @Override public boolean isCommitted() { return false; }

        @Override
        public void resetBuffer() {
            buf.reset();
        }

        @Override
        public void reset() {
            super.reset();
            buf.reset();
        }

        byte[] bytes() {
            if (writer != null) {
                writer.flush();
            }
            return buf.toByteArray();
        }
    }
}
