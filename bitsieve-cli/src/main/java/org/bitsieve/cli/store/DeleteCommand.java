package org.bitsieve.cli.store;

import org.bitsieve.store.Collection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete documents of a collection by id, or every document passing --filter EXPR, in one atomic, durable batch.",
                "Ids that are not in the collection are counted and reported, not an error. The rows stay on disk "
                        + "until `bitsieve compact`."})
public final class DeleteCommand extends StoreCommand {
    @Mixin
    IdArguments idArgs;

    @Option(names = "--filter", paramLabel = "EXPR", description = {"Delete every document whose metadata passes EXPR "
            + "(as in search, e.g. \"year < 2020 && genre == 'drama'\"), instead of ids. No confirmation: the count is printed."})
    String filter;

    @Override
    int run() throws IOException {
        if (filter != null) {
            if (!idArgs.ids.isEmpty() || idArgs.idsFile != null) {
                throw new IllegalArgumentException("give ids or --filter, not both");
            }
            org.bitsieve.store.filter.MetaFilter f = StoreInputs.whereFilter(filter); // parsed before the collection opens
            try (Collection c = Collection.open(idArgs.collection)) {
                int deleted = c.deleteWhere(f);
                System.out.printf(Locale.ROOT, "deleted %,d documents matching %s from %s; %,d documents left%n", deleted,
                        org.bitsieve.store.filter.MetaFilterText.toText(f), idArgs.collection, c.count());
            }
            return 0;
        }
        List<String> ids = idArgs.all();
        try (Collection c = Collection.open(idArgs.collection)) {
            int deleted = c.delete(ids);
            System.out.printf(Locale.ROOT, "deleted %,d of %,d ids from %s (%,d not found); %,d documents left%n", deleted, ids.size(),
                    idArgs.collection, ids.size() - deleted, c.count());
        }
        return 0;
    }
}
