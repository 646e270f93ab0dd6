package org.bitsieve.cli.store;

import org.bitsieve.store.Collection;
import org.bitsieve.store.Hit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Top-k documents of a collection for a query vector: rank, score, id and text.")
public final class SearchCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Parameters(index = "1", arity = "0..1", paramLabel = "QUERY",
            description = "Query text, embedded in-process with --model (or give --vector-file).")
    String text;

    @Mixin
    QueryOptions query;

    @Option(names = "--json", description = "Print one JSON object per result (id, score, text, metadata).")
    boolean json;

    @Override
    int run() throws IOException {
        float[] q = query.withText(text).query();
        try (Collection c = Collection.open(collection)) {
            long t0 = System.nanoTime();
            List<Hit> hits = c.search(query.request(c, q));
            double ms = (System.nanoTime() - t0) / 1e6;
            int rank = 0;
            for (Hit h : hits) {
                rank++;
                if (json) {
                    var o = StoreInputs.JSON.createObjectNode().put("rank", rank).put("id", h.id()).put("score", h.score()).put("text", h.text());
                    if (h.metadataJson() != null) {
                        o.set("metadata", StoreInputs.JSON.readTree(h.metadataJson()));
                    }
                    System.out.println(o);
                } else {
                    System.out.printf(Locale.ROOT, "%3d  %9.4f  %-24s %s%n", rank, h.score(), h.id(), StoreInputs.oneLine(h.text(), 100));
                }
            }
            if (!json) {
                System.out.printf(Locale.ROOT, "%d results from %d documents in %.1f ms%n", hits.size(), c.count(), ms);
            }
        }
        return 0;
    }
}
