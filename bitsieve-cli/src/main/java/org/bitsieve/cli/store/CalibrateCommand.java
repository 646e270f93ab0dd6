package org.bitsieve.cli.store;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.store.Collection;
import org.bitsieve.store.NprobeCalibration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Measure a partitioned collection's default nprobe on its own documents: the smallest nprobe at which the "
                + "partitioned search finds --target of the exact scan's top 10, with sample documents as queries. Kept in the "
                + "collection; a bulk load and a compaction do this by themselves past 100,000 documents (again once the collection "
                + "has doubled). Codes-only collections keep no vectors to draw queries from: give --vectors."})
public final class CalibrateCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Option(names = "--target", description = "Recall@10 against the exact scan that the default must reach, in (0, 1]. Default: the last "
            + "calibration's target, else " + NprobeCalibration.DEFAULT_TARGET + ".")
    Double target;

    @Option(names = "--queries", description = "Stored documents drawn as queries (collections that keep floats). Default: "
            + NprobeCalibration.DEFAULT_QUERIES + ".")
    Integer queries;

    @Option(names = "--vectors", paramLabel = "FILE", description = "Sample query vectors (.npy float32, float16 or float64, .fvecs) from the "
            + "collection's domain, e.g. some of the vectors it was loaded from; needed for codes-only collections.")
    Path vectors;

    @Override
    int run() throws IOException {
        if (queries != null && vectors != null) {
            throw new IllegalArgumentException("give --queries (drawn from the stored documents) or --vectors, not both");
        }
        if (queries != null && queries < 1) {
            throw new IllegalArgumentException("--queries must be at least 1, got " + queries);
        }
        try (Collection c = Collection.open(collection)) {
            int before = c.defaultNprobe();
            double t = target != null ? target : c.calibrationTarget();
            NprobeCalibration cal;
            if (vectors != null) {
                FloatMatrix s = org.bitsieve.cli.Inputs.vectors(vectors);
                cal = c.calibrateNprobe(s, null, t);
            } else {
                cal = c.calibrateNprobe(t, queries != null ? queries : NprobeCalibration.DEFAULT_QUERIES);
            }
            System.out.println(cal.describe());
            int after = c.defaultNprobe();
            System.out.println(after == 0
                    ? String.format(Locale.ROOT, "searches that name no nprobe stay exact below 100,000 documents (%,d now); from there on they "
                    + "scan %d of %d cells", c.count(), cal.nprobe(), c.coarse().cells())
                    : String.format(Locale.ROOT, "searches that name no nprobe now scan %d of %d cells (before: %d)", after, c.coarse().cells(), before));
        }
        return 0;
    }
}
