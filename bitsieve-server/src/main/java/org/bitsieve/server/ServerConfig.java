package org.bitsieve.server;

import org.bitsieve.embed.GeneralEncoders;
import org.bitsieve.embed.Models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything {@code bitsieve serve} is told: where to listen, where collections live, who may call, and the
 * limits. Read from a JSON file ({@link FileForm}, documented in docs/server.md); command-line flags override
 * single fields.
 *
 * @param host             address to bind; loopback by default, so exposing the server is a deliberate choice
 * @param port             0 picks a free port (tests)
 * @param data             the data folder; each collection is a sub-folder named after it
 * @param threads          request threads (Jetty's pool, selectors and acceptors included)
 * @param searchThreads    scan threads per search; 1 serves many concurrent clients best, more lowers one query's latency
 * @param concurrentSearches searches and classifications scanning at once; more wait their turn in arrival order
 *                         (fewer than the request threads, so scans do not time-slice each other into long tails)
 * @param shutdownSeconds  how long a graceful stop waits for in-flight requests
 */
public record ServerConfig(String host, int port, Path data, int threads, int searchThreads, int concurrentSearches, int shutdownSeconds,
                           String defaultModel, int defaultBits, Limits limits, List<ApiKeys.Entry> keys) {

    /**
     * Request limits.
     *
     * @param maxBodyBytes largest request body
     * @param maxBatch     most texts, vectors, documents or ids in one request
     * @param maxTextChars longest text (UTF-16 chars); models truncate at their token limit anyway
     * @param maxK         largest k (and k x oversample) of a search
     * @param maxCollections most collections the server holds (create answers 409 {@code too_many_collections} beyond)
     * @param bodyTimeoutSeconds a request body must arrive completely within this time (408 {@code request_timeout})
     * @param minBodyBytesPerSecond and at least at this average rate, judged after its first second
     */
    public record Limits(long maxBodyBytes, int maxBatch, int maxTextChars, int maxK, int maxCollections, int bodyTimeoutSeconds,
                         int minBodyBytesPerSecond) {
        public static final int DEFAULT_MAX_COLLECTIONS = 256;
        public static final int DEFAULT_BODY_TIMEOUT_SECONDS = 30;
        public static final int DEFAULT_MIN_BODY_BYTES_PER_SECOND = 1024;

        public Limits(long maxBodyBytes, int maxBatch, int maxTextChars, int maxK) {
            this(maxBodyBytes, maxBatch, maxTextChars, maxK, DEFAULT_MAX_COLLECTIONS, DEFAULT_BODY_TIMEOUT_SECONDS,
                    DEFAULT_MIN_BODY_BYTES_PER_SECOND);
        }

        public static Limits defaults() { return new Limits(16L << 20, 1000, 10_000, 1000); }

        public Limits withMaxCollections(int n) {
            return new Limits(maxBodyBytes, maxBatch, maxTextChars, maxK, n, bodyTimeoutSeconds, minBodyBytesPerSecond);
        }

        public Limits withBodyTiming(int timeoutSeconds, int minBytesPerSecond) {
            return new Limits(maxBodyBytes, maxBatch, maxTextChars, maxK, maxCollections, timeoutSeconds, minBytesPerSecond);
        }
    }

    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (threads < 8) {
            throw new IllegalArgumentException("threads must be at least 8 (Jetty needs some for accepting and selecting), got " + threads);
        }
        if (searchThreads < 1) {
            throw new IllegalArgumentException("search threads must be at least 1, got " + searchThreads);
        }
        if (concurrentSearches < 1) {
            throw new IllegalArgumentException("concurrent searches must be at least 1, got " + concurrentSearches);
        }
        if (shutdownSeconds < 0) {
            throw new IllegalArgumentException("shutdown timeout must be >= 0 seconds, got " + shutdownSeconds);
        }
        if (limits.maxBodyBytes() < 1024 || limits.maxBatch() < 1 || limits.maxTextChars() < 1 || limits.maxK() < 1
                || limits.maxCollections() < 1 || limits.bodyTimeoutSeconds() < 1 || limits.minBodyBytesPerSecond() < 0) {
            throw new IllegalArgumentException("limits must be positive (max_body_bytes at least 1024, body_timeout_seconds "
                    + "at least 1, min_body_bytes_per_second 0 or more): " + limits);
        }
        keys = List.copyOf(keys);
    }

    /**
     * One more than the cores: a scan is CPU-bound, so more at once only time-slice each other (requests then
     * finish late together: the p99 latency grows), while one spare keeps a core busy when a scan waits briefly.
     */
    static int defaultConcurrentSearches() {
        return Runtime.getRuntime().availableProcessors() + 1;
    }

    /** Defaults for everything but the data folder and the keys. */
    public static ServerConfig defaults(Path data) {
        return new ServerConfig("127.0.0.1", 8080, data, 32, 1, defaultConcurrentSearches(), 30, Models.DEFAULT, GeneralEncoders.DEFAULT_BITS,
                Limits.defaults(), List.of());
    }

    public ServerConfig withPort(int p) { return new ServerConfig(host, p, data, threads, searchThreads, concurrentSearches, shutdownSeconds, defaultModel, defaultBits, limits, keys); }

    public ServerConfig withHost(String h) { return new ServerConfig(h, port, data, threads, searchThreads, concurrentSearches, shutdownSeconds, defaultModel, defaultBits, limits, keys); }

    public ServerConfig withData(Path d) { return new ServerConfig(host, port, d, threads, searchThreads, concurrentSearches, shutdownSeconds, defaultModel, defaultBits, limits, keys); }

    public ServerConfig withThreads(int t) { return new ServerConfig(host, port, data, t, searchThreads, concurrentSearches, shutdownSeconds, defaultModel, defaultBits, limits, keys); }

    public ServerConfig withSearchThreads(int t) { return new ServerConfig(host, port, data, threads, t, concurrentSearches, shutdownSeconds, defaultModel, defaultBits, limits, keys); }

    public ServerConfig withConcurrentSearches(int c) { return new ServerConfig(host, port, data, threads, searchThreads, c, shutdownSeconds, defaultModel, defaultBits, limits, keys); }

    public ServerConfig withShutdownSeconds(int s) { return new ServerConfig(host, port, data, threads, searchThreads, concurrentSearches, s, defaultModel, defaultBits, limits, keys); }

    public ServerConfig withLimits(Limits l) { return new ServerConfig(host, port, data, threads, searchThreads, concurrentSearches, shutdownSeconds, defaultModel, defaultBits, l, keys); }

    public ServerConfig withDefaults(String model, int bits) { return new ServerConfig(host, port, data, threads, searchThreads, concurrentSearches, shutdownSeconds, model, bits, limits, keys); }

    public ServerConfig withKeys(List<ApiKeys.Entry> k) { return new ServerConfig(host, port, data, threads, searchThreads, concurrentSearches, shutdownSeconds, defaultModel, defaultBits, limits, k); }

    /** The config file as written; every field optional. */
    public record FileForm(String host, Integer port, String data, Integer threads, Integer searchThreads,
                           Integer concurrentSearches, Integer shutdownTimeoutSeconds, String defaultModel, Integer defaultBits, LimitsForm limits,
                           List<KeyForm> keys) {}

    public record LimitsForm(Long maxBodyBytes, Integer maxBatch, Integer maxTextChars, Integer maxK, Integer maxCollections,
                             Integer bodyTimeoutSeconds, Integer minBodyBytesPerSecond) {}

    public record KeyForm(String name, String role, String hash) {}

    /**
     * Reads a config file; relative {@code data} paths resolve against the file's folder.
     *
     * @throws IllegalArgumentException naming the file and what is wrong in it
     */
    public static ServerConfig load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        FileForm f;
        try {
            f = Json.parse(Files.readAllBytes(file), FileForm.class);
        } catch (ApiError e) {
            throw new IllegalArgumentException("config " + file + ": " + e.getMessage());
        }
        Limits l = Limits.defaults();
        if (f.limits() != null) {
            LimitsForm lf = f.limits();
            l = new Limits(lf.maxBodyBytes() != null ? lf.maxBodyBytes() : l.maxBodyBytes(),
                    lf.maxBatch() != null ? lf.maxBatch() : l.maxBatch(),
                    lf.maxTextChars() != null ? lf.maxTextChars() : l.maxTextChars(),
                    lf.maxK() != null ? lf.maxK() : l.maxK(),
                    lf.maxCollections() != null ? lf.maxCollections() : l.maxCollections(),
                    lf.bodyTimeoutSeconds() != null ? lf.bodyTimeoutSeconds() : l.bodyTimeoutSeconds(),
                    lf.minBodyBytesPerSecond() != null ? lf.minBodyBytesPerSecond() : l.minBodyBytesPerSecond());
        }
        List<ApiKeys.Entry> keys = new ArrayList<>();
        if (f.keys() != null) {
            for (int i = 0; i < f.keys().size(); i++) {
                KeyForm k = f.keys().get(i);
                String name = k.name() != null ? k.name() : "key" + i;
                try {
                    keys.add(ApiKeys.parse(name, Role.parse(k.role()), k.hash()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("config " + file + ": keys[" + i + "]: " + e.getMessage());
                }
            }
        }
        ServerConfig d = defaults(f.data() == null ? null : resolve(file, f.data()));
        try {
            return new ServerConfig(f.host() != null ? f.host() : d.host(), f.port() != null ? f.port() : d.port(), d.data(),
                    f.threads() != null ? f.threads() : d.threads(),
                    f.searchThreads() != null ? f.searchThreads() : d.searchThreads(),
                    f.concurrentSearches() != null ? f.concurrentSearches() : d.concurrentSearches(),
                    f.shutdownTimeoutSeconds() != null ? f.shutdownTimeoutSeconds() : d.shutdownSeconds(),
                    f.defaultModel() != null ? f.defaultModel() : d.defaultModel(),
                    f.defaultBits() != null ? f.defaultBits() : d.defaultBits(), l, keys);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config " + file + ": " + e.getMessage());
        }
    }

    /** Checks what only a complete config can be checked for (after flags are applied). */
    public ServerConfig validate() {
        if (data == null) {
            throw new IllegalArgumentException("no data folder given; set \"data\" in the config file or pass --data");
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no API keys configured; every endpoint but /health needs one. Create one "
                    + "with `bitsieve keys new --role write` and put its entry in the config file's \"keys\" (or pass --key)");
        }
        return this;
    }

    private static Path resolve(Path file, String p) {
        Path x = Path.of(p);
        return x.isAbsolute() ? x : file.toAbsolutePath().getParent().resolve(x).normalize();
    }
}
