package org.bitsieve.cli.store;

import org.bitsieve.store.Collection;
import org.bitsieve.store.FloatFormat;
import org.bitsieve.store.SearchMode;
import org.bitsieve.store.SearchRequest;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** Query options shared by search and classify (a picocli mixin). */
final class QueryOptions {
    /** Query text, set by the command from its QUERY positional (a mixin cannot hold a second positional). */
    String text;

    @picocli.CommandLine.Mixin
    org.bitsieve.cli.TextEmbedding embedding;

    @Option(names = "--vector-file", description = "Query vectors (.npy or .fvecs), instead of QUERY text.")
    Path vectorFile;

    @Option(names = "--row", defaultValue = "0", description = "Row of --vector-file to query with. Default: ${DEFAULT-VALUE}.")
    int row;

    @Option(names = "-k", defaultValue = "10", description = "Number of results / neighbours. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--mode", defaultValue = "asymmetric", description = "hamming or asymmetric. Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--oversample", description = "Re-rank the best k x N codes by the stored float vectors "
            + "(default 10 when the collection keeps floats, else 1 = no re-ranking).")
    Integer oversample;

    @Option(names = "--filter", paramLabel = "EXPR", description = {"Only documents whose metadata passes EXPR, e.g. "
            + "\"genre == 'drama' && year >= 2020\" (==, !=, >, >=, <, <=, in [..], nin [..], contains, &&, ||, !, "
            + "parentheses; docs/store.md). The older FIELD=VALUE form (text equality) still works."})
    String filter;

    @Option(names = "--threads", defaultValue = "0", description = "Scan threads (0 = all cores). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--nprobe", description = "Partitioned collections: coarse cells to scan (1..cells; 0 = every row). "
            + "Default: exact below 100,000 documents, else the collection's measured default.")
    Integer nprobe;

    @Option(names = "--exact", description = "Scan every row (the same as --nprobe 0).")
    boolean exact;

    SearchRequest request(Collection c, float[] q) {
        int o = oversample != null ? oversample : c.floats() == FloatFormat.NONE ? 1 : 10;
        if (exact && nprobe != null && nprobe != 0) {
            throw new IllegalArgumentException("give --exact or --nprobe " + nprobe + ", not both");
        }
        if (nprobe != null && nprobe < 0) {
            throw new IllegalArgumentException("--nprobe must be 0 (exact) or a number of cells, got " + nprobe);
        }
        SearchRequest r = SearchRequest.of(q, k).mode(SearchMode.parse(mode)).oversample(o).threads(threads);
        if (exact || nprobe != null) {
            r = r.nprobe(exact ? 0 : nprobe);
        }
        if (filter == null) {
            return r;
        }
        String[] legacy = StoreInputs.legacyFilter(filter);
        return legacy != null ? r.filter(legacy[0], legacy[1]) : r.where(StoreInputs.whereFilter(filter));
    }

    QueryOptions withText(String t) {
        this.text = t;
        return this;
    }

    float[] query() throws IOException {
        if ((text == null) == (vectorFile == null)) {
            throw new IllegalArgumentException("give a QUERY text or --vector-file, not both or neither");
        }
        if (vectorFile != null) {
            return StoreInputs.queryRow(vectorFile, row);
        }
        try {
            return embedding.embed(java.util.List.of(text), org.bitsieve.embed.TextRole.QUERY, "query").row(0);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
