package org.bitsieve.server;

import static org.bitsieve.server.ErrorReplies.ensureJson;
import static org.bitsieve.server.ErrorReplies.error;
import static org.bitsieve.server.ErrorReplies.fromJavalin;
import static org.bitsieve.server.ErrorReplies.rootMessage;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bitsieve HTTP API on Javalin (Jetty underneath): routes, authentication, JSON errors, metrics, and an
 * orderly start and stop. {@link #start} opens every collection and binds the port; {@link #close} stops taking
 * requests, lets in-flight ones finish (up to the configured timeout), then closes collections and models.
 */
public final class ApiServer implements AutoCloseable {
    /** A registered route, as the OpenAPI test and the docs see it. */
    public record Route(String method, String path) {}

    private static final String T0 = "bitsieve.t0";
    private static final String ROLE = "bitsieve.role";

    private final ServerConfig cfg;
    private final ApiKeys keys;
    private final CollectionRegistry colls;
    private final BodyReader bodies;
    private final ResponseWriter responses;
    private final Embedders embedders = new Embedders();
    private final Metrics metrics = new Metrics();
    private final Api api;
    private final DocumentsApi documents;
    private final Javalin app;
    private final PrintStream log;
    private final List<Route> routes = Collections.synchronizedList(new ArrayList<>());
    private final java.util.Set<String> knownPaths = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicLong incidents = new AtomicLong();
    private volatile boolean closed;

    /** URL prefix of the optional static folder (a web bundle and the demo page); public, no key needed. */
    public static final String WEB_PATH = "/web";
    private final java.nio.file.Path webRoot;

    private ApiServer(ServerConfig cfg, PrintStream log, java.nio.file.Path webRoot) throws IOException {
        this.webRoot = webRoot;
        this.cfg = cfg.validate();
        this.log = log;
        this.keys = new ApiKeys(cfg.keys());
        this.colls = CollectionRegistry.open(cfg.data(), cfg.limits().maxCollections());
        for (CollectionRegistry.Handle h : colls.damaged()) {
            log.println("bitsieve serve: collection '" + h.name + "' is damaged and is not served (requests to it get 409 "
                    + "collection_damaged): " + h.damage);
        }
        for (CollectionRegistry.Handle h : colls.withModelProblems()) {
            log.println("bitsieve serve: collection '" + h.name + "' is served for vectors only: " + h.modelProblem);
        }
        this.responses = new ResponseWriter(cfg.limits().bodyTimeoutSeconds() * 1000L, cfg.limits().minBodyBytesPerSecond(),
                Runtime.getRuntime().maxMemory() / 4);
        this.bodies = new BodyReader(cfg.limits().maxBodyBytes(), cfg.limits().bodyTimeoutSeconds() * 1000L,
                cfg.limits().minBodyBytesPerSecond(), req -> {
                    String k = presentedKey(req.getHeader("Authorization"), req.getHeader("X-API-Key"));
                    return k != null && keys.check(k) != null;
                });
        this.api = new Api(cfg, colls, embedders, metrics);
        this.documents = api.documents();
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.startupWatcherEnabled = false;
            c.http.maxRequestSize = cfg.limits().maxBodyBytes();
            c.http.prefer405over404 = true;
            c.http.disableCompression();
            c.router.ignoreTrailingSlashes = false;
            QueuedThreadPool pool = new QueuedThreadPool(cfg.threads(), Math.min(8, cfg.threads()), 60_000);
            pool.setName("bitsieve-http");
            c.jetty.threadPool = pool;
            c.jetty.defaultHost = cfg.host();
            c.jetty.addConnector((server, http) -> {
                org.eclipse.jetty.server.ServerConnector sc = new org.eclipse.jetty.server.ServerConnector(server, new Http1Only(http));
                sc.setHost(cfg.host());
                sc.setPort(cfg.port());
                return sc;
            });
            c.jetty.modifyServletContextHandler(h -> {
                // bodies read, then answers written, without a thread waiting on the client (in this order: the
                // writer runs where the router does, on the dispatch that has the whole body)
                for (jakarta.servlet.Filter filter : new jakarta.servlet.Filter[] {bodies, responses}) {
                    org.eclipse.jetty.servlet.FilterHolder f = new org.eclipse.jetty.servlet.FilterHolder(filter);
                    f.setAsyncSupported(true);
                    h.addFilter(f, "/*", java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST, jakarta.servlet.DispatcherType.ASYNC));
                }
            });
            c.jetty.modifyServer(server -> {
                // Javalin's server already wraps its handlers in a StatisticsHandler; a stop timeout turns stop()
                // into a graceful drain: connectors close first, in-flight requests get this long to finish
                server.setStopTimeout(cfg.shutdownSeconds() * 1000L);
                server.setErrorHandler(new JsonErrorHandler());
            });
            c.events(e -> e.handlerAdded(m -> {
                if (m.getHttpMethod().isHttpMethod()) {
                    routes.add(new Route(m.getHttpMethod().name(), m.getPath()));
                    knownPaths.add(m.getPath());
                }
            }));
            c.requestLogger.http(this::observe);
            if (webRoot != null) {
                // Jetty's resource handler: canonical paths only, nothing outside the folder, no directory listing
                c.staticFiles.add(sf -> {
                    sf.hostedPath = WEB_PATH;
                    sf.directory = webRoot.toAbsolutePath().normalize().toString();
                    sf.location = io.javalin.http.staticfiles.Location.EXTERNAL;
                });
            }
        });
        registerRoutes();
    }

    /** Opens the collections and starts listening. */
    public static ApiServer start(ServerConfig cfg, PrintStream log) throws IOException {
        return start(cfg, log, null);
    }

    /**
     * Also serves the files of {@code webRoot} (e.g. the demo page and bundles from {@code bitsieve export-web})
     * under {@value #WEB_PATH}/, without an API key: a bundle is public by design, it runs in the browser.
     */
    public static ApiServer start(ServerConfig cfg, PrintStream log, java.nio.file.Path webRoot) throws IOException {
        if (webRoot != null && !java.nio.file.Files.isDirectory(webRoot)) {
            throw new java.nio.file.NoSuchFileException(webRoot.toString(), null, "the folder to serve under " + WEB_PATH + " does not exist");
        }
        ApiServer s = new ApiServer(cfg, log, webRoot);
        try {
            s.app.start(cfg.host(), cfg.port());
        } catch (RuntimeException e) {
            s.colls.close();
            throw new IOException("cannot listen on " + cfg.host() + ":" + cfg.port() + ": " + rootMessage(e), e);
        }
        return s;
    }

    public int port() { return app.port(); }

    public ServerConfig config() { return cfg; }

    /** Collections served (damaged ones are not). */
    public int collections() { return colls.healthyCount(); }

    /** Every route registered with the HTTP router (method and path template). */
    public List<Route> routes() {
        synchronized (routes) {
            return List.copyOf(routes);
        }
    }

    private void registerRoutes() {
        get("/health", null, this::health);
        get("/metrics", Role.READ, this::metrics);
        get("/openapi.json", Role.READ, this::openapi);
        post("/v1/encode", Role.READ, api::encode);
        post("/v1/embed", Role.READ, api::embed);
        get("/v1/collections", Role.READ, api::listCollections);
        post("/v1/collections", Role.WRITE, api::createCollection);
        get("/v1/collections/{name}", Role.READ, api::collectionInfo);
        delete("/v1/collections/{name}", Role.WRITE, api::dropCollection);
        post("/v1/collections/{name}/documents", Role.WRITE, documents::writeDocuments);
        post("/v1/collections/{name}/documents/get", Role.READ, documents::getDocuments);
        post("/v1/collections/{name}/documents/delete", Role.WRITE, documents::deleteDocuments);
        get("/v1/collections/{name}/documents/{id}", Role.READ, documents::getDocument);
        delete("/v1/collections/{name}/documents/{id}", Role.WRITE, documents::deleteDocument);
        post("/v1/collections/{name}/search", Role.READ, api::search);
        post("/v1/collections/{name}/classify", Role.READ, api::classify);
        post("/v1/collections/{name}/refit", Role.WRITE, new RefitEndpoint(colls, cfg.limits().maxBodyBytes())::refit);
        post("/v1/collections/{name}/calibrate", Role.WRITE, new CalibrateEndpoint(colls, cfg.limits().maxBodyBytes())::calibrate);

        app.before(this::authenticate);
        app.exception(ApiError.class, (e, ctx) -> error(ctx, e));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, fromJavalin(e)));
        app.exception(Exception.class, (e, ctx) -> error(ctx, internal(e, ctx)));
        // a 404/405 the router raises itself, or any status set without a JSON body, still answers JSON
        app.error(404, ctx -> ensureJson(ctx, ApiError.Code.NOT_FOUND, "no such endpoint: " + ctx.method() + " " + ctx.path()
                + "; see GET /openapi.json"));
        app.error(405, ctx -> ensureJson(ctx, ApiError.Code.METHOD_NOT_ALLOWED, "method " + ctx.method() + " is not allowed on " + ctx.path()));
    }

    private void get(String path, Role role, Handler h) { app.get(path, guard(role, h)); }

    private void post(String path, Role role, Handler h) { app.post(path, guard(role, h)); }

    private void delete(String path, Role role, Handler h) { app.delete(path, guard(role, h)); }

    /** Authorisation per route: the key was authenticated in {@link #authenticate}; here its role must suffice. */
    private Handler guard(Role needed, Handler h) {
        if (needed == null) {
            return h;
        }
        return ctx -> {
            Role r = ctx.attribute(ROLE);
            if (r == null) {
                throw new ApiError(ApiError.Code.UNAUTHORIZED, "missing API key");
            }
            if (!r.allows(needed)) {
                throw new ApiError(ApiError.Code.FORBIDDEN, "this API key is read-only; " + ctx.method() + " " + ctx.endpointHandlerPath()
                        + " needs a write key");
            }
            if (ctx.method() == io.javalin.http.HandlerType.POST) {
                checkContentType(ctx.header("Content-Type"));
                checkContentEncoding(ctx.header("Content-Encoding"));
                checkTransferEncoding(ctx.req().getHeaders("Transfer-Encoding"));
            }
            h.handle(ctx);
        };
    }

    /**
     * Every POST body is JSON. Accepted: no Content-Type, {@code application/json} (any parameters, e.g. charset),
     * any {@code application/*+json}, and {@code application/x-www-form-urlencoded}, which is what {@code curl -d}
     * sends, so the documented curl lines keep working (the body is still parsed as strict JSON, never as a form).
     * Anything else is refused with 415 before the body is parsed.
     */
    static void checkContentType(String header) {
        if (header == null || header.isBlank()) {
            return;
        }
        String t = header.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("application/json") || (t.startsWith("application/") && t.endsWith("+json"))
                || t.equals("application/x-www-form-urlencoded")) {
            return;
        }
        String shown = t.length() > 60 ? t.substring(0, 60) + "..." : t;
        throw new ApiError(ApiError.Code.UNSUPPORTED_MEDIA_TYPE, "request bodies are JSON: send 'Content-Type: application/json' "
                + "(got '" + shown + "')");
    }

    /**
     * Bodies are read as they come: a {@code Content-Encoding} (gzip, br, ...) was ignored, so a compressed body
     * was parsed as if plain (and a plain one labelled gzip accepted). Only {@code identity} is accepted.
     */
    static void checkContentEncoding(String header) {
        if (header == null || header.isBlank() || header.strip().equalsIgnoreCase("identity")) {
            return;
        }
        String shown = header.length() > 60 ? header.substring(0, 60) + "..." : header;
        throw new ApiError(ApiError.Code.UNSUPPORTED_MEDIA_TYPE, "request bodies are not decompressed: send them without "
                + "a Content-Encoding (got '" + shown.strip() + "')");
    }

    /**
     * Jetty de-chunks but applies no other transfer coding: "Transfer-Encoding: gzip, chunked" was accepted and
     * its body parsed as if plain. Only {@code chunked} is accepted (400 otherwise).
     */
    static void checkTransferEncoding(java.util.Enumeration<String> headers) {
        while (headers != null && headers.hasMoreElements()) {
            for (String t : headers.nextElement().split(",")) {
                String c = t.strip();
                if (!c.isEmpty() && !c.equalsIgnoreCase("chunked")) {
                    String shown = c.length() > 60 ? c.substring(0, 60) + "..." : c;
                    throw new ApiError(ApiError.Code.BAD_REQUEST, "transfer coding '" + shown + "' is not supported; send the "
                            + "body plain, with a Content-Length or 'Transfer-Encoding: chunked'");
                }
            }
        }
    }

    private void authenticate(Context ctx) {
        ctx.attribute(T0, System.nanoTime());
        metrics.inFlight.incrementAndGet();
        if (closed) {
            throw new ApiError(ApiError.Code.UNAVAILABLE, "the server is shutting down; retry against another instance or later");
        }
        if (ctx.path().equals("/health") || (webRoot != null && (ctx.path().equals(WEB_PATH) || ctx.path().startsWith(WEB_PATH + "/")))) {
            return;
        }
        if (count(ctx, "Authorization") > 1 || count(ctx, "X-API-Key") > 1) {
            // the first header used to win, so "Bearer <good>" then "Bearer <bad>" passed; a proxy that keeps the
            // last one would see another key than this server did. Two keys are refused, whatever they are.
            throw new ApiError(ApiError.Code.UNAUTHORIZED, "more than one Authorization or X-API-Key header; send exactly one key");
        }
        String key = presentedKey(ctx);
        if (key == null) {
            throw new ApiError(ApiError.Code.UNAUTHORIZED, "missing API key: send 'Authorization: Bearer <key>' (or 'X-API-Key: <key>')");
        }
        ApiKeys.Entry e = keys.check(key);
        if (e == null) {
            throw new ApiError(ApiError.Code.UNAUTHORIZED, "API key not recognised");
        }
        ctx.attribute(ROLE, e.role());
    }

    private static int count(Context ctx, String header) {
        int n = 0;
        for (java.util.Enumeration<String> e = ctx.req().getHeaders(header); e != null && e.hasMoreElements(); e.nextElement()) {
            n++;
        }
        return n;
    }

    private static String presentedKey(Context ctx) {
        return presentedKey(ctx.header("Authorization"), ctx.header("X-API-Key"));
    }

    private static String presentedKey(String auth, String apiKey) {
        if (auth != null) {
            return auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : null;
        }
        return apiKey == null ? null : apiKey.strip();
    }

    private void observe(Context ctx, Float ms) {
        Long t0 = ctx.attribute(T0);
        if (t0 != null) {
            metrics.inFlight.decrementAndGet();
        }
        double seconds = t0 != null ? (System.nanoTime() - t0) / 1e9 : ms / 1000.0;
        String route;
        try {
            route = ctx.endpointHandlerPath();
        } catch (RuntimeException e) {
            route = "unmatched";
        }
        if (route == null || !knownPaths.contains(route)) {
            route = "unmatched"; // only registered templates become labels: random paths cannot grow the label set
        }
        metrics.observe(ctx.method().name(), route, ctx.statusCode(), seconds);
    }

    /**
     * 200 either way: a degraded server still serves its healthy collections (and searches on those that refuse
     * writes), so it stays in rotation.
     */
    private void health(Context ctx) {
        List<String> damaged = colls.damaged().stream().map(h -> h.name).toList();
        List<String> readOnly = colls.refusingWrites().stream().map(h -> h.name).toList();
        Api.reply(ctx, 200, damaged.isEmpty() && readOnly.isEmpty() ? new Bodies.Health("ok", null, null)
                : new Bodies.Health("degraded", damaged.isEmpty() ? null : damaged, readOnly.isEmpty() ? null : readOnly));
    }

    private void metrics(Context ctx) {
        List<Metrics.CollectionStats> stats = new ArrayList<>();
        metrics.damagedCollections = colls.damaged().stream().map(h -> h.name).toList();
        metrics.slowBodiesRefused = bodies.timedOut.sum();
        metrics.answersAbandoned = responses.abandoned.sum();
        for (CollectionRegistry.Handle h : colls.all()) {
            if (h.isDamaged()) {
                continue;
            }
            try {
                stats.add(colls.use(h.name, x -> new Metrics.CollectionStats(x.name, x.coll.count(), x.coll.info().bytes())));
            } catch (ApiError | IOException e) {
                // dropped meanwhile
            }
        }
        ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.exposition(stats, embedders.textsEmbedded(), embedders.modelsLoaded()));
    }

    private void openapi(Context ctx) throws IOException {
        try (InputStream in = ApiServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json missing from the jar");
            }
            ctx.status(200).contentType("application/json").result(in.readAllBytes());
        }
    }

    // ------------------------------------------------------------------ errors

    /** An unexpected failure: logged with its trace on the server; the client gets a code and an incident number only. */
    private ApiError internal(Exception e, Context ctx) {
        if (e instanceof IllegalStateException && closed) {
            return new ApiError(ApiError.Code.UNAVAILABLE, "the server is shutting down; retry later");
        }
        ApiError storage = StorageErrors.answer(e);
        if (storage != null) {
            synchronized (log) { // the operator must learn of it; no stack trace, it is not a bug
                log.println("bitsieve serve: " + ctx.method() + " " + ctx.path() + ": " + storage.getMessage());
            }
            return storage;
        }
        long id = incidents.incrementAndGet();
        synchronized (log) {
            log.println("bitsieve serve: incident " + id + " on " + ctx.method() + " " + ctx.path() + ":");
            e.printStackTrace(log);
        }
        return new ApiError(ApiError.Code.INTERNAL_ERROR, "internal error (incident " + id + " in the server log)");
    }

    /**
     * Jetty answers some requests before they reach the router (a malformed request line, an ambiguous path such
     * as {@code %2e%2e} or an encoded '/', oversized headers). Those answers are JSON too.
     */
    private static final class JsonErrorHandler extends ErrorHandler {
        @Override
        public ByteBuffer badMessageError(int status, String reason, org.eclipse.jetty.http.HttpFields.Mutable fields) {
            fields.put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/json");
            return ByteBuffer.wrap(body(status, reason));
        }

        @Override
        public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response) throws IOException {
            baseRequest.setHandled(true);
            int status = response.getStatus();
            Object msg = request.getAttribute("jakarta.servlet.error.message");
            response.setContentType("application/json");
            response.getOutputStream().write(body(status, msg == null ? null : msg.toString()));
        }

        private static byte[] body(int status, String reason) {
            ApiError.Code code = switch (status) {
                case 404 -> ApiError.Code.NOT_FOUND;
                case 405 -> ApiError.Code.METHOD_NOT_ALLOWED;
                case 413 -> ApiError.Code.BODY_TOO_LARGE;
                case 431 -> ApiError.Code.HEADERS_TOO_LARGE;
                case 408 -> ApiError.Code.REQUEST_TIMEOUT;
                case 415 -> ApiError.Code.UNSUPPORTED_MEDIA_TYPE;
                case 503 -> ApiError.Code.UNAVAILABLE;
                default -> status >= 500 ? ApiError.Code.INTERNAL_ERROR : ApiError.Code.BAD_REQUEST;
            };
            String m = "the HTTP request was refused before routing (" + status + (reason == null ? "" : ": " + reason) + ")";
            return Json.write(new Bodies.ErrorBody(new Bodies.ErrorDetail(code.wire(), m)));
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Graceful stop: stop accepting, let in-flight requests finish (up to the shutdown timeout), then close every
     * collection (flushing its memtable) and every model. Safe to call twice (a signal and a test may both).
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            app.stop();
        } finally {
            try {
                colls.close();
            } finally {
                embedders.close();
            }
        }
    }
}
