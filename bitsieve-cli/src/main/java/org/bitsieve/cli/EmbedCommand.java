package org.bitsieve.cli;

import org.bitsieve.core.FloatMatrix;
import org.bitsieve.core.io.Npy;
import org.bitsieve.embed.TextInput;
import org.bitsieve.embed.TextRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed texts in-process (ONNX Runtime, no network) into a float32 .npy file, one row per text.",
                "Input: JSON Lines (--field), CSV/TSV (--field names the column) or plain text lines; .gz is fine."})
final class EmbedCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TEXTS", description = "Input file (.jsonl, .csv, .tsv, .txt, optionally .gz).")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, description = "Vectors to write (.npy).")
    Path output;

    @Option(names = "--field", defaultValue = "text", description = "JSON field or CSV column with the text ('title+text' joins fields). Default: ${DEFAULT-VALUE}.")
    String field;

    @Option(names = "--format", description = "jsonl, csv, tsv or lines (default: from the file name).")
    TextInput.Format format;

    @Option(names = "--role", defaultValue = "PASSAGE", description = "PASSAGE or QUERY (models with prefixes use it). Default: ${DEFAULT-VALUE}.")
    TextRole role;

    @Mixin
    TextEmbedding embedding;

    @Override
    public Integer call() throws Exception {
        List<String> texts = TextInput.read(input, format != null ? format : TextInput.Format.guess(input), field);
        if (texts.isEmpty()) {
            throw new UserException(input + ": holds no texts");
        }
        FloatMatrix m = embedding.embed(texts, role, input.getFileName().toString());
        Npy.write(output, m);
        System.out.printf("wrote %d x %d float32 vectors -> %s%n", m.rows(), m.dim(), output);
        return 0;
    }
}
