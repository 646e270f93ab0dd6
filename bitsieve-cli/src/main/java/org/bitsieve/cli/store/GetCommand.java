package org.bitsieve.cli.store;

import org.bitsieve.store.Collection;
import org.bitsieve.store.Doc;
import org.bitsieve.store.FloatFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Print documents of a collection by id, one JSON object per line (id, text, metadata).",
                "Exit code 1 when an id is not in the collection (the others are still printed)."})
public final class GetCommand extends StoreCommand {
    @Mixin
    IdArguments idArgs;

    @Option(names = "--vector", description = "Also print the kept float vector (collections indexed with --keep-floats f16 or f32).")
    boolean vector;

    @Override
    int run() throws IOException {
        List<String> all = idArgs.all();
        List<String> missing = new ArrayList<>();
        try (Collection c = Collection.open(idArgs.collection)) {
            if (vector && c.floats() == FloatFormat.NONE) {
                throw new IllegalArgumentException(idArgs.collection + " keeps no float vectors (indexed with --keep-floats none); drop --vector");
            }
            for (String id : all) {
                Doc d = c.get(id);
                if (d == null) {
                    missing.add(id);
                    continue;
                }
                var o = StoreInputs.JSON.createObjectNode().put("id", d.id()).put("text", d.text());
                if (d.metadataJson() != null) {
                    o.set("metadata", StoreInputs.JSON.readTree(d.metadataJson()));
                }
                if (vector) {
                    var a = o.putArray("vector");
                    for (float v : d.vector()) {
                        a.add(v);
                    }
                }
                System.out.println(o);
            }
        }
        if (!missing.isEmpty()) {
            System.err.println("bitsieve: not found in " + idArgs.collection + ": " + String.join(", ", missing.subList(0, Math.min(10, missing.size())))
                    + (missing.size() > 10 ? " and " + (missing.size() - 10) + " more" : ""));
            return 1;
        }
        return 0;
    }
}
