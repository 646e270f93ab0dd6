package org.bitsieve.cli.store;

import org.bitsieve.embed.TextEmbedder;
import org.bitsieve.embed.TextRole;
import org.bitsieve.store.Collection;
import org.bitsieve.store.Hit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Many queries against one collection with the model and the collection loaded once: the resident mode for
 * interactive use. A one-off `bitsieve search` pays JVM start and model load (3-7 s) for a search of
 * milliseconds; here each line costs only its embedding and search.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"Search a collection line by line with the model loaded once: each line of standard input is a query,",
                "answered in tens of milliseconds. Lines starting with ':' change settings: :k N, :mode hamming|asymmetric,",
                ":oversample N, :filter EXPR (e.g. :filter label == 1 && year > 2000; :filter off), :help, :quit. End with Ctrl-D."})
public final class ShellCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Mixin
    QueryOptions query;

    @Override
    int run() throws IOException {
        boolean tty = System.console() != null && org.bitsieve.cli.Bars.interactive();
        long t0 = System.nanoTime();
        try (Collection c = Collection.open(collection); TextEmbedder e = query.embedding.open()) {
            // the first inference and the first scans run cold (class loading, JIT); pay for them before the prompt
            float[] warm = e.embed(List.of("warm-up"), TextRole.QUERY)[0];
            for (int i = 0; i < 20; i++) {
                c.search(query.request(c, warm));
            }
            System.err.printf(Locale.ROOT, "bitsieve shell: %,d documents in %s, model %s, ready in %.1f s; one query per line, :help for settings%n",
                    c.count(), collection, e.modelName(), (System.nanoTime() - t0) / 1e9);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                if (tty) {
                    System.out.print("> ");
                    System.out.flush();
                }
                String line = in.readLine();
                if (line == null) {
                    break;
                }
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith(":")) {
                    if (!setting(line)) {
                        break;
                    }
                    continue;
                }
                long q0 = System.nanoTime();
                float[] v = e.embed(List.of(line), TextRole.QUERY)[0];
                long q1 = System.nanoTime();
                List<Hit> hits = c.search(query.request(c, v));
                long q2 = System.nanoTime();
                int rank = 0;
                for (Hit h : hits) {
                    System.out.printf(Locale.ROOT, "%3d  %9.4f  %-12s %s%n", ++rank, h.score(), h.id(), StoreInputs.oneLine(h.text(), 100));
                }
                System.out.printf(Locale.ROOT, "(%d results in %.1f ms: embedding %.1f ms, search %.1f ms)%n", hits.size(),
                        (q2 - q0) / 1e6, (q1 - q0) / 1e6, (q2 - q1) / 1e6);
                System.out.flush();
            }
        }
        return 0;
    }

    /** Applies a ':' line; false to quit. Mistakes are reported and the shell goes on. */
    private boolean setting(String line) {
        String[] p = line.substring(1).strip().split("\\s+", 2);
        String arg = p.length > 1 ? p[1] : "";
        try {
            switch (p[0]) {
                case "q", "quit", "exit" -> {
                    return false;
                }
                case "k" -> query.k = positive(arg, ":k");
                case "oversample" -> query.oversample = positive(arg, ":oversample");
                case "mode" -> {
                    org.bitsieve.store.SearchMode.parse(arg);
                    query.mode = arg;
                }
                case "filter" -> {
                    String f = arg.equals("off") || arg.isEmpty() ? null : arg;
                    if (f != null && StoreInputs.legacyFilter(f) == null) {
                        StoreInputs.whereFilter(f); // a malformed expression is refused here, not at the next query
                    }
                    query.filter = f;
                }
                case "help", "h", "?" -> {
                    System.out.println(":k N | :mode hamming|asymmetric | :oversample N | :filter EXPR | :filter off | :quit");
                    return true;
                }
                default -> throw new IllegalArgumentException("unknown setting '" + p[0] + "'; :help lists them");
            }
            System.out.printf(Locale.ROOT, "k=%d mode=%s oversample=%s filter=%s%n", query.k, query.mode,
                    query.oversample == null ? "default" : query.oversample, query.filter == null ? "off" : query.filter);
        } catch (IllegalArgumentException ex) {
            System.out.println("error: " + ex.getMessage());
        }
        return true;
    }

    private static int positive(String s, String what) {
        try {
            int v = Integer.parseInt(s);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(what + " needs a positive number, got '" + s + "'");
    }
}
