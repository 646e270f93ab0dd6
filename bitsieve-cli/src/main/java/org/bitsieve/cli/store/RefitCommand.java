package org.bitsieve.cli.store;

import org.bitsieve.store.Collection;
import org.bitsieve.store.RefitOptions;
import org.bitsieve.store.RefitReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

@Command(name = "refit", mixinStandardHelpOptions = true,
        description = {"Refit a collection's encoder on its own documents (floats must be kept): candidates are fitted on a sample, "
                + "measured by recall@10 against exact float search on held-out documents, and the best replaces the current encoder "
                + "if it gains at least the margin; every document is then re-encoded, atomically."})
public final class RefitCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Option(names = "--kinds", split = ",", description = "Candidate encoder kinds. Default: witq,itq,pcaq.")
    List<String> kinds;

    @Option(names = "--sample", description = "Documents sampled for fitting and held-out queries. Default: 20000.")
    Integer sample;

    @Option(names = "--margin", description = "Recall@10 points (0-100) a candidate must gain to replace the current encoder. Default: 1.")
    Double margin;

    @Option(names = "--force", description = "Take the best candidate even if it does not beat the current encoder.")
    boolean force;

    @Option(names = "--seed", defaultValue = "42", description = "Sample, split and fit seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--dry-run", description = "Measure and print, change nothing.")
    boolean dryRun;

    @Option(names = "--asymmetric-only", description = "Rank candidates by asymmetric recall@10 alone (may choose pcaq, whose Hamming "
            + "search is weak and which export-web cannot ship). Default: the mean of asymmetric and Hamming recall@10.")
    boolean asymmetricOnly;

    @Override
    int run() throws IOException {
        RefitReport r;
        try (Collection c = Collection.open(collection)) {
            r = c.refit(options(kinds, sample, margin, force, seed, dryRun).withAsymmetricOnly(asymmetricOnly));
        }
        System.out.println(r.describe());
        return 0;
    }

    static RefitOptions options(List<String> kinds, Integer sample, Double margin, boolean force, long seed, boolean dryRun) {
        if (margin != null && force) {
            throw new IllegalArgumentException("give --margin or --force, not both");
        }
        if (margin != null && !(margin >= 0 && margin <= 100)) {
            throw new IllegalArgumentException("--margin is in recall@10 points, 0 to 100; got " + margin);
        }
        RefitOptions o = RefitOptions.defaults().withSeed(seed).withDryRun(dryRun);
        if (kinds != null) {
            o = o.withKinds(kinds);
        }
        if (sample != null) {
            o = o.withMaxSample(sample);
        }
        if (margin != null) {
            o = o.withMargin(margin / 100);
        }
        return force ? o.withMargin(-1) : o;
    }
}
