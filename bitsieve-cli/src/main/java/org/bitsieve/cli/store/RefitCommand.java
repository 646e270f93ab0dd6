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

    @Option(names = "--kinds", split = ",", description = "Candidate encoder kinds. Default: those of the ranking (--rank).")
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

    @Option(names = "--rank", paramLabel = "asymmetric|balanced", converter = RankingConverter.class,
            description = {"What 'best' means. asymmetric: asymmetric recall@10 (what search and classify score by default); candidates "
                    + "witq,itq,pcaq,pq. balanced: the mean of asymmetric and Hamming recall@10, for collections also searched by "
                    + "Hamming distance; candidates witq,itq,pcaq. Default: " + "${DEFAULT-VALUE}."})
    RefitOptions.Ranking rank = RefitOptions.DEFAULT_RANKING;

    static final class RankingConverter implements picocli.CommandLine.ITypeConverter<RefitOptions.Ranking> {
        @Override
        public RefitOptions.Ranking convert(String s) { return RefitOptions.Ranking.parse(s); }
    }

    @Override
    int run() throws IOException {
        RefitReport r;
        try (Collection c = Collection.open(collection)) {
            r = c.refit(options(kinds, sample, margin, force, seed, dryRun, rank));
        }
        System.out.println(r.describe());
        return 0;
    }

    static RefitOptions options(List<String> kinds, Integer sample, Double margin, boolean force, long seed, boolean dryRun,
                                RefitOptions.Ranking rank) {
        if (margin != null && force) {
            throw new IllegalArgumentException("give --margin or --force, not both");
        }
        if (margin != null && !(margin >= 0 && margin <= 100)) {
            throw new IllegalArgumentException("--margin is in recall@10 points, 0 to 100; got " + margin);
        }
        RefitOptions o = RefitOptions.defaults().withRanking(rank).withSeed(seed).withDryRun(dryRun);
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
