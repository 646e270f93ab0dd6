package org.bitsieve.cli.store;

import org.bitsieve.store.Collection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete documents of a collection by id, in one atomic, durable batch.",
                "Ids that are not in the collection are counted and reported, not an error. The rows stay on disk "
                        + "until `bitsieve compact`."})
public final class DeleteCommand extends StoreCommand {
    @Mixin
    IdArguments idArgs;

    @Override
    int run() throws IOException {
        List<String> ids = idArgs.all();
        try (Collection c = Collection.open(idArgs.collection)) {
            int deleted = c.delete(ids);
            System.out.printf(Locale.ROOT, "deleted %,d of %,d ids from %s (%,d not found); %,d documents left%n", deleted, ids.size(),
                    idArgs.collection, ids.size() - deleted, c.count());
        }
        return 0;
    }
}
