package org.bitsieve.cli.store;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A collection and document ids after it, and from {@code --ids FILE} (one per line, {@code -} for stdin): the
 * arguments of get and delete (one mixin, since picocli checks a mixin's positional indices on their own).
 */
final class IdArguments {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ID", description = "Document ids.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--ids", paramLabel = "FILE", description = "More ids, one per line (blank lines skipped); - reads standard input.")
    Path idsFile;

    /** Every id given, in order, each once; refuses an empty list. */
    List<String> all() throws IOException {
        LinkedHashSet<String> all = new LinkedHashSet<>(ids);
        if (idsFile != null) {
            try (BufferedReader r = idsFile.toString().equals("-")
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                    : Files.newBufferedReader(idsFile, StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        all.add(line.strip());
                    }
                }
            }
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no ids given: name them after the collection or give --ids FILE");
        }
        return new ArrayList<>(all);
    }
}
