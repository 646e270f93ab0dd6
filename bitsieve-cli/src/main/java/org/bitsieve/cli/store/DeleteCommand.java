package org.bitsieve.cli.store;

import org.bitsieve.store.Collection;
import picocli.CommandLine.Command;
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
import java.util.Locale;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete documents of a collection by id, in one atomic, durable batch.",
                "Ids that are not in the collection are counted and reported, not an error. The rows stay on disk "
                        + "until `bitsieve compact`."})
public final class DeleteCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ID", description = "Document ids.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--ids", paramLabel = "FILE", description = "More ids, one per line (blank lines skipped); - reads standard input.")
    Path idsFile;

    @Override
    int run() throws IOException {
        LinkedHashSet<String> all = new LinkedHashSet<>(ids);
        if (idsFile != null) {
            all.addAll(readIds(idsFile));
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no ids given: name them after the collection or give --ids FILE");
        }
        try (Collection c = Collection.open(collection)) {
            int deleted = c.delete(new ArrayList<>(all));
            System.out.printf(Locale.ROOT, "deleted %,d of %,d ids from %s (%,d not found); %,d documents left%n", deleted, all.size(),
                    collection, all.size() - deleted, c.count());
        }
        return 0;
    }

    static List<String> readIds(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = file.toString().equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
        }
        return out;
    }
}
