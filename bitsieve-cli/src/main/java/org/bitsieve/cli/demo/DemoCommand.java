package org.bitsieve.cli.demo;

import org.bitsieve.cli.TextEmbedding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The first command to run: embed the 3,000 Tatoeba sentences shipped in the jar, index them with the shipped",
                "general encoder, answer a few example queries, and print the size against float32 and the recall against exact",
                "float search. Needs no data folder and no network; about 15-25 s on 2 cores."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--collection", paramLabel = "DIR",
            description = "Where the demo collection goes (replaced on every run). Default: <temp folder>/bitsieve-demo/sample.")
    Path dir;

    @Option(names = {"-b", "--bits"}, defaultValue = "256", description = "Code length: 128, 256 or 512. Default: ${DEFAULT-VALUE}.")
    int bits;

    @Option(names = "--recall-queries", defaultValue = "200",
            description = "Sample sentences used as queries for the recall measurement. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Mixin
    TextEmbedding embedding;

    @Override
    public Integer call() throws Exception {
        if (queries < 1) {
            throw new IllegalArgumentException("--recall-queries must be positive");
        }
        new Demo(System.out).run(dir != null ? dir : Demo.defaultDir(), embedding, bits, queries);
        return 0;
    }
}
