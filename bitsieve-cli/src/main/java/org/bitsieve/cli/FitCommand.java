package org.bitsieve.cli;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.encode.Encoders;
import org.bitsieve.core.encode.FitOptions;
import org.bitsieve.core.io.EncoderFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "fit", mixinStandardHelpOptions = true,
        description = "Fit an encoder on a sample of vectors (.npy or .fvecs) and save it (.bse).")
final class FitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "VECTORS", description = "Training vectors (.npy float32/float16, or .fvecs).")
    Path vectors;

    @Option(names = {"-o", "--output"}, required = true, description = "Encoder file to write (.bse).")
    Path output;

    @Option(names = {"-e", "--encoder"}, defaultValue = Encoders.DEFAULT,
            description = "Encoder family: witq (default), pcaq, itq, sign, simhash, kesieve.")
    String encoder;

    @Option(names = {"-b", "--bits"}, defaultValue = "256", description = "Code length in bits (kesieve: cap, 0 = none). Default: ${DEFAULT-VALUE}.")
    int bits;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--max-sample", defaultValue = "100000", description = "Fit on at most this many vectors. Default: ${DEFAULT-VALUE}.")
    int maxSample;

    @Override
    public Integer call() throws Exception {
        FloatMatrix x = Inputs.vectors(vectors);
        Encoders.kind(encoder).checkBits(bits, x.dim());
        long t0 = System.nanoTime();
        Encoder e;
        try (Bars.Bar bar = Bars.bar("fit " + encoder, 1, "steps")) {
            e = Encoders.fit(encoder, x, FitOptions.bits(bits).withSeed(seed).withMaxSample(maxSample).withProgress(bar));
        }
        EncoderFiles.save(e, output);
        System.out.printf(java.util.Locale.ROOT, "fitted %s in %.1fs on %d vectors -> %s%n", e.describe(),
                (System.nanoTime() - t0) / 1e9, Math.min(x.rows(), maxSample), output);
        return 0;
    }
}
