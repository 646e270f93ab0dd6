package org.bitsieve.cli;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.PackedCodes;
import org.bitsieve.core.encode.Encoder;
import org.bitsieve.core.io.CodesFile;
import org.bitsieve.core.io.EncoderFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.Callable;

@Command(name = "encode", mixinStandardHelpOptions = true,
        description = {"Encode vectors or texts into packed codes (.bsc) or print them as hex/base64.",
                "Without --encoder, the general encoder shipped for --model at --bits is used: no fitting step."})
final class EncodeCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "VECTORS", description = "Vectors to encode (.npy or .fvecs).")
    Path vectors;

    @Option(names = {"-t", "--text"}, description = "Text(s) to embed and encode instead of a vector file (repeatable).")
    java.util.List<String> texts;

    @picocli.CommandLine.Mixin
    TextEmbedding embedding;

    @Option(names = {"-e", "--encoder"}, description = "Fitted encoder file (.bse). Default: the shipped general encoder of --model.")
    Path encoderFile;

    @Option(names = {"-b", "--bits"}, defaultValue = "256", description = "Code length of the shipped encoder (128, 256, 512). Default: ${DEFAULT-VALUE}.")
    int bits;

    @Option(names = {"-o", "--output"}, description = "Codes file to write (.bsc). Without it, codes are printed.")
    Path output;

    @Option(names = "--format", defaultValue = "hex", description = "Printed form: hex or base64 (little-endian packed bytes). Default: ${DEFAULT-VALUE}.")
    String format;

    @Override
    public Integer call() throws Exception {
        if ((vectors == null) == (texts == null)) {
            throw new UserException("give either a VECTORS file or --text");
        }
        Encoder e;
        String encoderName;
        if (encoderFile != null) {
            e = EncoderFiles.load(encoderFile);
            encoderName = "encoder " + encoderFile;
        } else {
            e = org.bitsieve.embed.GeneralEncoders.load(embedding.model, bits);
            encoderName = "the shipped general encoder of " + org.bitsieve.embed.GeneralEncoders.encoderModel(embedding.model) + " (" + bits + " bits)";
            System.err.println("using " + encoderName + ": " + e.describe());
        }
        FloatMatrix x = vectors != null ? Inputs.vectors(vectors)
                : embedding.embed(texts, org.bitsieve.embed.TextRole.PASSAGE, "--text");
        if (x.dim() != e.dimension()) {
            throw new UserException((vectors != null ? vectors.toString() : "model " + embedding.model) + " has dimension " + x.dim() + " but " + encoderName + " expects "
                    + e.dimension() + "; use vectors from the same embedding model the encoder was fitted on");
        }
        PackedCodes codes;
        try (Bars.Bar bar = Bars.bar("encode", x.rows(), "vectors")) {
            codes = e.encodeAll(x, bar);
        }
        if (output != null) {
            CodesFile.write(output, codes, EncoderFiles.fingerprint(e));
            System.out.printf("encoded %d vectors to %d-bit codes (%d bytes each) -> %s%n", codes.count(), codes.bits(),
                    codes.bytesPerCode(), output);
            return 0;
        }
        PrintStream out = System.out;
        for (int i = 0; i < codes.count(); i++) {
            byte[] b = Codes.bytes(codes, i);
            out.println(switch (format) {
                case "hex" -> HexFormat.of().formatHex(b);
                case "base64" -> Base64.getEncoder().encodeToString(b);
                default -> throw new UserException("unknown --format '" + format + "'; use hex or base64");
            });
        }
        return 0;
    }
}
