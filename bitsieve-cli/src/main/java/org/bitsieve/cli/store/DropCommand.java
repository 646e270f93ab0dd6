package org.bitsieve.cli.store;

import org.bitsieve.store.Collection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;

@Command(name = "drop", mixinStandardHelpOptions = true, description = "Delete a collection folder and everything in it.")
public final class DropCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "COLLECTION", description = "Collection folder.")
    Path collection;

    @Override
    int run() throws IOException {
        Collection.drop(collection);
        System.out.println("dropped " + collection);
        return 0;
    }
}
