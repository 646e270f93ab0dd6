package org.bitsieve.cli.serve;

import org.bitsieve.server.ApiKeys;
import org.bitsieve.server.ApiServer;
import org.bitsieve.server.Role;
import org.bitsieve.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bitsieve serve}: the HTTP API (docs/server.md). Settings come from a JSON config file, and flags override
 * them one by one. Runs until SIGTERM or Ctrl-C, then stops gracefully: no new connections, in-flight requests
 * finish (up to the shutdown timeout), collections are flushed and closed.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the HTTP API: encode, embed, collections, search and classify (see docs/server.md).",
                "Every endpoint but /health needs an API key; create one with `bitsieve keys new`."})
public final class ServeCommand implements java.util.concurrent.Callable<Integer> {
    /** The command classes to register as subcommands of the main CLI. */
    public static final Class<?>[] COMMANDS = {ServeCommand.class, KeysCommand.class};

    @Option(names = {"-c", "--config"}, description = "Config file (JSON, see docs/server.md).")
    Path config;

    @Option(names = "--web", paramLabel = "DIR", description = "Also serve this folder's files under /web/ without a key "
            + "(the browser demo and bundles from `bitsieve export-web`).")
    java.nio.file.Path web;

    @Option(names = "--data", description = "Data folder: one sub-folder per collection (created if missing).")
    Path data;

    @Option(names = "--host", description = "Address to bind. Default: 127.0.0.1 (loopback only).")
    String host;

    @Option(names = {"-p", "--port"}, description = "Port (0 = any free port). Default: 8080.")
    Integer port;

    @Option(names = "--threads", description = "Request threads. Default: 32.")
    Integer threads;

    @Option(names = "--search-threads", description = "Scan threads per search (1 serves many clients best). Default: 1.")
    Integer searchThreads;

    @Option(names = "--concurrent-searches", description = "Searches scanning at once; more wait their turn in arrival order. Default: cores + 1.")
    Integer concurrentSearches;

    @Option(names = "--shutdown-timeout", description = "Seconds a graceful stop waits for in-flight requests. Default: 30.")
    Integer shutdownSeconds;

    @Option(names = "--max-body-bytes", description = "Largest request body. Default: 16777216.")
    Long maxBody;

    @Option(names = "--max-batch", description = "Most texts, vectors, documents or ids per request. Default: 1000.")
    Integer maxBatch;

    @Option(names = "--max-text-chars", description = "Longest text. Default: 10000.")
    Integer maxText;

    @Option(names = "--max-k", description = "Largest k of a search. Default: 1000.")
    Integer maxK;

    @Option(names = "--max-collections", description = "Most collections the server holds. Default: 256.")
    Integer maxCollections;

    @Option(names = "--key", paramLabel = "ROLE:HASH", description = "An API key entry, e.g. write:sha256:... (repeatable; "
            + "adds to the config file's keys). The hash comes from `bitsieve keys new` or `bitsieve keys hash`.")
    List<String> keys = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        ServerConfig cfg = config != null ? ServerConfig.load(config) : ServerConfig.defaults(null);
        if (data != null) {
            cfg = cfg.withData(data);
        }
        if (host != null) {
            cfg = cfg.withHost(host);
        }
        if (port != null) {
            cfg = cfg.withPort(port);
        }
        if (threads != null) {
            cfg = cfg.withThreads(threads);
        }
        if (searchThreads != null) {
            cfg = cfg.withSearchThreads(searchThreads);
        }
        if (concurrentSearches != null) {
            cfg = cfg.withConcurrentSearches(concurrentSearches);
        }
        if (shutdownSeconds != null) {
            cfg = cfg.withShutdownSeconds(shutdownSeconds);
        }
        ServerConfig.Limits l = cfg.limits();
        cfg = cfg.withLimits(new ServerConfig.Limits(maxBody != null ? maxBody : l.maxBodyBytes(), maxBatch != null ? maxBatch : l.maxBatch(),
                maxText != null ? maxText : l.maxTextChars(), maxK != null ? maxK : l.maxK(),
                maxCollections != null ? maxCollections : l.maxCollections(), l.bodyTimeoutSeconds(), l.minBodyBytesPerSecond()));
        if (!keys.isEmpty()) {
            List<ApiKeys.Entry> all = new ArrayList<>(cfg.keys());
            for (int i = 0; i < keys.size(); i++) {
                String k = keys.get(i);
                int colon = k.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("--key must be ROLE:HASH, e.g. read:sha256:..., got '" + k + "'");
                }
                all.add(ApiKeys.parse("flag" + i, Role.parse(k.substring(0, colon)), k.substring(colon + 1)));
            }
            cfg = cfg.withKeys(all);
        }
        ApiServer server = ApiServer.start(cfg, System.err, web);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("bitsieve serve: stopping (finishing in-flight requests, closing collections)");
            try {
                server.close();
                System.err.println("bitsieve serve: stopped");
            } catch (IOException | RuntimeException e) {
                System.err.println("bitsieve serve: error while stopping: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "bitsieve-shutdown"));
        System.out.println("bitsieve serve: listening on http://" + cfg.host() + ":" + server.port() + " (data " + cfg.data()
                + ", " + server.collections() + " collections, " + cfg.keys().size() + " keys)");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
