package org.bitsieve.cli.store;

import org.bitsieve.store.Collection;
import org.bitsieve.store.RefitOptions;
import org.bitsieve.store.RefitReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

@Command(name = "compact", mixinStandardHelpOptions = true,
        description = "Rewrite a collection's live documents into fresh segments, dropping deleted rows.")
public final class CompactCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Option(names = "--refit", description = "Refit the encoder on the collection's own documents first (as `bitsieve refit` with "
            + "its defaults; floats must be kept); a winning encoder's re-encode is itself a compaction.")
    boolean refit;

    @Override
    int run() throws IOException {
        try (Collection c = Collection.open(collection)) {
            long before = c.info().totalBytes();
            long t0 = System.nanoTime();
            RefitReport r = refit ? c.refit(RefitCommand.options(null, null, null, false, 42, false, RefitOptions.DEFAULT_RANKING)) : null;
            c.compact();
            if (r != null) {
                System.out.println(r.describe());
            }
            var after = c.info();
            System.out.printf(Locale.ROOT, "compacted %s in %.1fs: %,d documents in %d segment(s), %,d -> %,d bytes%n", collection,
                    (System.nanoTime() - t0) / 1e9, after.documents(), after.segments(), before, after.totalBytes());
        }
        return 0;
    }
}
